//! What one delivery says: the revision rendered in the recipient's language with the links
//! it carries (`links.rs`), handed to its channel.

use super::content::{EmailContent, OWN_LINK};
use super::email::OutgoingEmail;
use super::engine::Deliverer;
use super::error::SendError;
use super::sms_content::SmsContent;
use crate::gateways::OutgoingSms;
use crate::notices::{EmailLinks, Revision, render_email, render_sms};
use crate::registry::Channel;
use crate::store::ClaimedDelivery;
use std::sync::Arc;

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
                let own_link = ack
                    .then(|| self.links.acknowledge_email(d, self.clock.now_micros()))
                    .flatten();
                let render = |acknowledge: Option<&str>| {
                    render_email(
                        rev,
                        d.language,
                        Some(d.audience),
                        &self.catalogue,
                        EmailLinks {
                            notice: &notice,
                            manage: &self.links.manage(d.language),
                            acknowledge,
                        },
                        self.plan_rules.is_short_notice(rev),
                    )
                };
                let content = match (ack, &own_link) {
                    // Asked for, but no link could be signed: the message goes without it.
                    (true, None) => Arc::new(EmailContent::from(render(None))),
                    _ => self
                        .contents
                        .shared((d.notice_id, d.revision, d.language, d.audience), || {
                            EmailContent::with_own_link(render(ack.then_some(OWN_LINK)))
                        }),
                };
                let mail = OutgoingEmail {
                    to: d.address.as_str().to_owned(),
                    return_path: self.links.return_path(d),
                    message_id: format!("<{}@{}>", self.reference(d), self.message_domain),
                    language: d.language.code(),
                    content,
                    own_link,
                };
                self.email.send(&mail).await.map(|()| None)
            }
            Channel::Sms => {
                let content =
                    self.sms_contents
                        .shared((d.notice_id, d.revision, d.language), || {
                            let text = render_sms(rev, d.language, &notice);
                            let link_fits = ack && self.links.sms_link_fits(&text);
                            SmsContent { text, link_fits }
                        });
                let batch: Vec<OutgoingSms> = group
                    .iter()
                    .map(|m| OutgoingSms {
                        to: m.address.as_str().to_owned(),
                        text: self.links.sms_text(&content.text, content.link_fits, m.id),
                        reference: self.reference(m),
                    })
                    .collect();
                self.sms.send_batch(&batch).await
            }
        }
    }
}
