//! "Received and passed on": the acknowledgement link of one delivery of a critical fault or
//! an instruction — in an email a signed token, in an SMS a short code. A GET shows what
//! would be acknowledged; only the POST records it, once per delivery.

use super::{Intake, IntakeResult};
use crate::access::{Actor, LinkPurpose, LinkRefusal};
use crate::notices::{ACKNOWLEDGE_VALID, AcknowledgementTarget};

/// An acknowledgement link as it was presented.
#[derive(Clone, Copy, Debug)]
pub enum AckLink<'a> {
    /// The signed token of an email's link (`/links/ack?t=…`).
    Token(&'a str),
    /// The short code of an SMS's link (`/a/…`).
    Code(&'a str),
}

/// What an acknowledgement link names now.
#[derive(Debug)]
pub enum Acknowledgement {
    /// Usable: the delivery, and when it was acknowledged if it was.
    Valid(AcknowledgementTarget),
    Expired,
    /// Not ours, altered, made for something else, or its recipient is gone.
    Invalid,
}

impl Intake {
    /// What the acknowledgement link `link` names (a GET: nothing is recorded).
    pub async fn acknowledgement(&self, link: AckLink<'_>) -> IntakeResult<Acknowledgement> {
        let key = self.link_key()?;
        let now = self.now();
        let id = match link {
            AckLink::Token(token) => match key.verify(LinkPurpose::Acknowledge, token, now) {
                Ok(v) => v.subject.parse::<i64>().ok(),
                Err(LinkRefusal::Expired) => return Ok(Acknowledgement::Expired),
                Err(LinkRefusal::Invalid) => None,
            },
            AckLink::Code(code) => key
                .verify_short_code(LinkPurpose::AcknowledgeSms, code)
                .and_then(|id| i64::try_from(id).ok()),
        };
        let Some(id) = id else {
            return Ok(Acknowledgement::Invalid);
        };
        let Some(target) = self.store.acknowledgement_target(id).await? else {
            return Ok(Acknowledgement::Invalid);
        };
        // A short code carries no time of its own: it is good as long as an email's link.
        if matches!(link, AckLink::Code(_)) && target.sent_at + ACKNOWLEDGE_VALID <= now {
            return Ok(Acknowledgement::Expired);
        }
        Ok(Acknowledgement::Valid(target))
    }

    /// Records the acknowledgement `link` names, in the name of the contact it was sent to;
    /// the delivery as it is now (acknowledged, at the first use's time), or why the link
    /// cannot be used.
    pub async fn acknowledge(
        &self,
        link: AckLink<'_>,
        request_id: &str,
    ) -> IntakeResult<Acknowledgement> {
        let mut target = match self.acknowledgement(link).await? {
            Acknowledgement::Valid(t) => t,
            other => return Ok(other),
        };
        if target.acknowledged_at.is_some() {
            return Ok(Acknowledgement::Valid(target));
        }
        let actor = Actor::contact(target.contact, target.org, request_id.to_owned());
        let audit = self.event(
            &actor,
            "notice.acknowledge",
            "notice",
            target.notice.to_text(),
            Some(target.org.to_text()),
        );
        let now = self.now();
        if self
            .store
            .record_acknowledgement(&target, now, &audit)
            .await?
        {
            tracing::info!(channel = %target.channel, "notice acknowledged");
            target.acknowledged_at = Some(now);
            Ok(Acknowledgement::Valid(target))
        } else {
            // Another request got there first: answer with its time.
            self.acknowledgement(link).await
        }
    }
}
