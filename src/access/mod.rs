//! Access: API tokens, roles, and the actor behind every operation.

mod actor;
mod audit;
mod idempotency;
mod token;

pub use actor::{Actor, ActorKind};
pub use audit::AuditRecord;
pub use idempotency::{
    Answer, Earlier, IDEMPOTENCY_TTL, IdempotencyKey, Keep, Kept, MAX_IDEMPOTENCY_KEY_LEN,
};
pub use token::{IssuedToken, PresentedToken, Role, SecretHash, TokenId, TokenRecord};
