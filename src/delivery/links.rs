//! The links a message carries — the notice on the web, where the organisation keeps its
//! recipients, and for critical faults and instructions "received and passed on", signed for
//! the one delivery.

use crate::access::{LinkKey, LinkPurpose};
use crate::notices::{ACKNOWLEDGE_VALID, NoticeId, SmsText};
use crate::registry::Language;
use crate::store::ClaimedDelivery;
use chrono::{DateTime, Utc};

/// The links messages carry, and the key that signs the per-delivery ones.
pub struct MessageLinks {
    public_url: String,
    key: Option<LinkKey>,
    /// The envelope sender's local part and domain, for VERP.
    bounce: Option<(String, String)>,
}

impl MessageLinks {
    /// Links under `public_url`; without `key` no message asks for an acknowledgement.
    /// `bounce_address` (`[email]`, may be empty) is the base of envelope senders.
    pub fn new(public_url: &str, key: Option<LinkKey>, bounce_address: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            key,
            bounce: bounce_address
                .trim()
                .split_once('@')
                .map(|(l, d)| (l.to_owned(), d.to_owned())),
        }
    }

    /// The envelope sender of email delivery `d` (VERP): `local+<code>@domain`, the code
    /// naming the delivery (30 hexadecimal characters: the local part stays under RFC 5321's
    /// 64 octets); none without a bounce address.
    pub(super) fn return_path(&self, d: &ClaimedDelivery) -> Option<String> {
        let (local, domain) = self.bounce.as_ref()?;
        let code = self
            .key
            .as_ref()?
            .short_hex(LinkPurpose::Bounce, u64::try_from(d.id).ok()?)?;
        Some(format!("{local}+{code}@{domain}"))
    }

    /// The notice on the public page.
    pub fn notice(&self, id: NoticeId) -> String {
        format!("{}/notices/{id}", self.public_url)
    }

    /// The portal's sign-in, where the organisation keeps its recipients.
    pub(super) fn manage(&self, lang: Language) -> String {
        format!("{}/portal?lang={}", self.public_url, lang.code())
    }

    /// "Received and passed on" for email delivery `d`, valid `ACKNOWLEDGE_VALID`.
    pub(super) fn acknowledge_email(
        &self,
        d: &ClaimedDelivery,
        now: DateTime<Utc>,
    ) -> Option<String> {
        let token = self
            .key
            .as_ref()?
            .sign(
                LinkPurpose::Acknowledge,
                &d.id.to_string(),
                now + ACKNOWLEDGE_VALID,
            )
            .map_err(|e| tracing::warn!(error = %e, "no randomness: email sent without its acknowledgement link"))
            .ok()?;
        Some(format!(
            "{}/links/ack?t={token}&lang={}",
            self.public_url,
            d.language.code()
        ))
    }

    /// `text` with the short acknowledgement link of SMS delivery `d` when it fits in the
    /// parts the text takes anyway; `text` itself otherwise.
    pub(super) fn sms_text(&self, text: &str, d: &ClaimedDelivery) -> String {
        let code = self.key.as_ref().and_then(|k| {
            u64::try_from(d.id)
                .ok()
                .and_then(|id| k.short_code(LinkPurpose::AcknowledgeSms, id))
        });
        let Some(code) = code else {
            return text.to_owned();
        };
        let longer = format!("{text} {}/a/{code}", self.public_url);
        match (SmsText::parse(text), SmsText::parse(&longer)) {
            (Ok(a), Ok(b)) if b.parts() <= a.parts() => longer,
            _ => text.to_owned(),
        }
    }
}
