//! What one delivery says: the revision rendered in the recipient's language with the links
//! it carries (`links.rs`), handed to its channel.

use super::email::OutgoingEmail;
use super::engine::Deliverer;
use super::error::SendError;
use crate::gateways::OutgoingSms;
use crate::notices::{EmailLinks, Revision, render_email, render_sms};
use crate::registry::Channel;
use crate::store::ClaimedDelivery;

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
                    return_path: self.links.return_path(d),
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
