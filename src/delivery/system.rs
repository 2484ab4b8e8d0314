//! Sending faultcast's own messages (operator nudges and reports, contact review
//! reminders) from their outbox, by email, with the notices' retry rules.

use super::email::OutgoingEmail;
use super::engine::Deliverer;
use super::error::SendError;
use crate::gateways::OutgoingSms;
use crate::notices::{RenderedEmail, escape_html};
use crate::store::{MessageOutcome, Outcome, SystemMessage};
use std::sync::Arc;

/// System messages claimed per round.
const CLAIM: u32 = 50;

impl Deliverer {
    /// Sends due system messages; returns how many were attempted.
    pub async fn send_system_messages(self: &Arc<Self>) -> anyhow::Result<usize> {
        self.send_messages(false).await
    }

    /// Sends due urgent system messages (on-duty pages) only: between the claims of a
    /// fan-out, so that a page never waits for the fan-out to finish.
    pub async fn send_urgent_messages(self: &Arc<Self>) -> anyhow::Result<usize> {
        self.send_messages(true).await
    }

    async fn send_messages(self: &Arc<Self>, urgent_only: bool) -> anyhow::Result<usize> {
        let now = self.clock.now_micros();
        let claimed = self
            .store
            .claim_messages(now, now + self.lease, CLAIM, urgent_only)
            .await?;
        for m in &claimed {
            let outcome = self.attempt_message(m).await;
            self.store
                .record_message(m, &outcome, self.clock.now_micros())
                .await?;
        }
        Ok(claimed.len())
    }

    async fn attempt_message(&self, m: &SystemMessage) -> MessageOutcome {
        let now = self.clock.now_micros();
        let sent = match m.sms {
            true => self.send_system_sms(m).await,
            false => self.send_system_email(m).await,
        };
        let result = sent.map(|()| None);
        let expires_at = m.created_at + self.max_age;
        match self
            .backoff
            .decide(&result, m.attempts + 1, expires_at, now)
        {
            Outcome::Sent { .. } => MessageOutcome::Sent,
            Outcome::Paused { at, .. } => MessageOutcome::Paused { at },
            Outcome::Failed { reason } => MessageOutcome::Failed {
                error: reason,
                dead: false,
            },
            Outcome::Retry { at, reason } => MessageOutcome::Retry { at, error: reason },
            Outcome::Dead { reason } => MessageOutcome::Failed {
                error: reason,
                dead: true,
            },
        }
    }

    async fn send_system_sms(&self, m: &SystemMessage) -> Result<(), SendError> {
        let sms = OutgoingSms {
            to: m.recipient.clone(),
            text: m.body.clone(),
            reference: format!("system-{}-{}", m.kind, m.id),
        };
        self.sms.send(&sms).await.map(|_| ())
    }

    async fn send_system_email(&self, m: &SystemMessage) -> Result<(), SendError> {
        let html = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body>{}</body></html>",
            escape_html(&m.subject),
            m.body
                .split("\n\n")
                .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
                .collect::<String>()
        );
        let mail = OutgoingEmail {
            to: m.recipient.clone(),
            // faultcast's own messages carry no delivery to name in a bounce.
            return_path: None,
            message_id: format!("<system.{}.{}@{}>", m.kind, m.id, self.message_domain),
            language: "fi",
            content: std::sync::Arc::new(
                RenderedEmail {
                    subject: m.subject.clone(),
                    text: m.body.clone(),
                    html,
                }
                .into(),
            ),
            own_link: None,
        };
        self.email.send(&mail).await
    }
}
