//! What one delivery says: the revision rendered in the recipient's language with the links
//! it carries — the notice on the web, where the organisation keeps its recipients, and for
//! critical faults and instructions "received and passed on", signed for this delivery.

use super::email::OutgoingEmail;
use super::error::SendError;
use super::worker::Deliverer;
use crate::access::{LinkKey, LinkPurpose};
use crate::gateways::OutgoingSms;
use crate::notices::{
    ACKNOWLEDGE_VALID, EmailLinks, NoticeId, Revision, SmsText, render_email, render_sms,
};
use crate::registry::{Channel, Language};
use crate::store::ClaimedDelivery;
use chrono::{DateTime, Utc};

/// The links messages carry, and the key that signs the per-delivery ones.
pub struct MessageLinks {
    public_url: String,
    key: Option<LinkKey>,
}

impl MessageLinks {
    /// Links under `public_url`; without `key` no message asks for an acknowledgement.
    pub fn new(public_url: &str, key: Option<LinkKey>) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            key,
        }
    }

    /// The notice on the public page.
    pub fn notice(&self, id: NoticeId) -> String {
        format!("{}/notices/{id}", self.public_url)
    }

    /// The portal's sign-in, where the organisation keeps its recipients.
    fn manage(&self, lang: Language) -> String {
        format!("{}/portal?lang={}", self.public_url, lang.code())
    }

    /// "Received and passed on" for email delivery `d`, valid `ACKNOWLEDGE_VALID`.
    fn acknowledge_email(&self, d: &ClaimedDelivery, now: DateTime<Utc>) -> Option<String> {
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
    fn sms_text(&self, text: &str, d: &ClaimedDelivery) -> String {
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

impl Deliverer {
    /// Renders `rev` for the group led by `d` and hands it to the channel; the provider's
    /// message id when it gives one.
    pub(super) async fn send(
        &self,
        group: &[ClaimedDelivery],
        d: &ClaimedDelivery,
        rev: &Revision,
    ) -> Result<Option<String>, SendError> {
        let notice = self.links.notice(d.notice_id);
        let ack = rev.asks_acknowledgement();
        match d.channel() {
            Channel::Email => {
                let acknowledge = ack
                    .then(|| self.links.acknowledge_email(d, self.clock.now_micros()))
                    .flatten();
                let mail = OutgoingEmail {
                    to: d.address.as_str().to_owned(),
                    message_id: format!("<{}@{}>", self.reference(d), self.message_domain),
                    language: d.language.code(),
                    rendered: render_email(
                        rev,
                        d.language,
                        Some(d.audience),
                        &self.catalogue,
                        EmailLinks {
                            notice: &notice,
                            manage: &self.links.manage(d.language),
                            acknowledge: acknowledge.as_deref(),
                        },
                        self.plan_rules.is_short_notice(rev),
                    ),
                };
                self.email.send(&mail).await.map(|()| None)
            }
            Channel::Sms => {
                let text = render_sms(rev, d.language, &notice);
                let batch: Vec<OutgoingSms> = group
                    .iter()
                    .map(|m| OutgoingSms {
                        to: m.address.as_str().to_owned(),
                        text: if ack {
                            self.links.sms_text(&text, m)
                        } else {
                            text.clone()
                        },
                        reference: self.reference(m),
                    })
                    .collect();
                self.sms.send_batch(&batch).await
            }
        }
    }
}
