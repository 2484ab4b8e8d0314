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

    /// Whether `text` takes no more SMS parts with a short acknowledgement link than
    /// without. Every code has the same length and characters (all one GSM-7 septet, one
    /// UCS-2 unit), so one code answers for every delivery.
    pub(super) fn sms_link_fits(&self, text: &str) -> bool {
        let Some(code) = self.sms_code(0) else {
            return false;
        };
        match (
            SmsText::parse(text),
            SmsText::parse(&self.with_sms_link(text, &code)),
        ) {
            (Ok(a), Ok(b)) => b.parts() <= a.parts(),
            _ => false,
        }
    }

    /// `text` with the short acknowledgement link of SMS delivery `id` when one `fits`
    /// (see `sms_link_fits`); `text` itself otherwise.
    pub(super) fn sms_text(&self, text: &str, fits: bool, id: i64) -> String {
        match self.sms_code(id).filter(|_| fits) {
            Some(code) => self.with_sms_link(text, &code),
            None => text.to_owned(),
        }
    }

    fn sms_code(&self, id: i64) -> Option<String> {
        let id = u64::try_from(id).ok()?;
        self.key
            .as_ref()?
            .short_code(LinkPurpose::AcknowledgeSms, id)
    }

    fn with_sms_link(&self, text: &str, code: &str) -> String {
        format!("{text} {}/a/{code}", self.public_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decided for each delivery with its own code, as it was before texts were shared.
    fn own_decision(links: &MessageLinks, text: &str, id: i64) -> String {
        let longer = links.with_sms_link(text, &links.sms_code(id).unwrap());
        match (SmsText::parse(text), SmsText::parse(&longer)) {
            (Ok(a), Ok(b)) if b.parts() <= a.parts() => longer,
            _ => text.to_owned(),
        }
    }

    #[test]
    fn whether_a_link_fits_is_the_same_for_every_delivery_of_a_text() {
        let key = LinkKey::from_secret(&"k".repeat(32)).unwrap();
        let links = MessageLinks::new("https://status.example.fi", Some(key), "");
        let texts = (100..470)
            .map(|n| "a".repeat(n))
            .chain((40..210).map(|n| "ж".repeat(n)))
            .chain((60..160).map(|n| format!("{}€", "ä".repeat(n))));
        let ids = [0, 1, 255, 65_535, 123_456_789, (1 << 48) - 1];
        let mut with_link = 0;
        for text in texts {
            let fits = links.sms_link_fits(&text);
            for id in ids {
                let shared = links.sms_text(&text, fits, id);
                assert_eq!(
                    shared,
                    own_decision(&links, &text, id),
                    "{} chars, id {id}",
                    text.chars().count()
                );
                with_link += usize::from(shared != text);
            }
        }
        assert!(with_link > 0, "some texts have room for the link");
    }

    #[test]
    fn no_link_without_a_key() {
        let links = MessageLinks::new("https://status.example.fi", None, "");
        assert!(!links.sms_link_fits("Katko"));
        assert_eq!(links.sms_text("Katko", true, 1), "Katko");
    }
}
