//! What a verified delivery receipt says, and the checks every provider shares.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use secrecy::SecretString;

/// What a verified receipt says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Receipt {
    /// Our stable reference, where the gateway echoes it.
    pub reference: Option<String>,
    /// The gateway's id of the message.
    pub external_id: Option<String>,
    /// The recipient, where one message went to many (GatewayAPI batches).
    pub address: Option<String>,
    /// `Some(true)` delivered, `Some(false)` undeliverable, `None` an intermediate status.
    pub delivered: Option<bool>,
}

impl Receipt {
    /// Whether it names a delivery at all.
    pub fn names_one(&self) -> bool {
        self.reference.is_some() || self.external_id.is_some()
    }
}

/// Why a receipt is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptError {
    /// No key to verify this provider's receipts with is configured.
    NotConfigured,
    /// The signature is missing or does not verify.
    Refused,
    /// Signed, but not in the provider's format.
    Malformed(&'static str),
}

/// Our references and gateways' message ids are short; anything longer cannot name one of
/// our deliveries.
const MAX_RECEIPT_ID_LEN: usize = 128;

/// A reference or gateway id from a signed receipt, kept only if it could name one of our
/// deliveries: a receipt whose ids are empty, overlong or hold control characters (NUL
/// among them, which PostgreSQL cannot even compare) matches nothing and changes nothing.
pub(super) fn matchable(id: Option<String>) -> Option<String> {
    id.filter(|s| {
        !s.is_empty() && s.len() <= MAX_RECEIPT_ID_LEN && !s.chars().any(char::is_control)
    })
}

/// An MSISDN from a receipt as E.164 (`+` and 8–15 digits), or nothing.
pub(super) fn msisdn(digits: &str) -> Option<String> {
    let d = digits.trim_start_matches('+');
    ((8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())).then(|| format!("+{d}"))
}

/// The key that verifies receipts, if one is configured.
pub(super) fn configured(key: &Option<SecretString>) -> Result<&SecretString, ReceiptError> {
    key.as_ref().ok_or(ReceiptError::NotConfigured)
}

/// A header's value as text; a receipt without it is refused.
pub(super) fn header<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, ReceiptError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or(ReceiptError::Refused)
}

/// HMAC of `data` under `key`; verify with `verify_slice`.
pub(super) fn hmac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> M {
    let mut m = <M as KeyInit>::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(data);
    m
}

/// HMAC-SHA256.
pub(super) type HmacSha256 = Hmac<sha2::Sha256>;
/// HMAC-SHA1 (Twilio).
pub(super) type HmacSha1 = Hmac<sha1::Sha1>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_cannot_name_a_delivery_match_nothing() {
        assert_eq!(matchable(Some("abc".into())), Some("abc".into()));
        assert_eq!(matchable(Some(String::new())), None);
        assert_eq!(matchable(Some("a\0b".into())), None);
        assert_eq!(matchable(Some("x".repeat(129))), None);
    }

    #[test]
    fn an_msisdn_is_read_as_e164_or_not_at_all() {
        assert_eq!(msisdn("358401234567"), Some("+358401234567".into()));
        assert_eq!(msisdn("+358401234567"), Some("+358401234567".into()));
        assert_eq!(msisdn("1234"), None);
        assert_eq!(msisdn("35840x234567"), None);
    }
}
