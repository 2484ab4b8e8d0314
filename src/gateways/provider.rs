//! What every SMS provider does.

use super::receipt::{Receipt, ReceiptError};
use reqwest::header::HeaderMap;
use serde_json::Value;

/// One SMS to one number.
#[derive(Clone, Debug)]
pub struct OutgoingSms {
    pub to: String,
    pub text: String,
    /// Our stable reference for this (revision, number).
    pub reference: String,
}

/// One SMS provider's protocol.
pub trait SmsProvider: Send + Sync {
    /// How many recipients of the same text one request may carry.
    fn batch_max(&self) -> usize {
        1
    }

    /// The request that sends one text to every recipient of `batch` (at most `batch_max`);
    /// an error means the gateway could never take it.
    fn request(
        &self,
        client: &reqwest::Client,
        url: &reqwest::Url,
        sender: &str,
        batch: &[OutgoingSms],
    ) -> Result<reqwest::RequestBuilder, String>;

    /// The gateway's id of an accepted message, read from its answer.
    fn message_id(&self, answer: &Value) -> Option<String>;

    /// Verifies a delivery receipt the gateway posted to `url` and reads it.
    fn receipt(&self, url: &str, headers: &HeaderMap, body: &[u8])
    -> Result<Receipt, ReceiptError>;
}

/// A string or a number from a gateway's JSON, as text.
pub(super) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}
