//! Access: API tokens, roles, and the actor behind every operation.

mod actor;
mod audit;
mod idempotency;
mod session;
mod signed_link;
mod token;

pub use actor::{Actor, ActorKind};
pub use audit::AuditRecord;
pub use idempotency::{
    Answer, Earlier, IDEMPOTENCY_TTL, IdempotencyKey, Keep, Kept, MAX_IDEMPOTENCY_KEY_LEN,
};
pub use session::{
    BrowserSecret, ConsoleSession, LinkUse, LoginLink, MAX_LABEL_LEN, PendingSignIn, SessionRules,
    SessionScope, SignInMethod, link_label,
};
pub use signed_link::{LinkKey, LinkPurpose, LinkRefusal, MAX_SUBJECT, VerifiedLink};
pub use token::{IssuedToken, PresentedToken, Role, SecretHash, TokenId, TokenRecord};
