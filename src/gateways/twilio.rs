//! Twilio's Messages resource: a form per message with basic auth (`ACCOUNT_SID:AUTH_TOKEN`);
//! receipts are forms signed with `X-Twilio-Signature`, Base64(HMAC-SHA1(auth token, the
//! URL called followed by each parameter's name and value, sorted)).

use super::provider::{OutgoingSms, SmsProvider, id_text};
use super::receipt::{HmacSha1, Receipt, ReceiptError, configured, header, hmac, matchable};
use crate::config::SmsHttpSettings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac;
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// Twilio, with the account's SID and auth token (which also signs receipts).
pub(super) struct Twilio {
    account: String,
    auth_token: Option<SecretString>,
}

impl Twilio {
    pub(super) fn new(s: &SmsHttpSettings) -> Self {
        let (account, auth_token) = s
            .token
            .as_ref()
            .and_then(|t| t.expose_secret().split_once(':'))
            .map(|(sid, secret)| (sid.to_owned(), Some(SecretString::from(secret.to_owned()))))
            .unwrap_or_default();
        Self {
            account,
            auth_token,
        }
    }
}

impl SmsProvider for Twilio {
    fn request(
        &self,
        client: &reqwest::Client,
        url: &reqwest::Url,
        sender: &str,
        batch: &[OutgoingSms],
    ) -> Result<reqwest::RequestBuilder, String> {
        let sms = batch.first().ok_or("an empty batch")?;
        let secret = self
            .auth_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned())
            .unwrap_or_default();
        Ok(client
            .post(url.clone())
            .basic_auth(&self.account, Some(secret))
            .form(&[
                ("To", sms.to.as_str()),
                ("From", sender),
                ("Body", sms.text.as_str()),
            ]))
    }

    fn message_id(&self, answer: &Value) -> Option<String> {
        answer.get("sid").and_then(id_text)
    }

    fn receipt(
        &self,
        url: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Receipt, ReceiptError> {
        let token = configured(&self.auth_token)?;
        let given = STANDARD
            .decode(header(headers, "x-twilio-signature")?)
            .map_err(|_| ReceiptError::Refused)?;
        let mut params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        params.sort();
        let mut signed = url.to_owned();
        for (k, v) in &params {
            signed.push_str(k);
            signed.push_str(v);
        }
        hmac::<HmacSha1>(token.expose_secret().as_bytes(), signed.as_bytes())
            .verify_slice(&given)
            .map_err(|_| ReceiptError::Refused)?;
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let delivered = match get("MessageStatus").as_deref() {
            Some("delivered") => Some(true),
            Some("undelivered" | "failed") => Some(false),
            _ => None,
        };
        Ok(Receipt {
            reference: None,
            external_id: matchable(get("MessageSid")),
            address: None,
            delivered,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twilio(token: &str) -> Twilio {
        Twilio {
            account: "AC1".into(),
            auth_token: Some(SecretString::from(token.to_owned())),
        }
    }

    fn signed(signature: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-twilio-signature", signature.parse().unwrap());
        h
    }

    /// Twilio's own published example of a signed request.
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const BODY: &[u8] = b"To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B14158675310&Caller=%2B14158675310";

    #[test]
    fn twilios_published_example_verifies_and_a_changed_parameter_does_not() {
        let t = twilio("12345");
        let sig = signed("GvWf1cFY/Q7PnoempGyD5oXAezc=");
        assert!(t.receipt(URL, &sig, BODY).is_ok());
        let changed = b"To=%2B18005551212&Digits=1235&CallSid=CA1234567890ABCDE&From=%2B14158675310&Caller=%2B14158675310";
        assert_eq!(t.receipt(URL, &sig, changed), Err(ReceiptError::Refused));
        assert_eq!(
            twilio("54321").receipt(URL, &sig, BODY),
            Err(ReceiptError::Refused)
        );
    }

    #[test]
    fn without_an_auth_token_receipts_are_not_taken() {
        let t = Twilio::new(&crate::config::SmsHttpSettings {
            profile: crate::config::SmsProfile::Twilio,
            url: None,
            token: Some(SecretString::from("no-colon".to_owned())),
            receipt_secret: None,
            messages_per_second: 1,
            max_in_flight: 1,
            timeout_secs: 1,
        });
        assert_eq!(
            t.receipt(URL, &signed("GvWf1cFY/Q7PnoempGyD5oXAezc="), BODY),
            Err(ReceiptError::NotConfigured)
        );
    }
}
