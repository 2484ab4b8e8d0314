//! Delivery: claim, render, send, record, retry.

mod compose;
mod email;
mod error;
mod links;
mod pipeline;
mod retry;
mod sms;
mod smtp_pool;
mod system;
mod worker;

pub use email::{EmailChannel, OutgoingEmail};
pub use error::SendError;
pub use retry::Backoff;
pub use sms::{RateLimit, SmsChannel};
pub use worker::{Deliverer, DelivererConfig, FANOUT_BATCH, Round};
