//! The SMS gateways faultcast speaks to. Each provider is one file that owns both halves of
//! its protocol: how a message is sent, and how its delivery receipts are verified and read.
//! Adding a provider is its file, a line in the provider list and its configuration code.

mod gatewayapi;
mod generic;
mod profiles;
mod provider;
mod receipt;
mod twilio;

pub use profiles::provider;
pub use provider::{OutgoingSms, SmsProvider};
pub use receipt::{Receipt, ReceiptError};
