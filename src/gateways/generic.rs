//! The `generic` profile (api.md): one JSON message per request with a bearer token; receipts
//! are JSON signed with `X-Faultcast-Signature: sha256=<hex HMAC-SHA256 of the body>`.

use super::provider::{OutgoingSms, SmsProvider, id_text};
use super::receipt::{HmacSha256, Receipt, ReceiptError, configured, header, hmac, matchable};
use crate::config::SmsHttpSettings;
use hmac::Mac;
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// The generic gateway, with its token and receipt key.
pub(super) struct Generic {
    token: Option<SecretString>,
    receipt_secret: Option<SecretString>,
}

impl Generic {
    pub(super) fn new(s: &SmsHttpSettings) -> Self {
        Self {
            token: s.token.clone(),
            receipt_secret: s.receipt_secret.clone(),
        }
    }
}

/// The request body: one message.
#[derive(serde::Serialize)]
struct Message<'a> {
    to: &'a str,
    from: &'a str,
    text: &'a str,
    reference: &'a str,
}

impl SmsProvider for Generic {
    fn request(
        &self,
        client: &reqwest::Client,
        url: &reqwest::Url,
        sender: &str,
        batch: &[OutgoingSms],
    ) -> Result<reqwest::RequestBuilder, String> {
        let sms = batch.first().ok_or("an empty batch")?;
        let r = client.post(url.clone()).json(&Message {
            to: &sms.to,
            from: sender,
            text: &sms.text,
            reference: &sms.reference,
        });
        Ok(match &self.token {
            Some(t) => r.bearer_auth(t.expose_secret()),
            None => r,
        })
    }

    fn message_id(&self, answer: &Value) -> Option<String> {
        answer.get("id").and_then(id_text)
    }

    /// Body `{"reference": "…", "id": "…", "status": "delivered" | "undeliverable"}`.
    fn receipt(
        &self,
        _url: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Receipt, ReceiptError> {
        let secret = configured(&self.receipt_secret)?;
        let given = header(headers, "x-faultcast-signature")?
            .strip_prefix("sha256=")
            .ok_or(ReceiptError::Refused)?;
        let given: Vec<u8> = (0..given.len() / 2)
            .filter_map(|i| {
                given
                    .get(2 * i..2 * i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect();
        hmac::<HmacSha256>(secret.expose_secret().as_bytes(), body)
            .verify_slice(&given)
            .map_err(|_| ReceiptError::Refused)?;
        let v: Value = serde_json::from_slice(body)
            .map_err(|_| ReceiptError::Malformed("a receipt must be a JSON object"))?;
        let delivered = match v["status"].as_str() {
            Some("delivered") => Some(true),
            Some("undeliverable") => Some(false),
            _ => None,
        };
        Ok(Receipt {
            reference: matchable(v["reference"].as_str().map(str::to_owned)),
            external_id: matchable(v["id"].as_str().map(str::to_owned)),
            address: None,
            delivered,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generic() -> Generic {
        Generic {
            token: None,
            receipt_secret: Some(SecretString::from("hmac-key".to_owned())),
        }
    }

    fn signed(body: &[u8], key: &str) -> HeaderMap {
        let sig = hmac::<HmacSha256>(key.as_bytes(), body)
            .finalize()
            .into_bytes();
        let hex: String = sig.iter().map(|b| format!("{b:02x}")).collect();
        let mut h = HeaderMap::new();
        h.insert(
            "x-faultcast-signature",
            format!("sha256={hex}").parse().unwrap(),
        );
        h
    }

    #[test]
    fn a_signed_receipt_is_read_and_an_unsigned_one_refused() {
        let body = br#"{"reference": "r1", "status": "undeliverable"}"#;
        let r = generic()
            .receipt("", &signed(body, "hmac-key"), body)
            .unwrap();
        assert_eq!(
            (r.reference.as_deref(), r.delivered),
            (Some("r1"), Some(false))
        );
        assert_eq!(
            generic().receipt("", &signed(body, "other"), body),
            Err(ReceiptError::Refused)
        );
        assert_eq!(
            generic().receipt("", &HeaderMap::new(), body),
            Err(ReceiptError::Refused)
        );
    }

    #[test]
    fn a_signed_body_that_is_not_json_is_malformed() {
        let body = b"status=delivered";
        assert!(matches!(
            generic().receipt("", &signed(body, "hmac-key"), body),
            Err(ReceiptError::Malformed(_))
        ));
    }
}
