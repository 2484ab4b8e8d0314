//! GatewayAPI: one message to up to 500 recipients per request (basic auth with the token);
//! receipts are an HS256 JWT in `X-Gwapi-Signature` whose payload is the receipt.

use super::provider::{OutgoingSms, SmsProvider, id_text};
use super::receipt::{
    HmacSha256, Receipt, ReceiptError, configured, header, hmac, matchable, msisdn,
};
use crate::config::SmsHttpSettings;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

/// Recipients per request: keeps one request (and one failure) to a size a retry can afford.
const MAX_RECIPIENTS: usize = 500;

/// GatewayAPI, with its token and the JWT secret of its receipts.
pub(super) struct Gatewayapi {
    token: Option<SecretString>,
    receipt_secret: Option<SecretString>,
}

impl Gatewayapi {
    pub(super) fn new(s: &SmsHttpSettings) -> Self {
        Self {
            token: s.token.clone(),
            receipt_secret: s.receipt_secret.clone(),
        }
    }
}

/// A base64url JSON part of a JWT.
fn jwt_part(part: &str) -> Result<Value, ReceiptError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(ReceiptError::Refused)
}

impl SmsProvider for Gatewayapi {
    fn batch_max(&self) -> usize {
        MAX_RECIPIENTS
    }

    fn request(
        &self,
        client: &reqwest::Client,
        url: &reqwest::Url,
        sender: &str,
        batch: &[OutgoingSms],
    ) -> Result<reqwest::RequestBuilder, String> {
        let sms = batch.first().ok_or("an empty batch")?;
        let mut recipients = Vec::with_capacity(batch.len());
        for m in batch {
            let msisdn: u64 =
                m.to.trim_start_matches('+')
                    .parse()
                    .map_err(|_| "not an MSISDN".to_owned())?;
            recipients.push(json!({"msisdn": msisdn}));
        }
        // One message to many recipients: receipts name the message id and the recipient's
        // MSISDN, which is how they are matched.
        let r = client.post(url.clone()).json(&json!({
            "sender": sender, "message": sms.text, "userref": sms.reference, "recipients": recipients
        }));
        Ok(match &self.token {
            Some(t) => r.basic_auth(t.expose_secret(), Option::<&str>::None),
            None => r,
        })
    }

    fn message_id(&self, answer: &Value) -> Option<String> {
        answer.pointer("/ids/0").and_then(id_text)
    }

    fn receipt(
        &self,
        _url: &str,
        headers: &HeaderMap,
        _body: &[u8],
    ) -> Result<Receipt, ReceiptError> {
        let secret = configured(&self.receipt_secret)?;
        let jwt = header(headers, "x-gwapi-signature")?;
        let mut parts = jwt.split('.');
        let (Some(h), Some(p), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ReceiptError::Refused);
        };
        if jwt_part(h)?["alg"] != "HS256" {
            return Err(ReceiptError::Refused);
        }
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| ReceiptError::Refused)?;
        hmac::<HmacSha256>(
            secret.expose_secret().as_bytes(),
            format!("{h}.{p}").as_bytes(),
        )
        .verify_slice(&sig)
        .map_err(|_| ReceiptError::Refused)?;
        let claims = jwt_part(p)?;
        let delivered = match claims["status"].as_str().unwrap_or("") {
            "DELIVERED" => Some(true),
            "UNDELIVERABLE" | "REJECTED" | "EXPIRED" => Some(false),
            _ => None,
        };
        // A message may have gone to many recipients (one userref for all): the message id
        // and the MSISDN name the delivery; the userref alone does only without an MSISDN.
        let address = claims["msisdn"]
            .as_u64()
            .map(|m| m.to_string())
            .or_else(|| claims["msisdn"].as_str().map(str::to_owned))
            .and_then(|m| msisdn(&m));
        Ok(Receipt {
            reference: if address.is_some() {
                None
            } else {
                matchable(claims["userref"].as_str().map(str::to_owned))
            },
            address,
            external_id: matchable(
                claims["id"]
                    .as_i64()
                    .map(|i| i.to_string())
                    .or_else(|| claims["id"].as_str().map(str::to_owned)),
            ),
            delivered,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gatewayapi() -> Gatewayapi {
        Gatewayapi {
            token: None,
            receipt_secret: Some(SecretString::from("jwt-secret".to_owned())),
        }
    }

    fn jwt(header: &Value, claims: &Value, key: &str) -> HeaderMap {
        let h = URL_SAFE_NO_PAD.encode(header.to_string());
        let p = URL_SAFE_NO_PAD.encode(claims.to_string());
        let sig = hmac::<HmacSha256>(key.as_bytes(), format!("{h}.{p}").as_bytes())
            .finalize()
            .into_bytes();
        let mut m = HeaderMap::new();
        let value = format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode(sig));
        m.insert("x-gwapi-signature", value.parse().unwrap());
        m
    }

    #[test]
    fn a_signed_receipt_names_the_message_and_the_recipient() {
        let claims =
            json!({"id": 1234, "msisdn": 358401234567u64, "status": "DELIVERED", "userref": "r1"});
        let r = gatewayapi()
            .receipt(
                "",
                &jwt(&json!({"alg": "HS256"}), &claims, "jwt-secret"),
                b"",
            )
            .unwrap();
        assert_eq!(r.external_id.as_deref(), Some("1234"));
        assert_eq!(r.address.as_deref(), Some("+358401234567"));
        assert_eq!(
            r.reference, None,
            "the userref is shared by every recipient"
        );
        assert_eq!(r.delivered, Some(true));
    }

    #[test]
    fn a_receipt_with_another_key_or_algorithm_is_refused() {
        let claims = json!({"id": 1, "status": "DELIVERED"});
        let g = gatewayapi();
        let wrong_key = jwt(&json!({"alg": "HS256"}), &claims, "guess");
        assert_eq!(g.receipt("", &wrong_key, b""), Err(ReceiptError::Refused));
        let none = jwt(&json!({"alg": "none"}), &claims, "jwt-secret");
        assert_eq!(g.receipt("", &none, b""), Err(ReceiptError::Refused));
        assert_eq!(
            g.receipt("", &HeaderMap::new(), b""),
            Err(ReceiptError::Refused)
        );
    }

    #[test]
    fn a_batch_goes_as_one_message_to_many_msisdns() {
        let batch: Vec<OutgoingSms> = ["+358401111111", "+358402222222"]
            .iter()
            .map(|to| OutgoingSms {
                to: (*to).into(),
                text: "Katko".into(),
                reference: "r1".into(),
            })
            .collect();
        let req = gatewayapi()
            .request(
                &reqwest::Client::new(),
                &"http://127.0.0.1:9/".parse().unwrap(),
                "Kanta",
                &batch,
            )
            .unwrap()
            .build()
            .unwrap();
        let body: Value = serde_json::from_slice(req.body().unwrap().as_bytes().unwrap()).unwrap();
        assert_eq!(
            body["recipients"],
            json!([{"msisdn": 358401111111u64}, {"msisdn": 358402222222u64}])
        );
        assert_eq!(
            (body["sender"].as_str(), body["userref"].as_str()),
            (Some("Kanta"), Some("r1"))
        );
    }
}
