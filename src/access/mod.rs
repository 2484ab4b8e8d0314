//! Access: API tokens, roles, and the actor behind every operation.

mod actor;
mod token;

pub use actor::{Actor, ActorKind};
pub use token::{IssuedToken, PresentedToken, Role, SecretHash, TokenId};
