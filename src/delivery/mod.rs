//! Delivery: claim, render, send, record, retry.

mod compose;
mod content;
mod email;
mod engine;
mod error;
mod expand;
mod leases;
mod links;
mod pipeline;
mod record;
mod retry;
mod send;
mod sms;
mod sms_content;
mod smtp_cork;
mod smtp_pool;
mod system;

pub use email::{EmailChannel, OutgoingEmail};
pub use engine::{Deliverer, DelivererConfig, Round};
pub use error::SendError;
pub use expand::FANOUT_BATCH;
pub use retry::Backoff;
pub use sms::{RateLimit, SmsChannel};
