//! Taking a bounce: the VERP address it came to names the delivery; a DSN that reports a
//! permanent failure marks it bounced, and the contact's address, after `hard_limit` hard
//! bounces in a row, undeliverable — which its organisation's portal admins are told.
//! Soft bounces, delays and auto-replies change nothing; a message that is not a DSN for one
//! of our deliveries is ignored and counted.

use super::{Intake, IntakeResult};
use crate::access::LinkPurpose;
use crate::notices::dsn_recipients;
use crate::registry::{ContactId, Language, OrgId};
use crate::store::{AuditEvent, NewSystemMessage, Undeliverable};
use std::sync::atomic::Ordering;

/// The reason kept on a bounced delivery at most (a diagnostic is a line or two).
const MAX_REASON: usize = 500;

impl Intake {
    /// The delivery the VERP address `address` (`local+<code>@domain`) names, if it is ours.
    fn bounce_delivery(&self, address: &str) -> Option<i64> {
        let local = address.split('@').next()?;
        let (_, code) = local.rsplit_once('+')?;
        let id = self
            .link_key()
            .ok()?
            .verify_short_hex(LinkPurpose::Bounce, code)?;
        i64::try_from(id).ok()
    }

    /// Messages taken over LMTP that were not a DSN for one of our deliveries.
    pub fn bounces_ignored(&self) -> u64 {
        self.bounces_ignored.load(Ordering::Relaxed)
    }

    /// Takes `message`, handed over for `recipients` (our VERP addresses).
    pub async fn take_bounce(&self, recipients: &[String], message: &[u8]) -> IntakeResult<()> {
        let deliveries: Vec<i64> = recipients
            .iter()
            .filter_map(|a| self.bounce_delivery(a))
            .collect();
        let report = dsn_recipients(message);
        let (Some(report), false) = (report, deliveries.is_empty()) else {
            self.bounces_ignored.fetch_add(1, Ordering::Relaxed);
            tracing::info!("a message that is no DSN for one of our deliveries: ignored");
            return Ok(());
        };
        let Some(hard) = report.iter().find(|r| r.is_hard()) else {
            tracing::info!("a soft bounce or a delay: nothing changes");
            return Ok(());
        };
        let reason: String = format!(
            "{} {}",
            hard.status,
            hard.diagnostic.as_deref().unwrap_or("")
        )
        .trim()
        .chars()
        .take(MAX_REASON)
        .collect();
        let now = self.now();
        for id in deliveries {
            let audit = AuditEvent {
                actor: "bounces".to_owned(),
                action: "delivery.bounce",
                target_kind: "delivery",
                target_id: id.to_string(),
                org_id: None,
                request_id: String::new(),
                at: now,
            };
            let reached = self
                .store
                .record_hard_bounce(id, &reason, self.hard_limit, now, &audit)
                .await?;
            tracing::info!(status = %hard.status, "hard bounce recorded");
            if let Some(u) = reached {
                self.tell_undeliverable(&u).await?;
            }
        }
        Ok(())
    }

    /// Tells the portal admins of `u`'s organisation (other than `u`) that its address
    /// does not work.
    async fn tell_undeliverable(&self, u: &Undeliverable) -> IntakeResult<()> {
        tracing::warn!("a contact's address is undeliverable");
        let Some(org) = OrgId::parse(&u.org_id) else {
            return Ok(());
        };
        let Some(organisation) = self.store.get_organisation(org).await? else {
            return Ok(());
        };
        let gone = ContactId::parse(&u.contact_id);
        let messages: Vec<NewSystemMessage> = self
            .store
            .all_contacts(org)
            .await?
            .into_iter()
            .filter(|c| c.draft.portal_admin && Some(c.id) != gone)
            .filter_map(|c| {
                let to = c.draft.email.as_ref()?.as_str().to_owned();
                let lang = c.draft.language;
                let portal = format!("{}/portal?lang={}", self.public_url, lang.code());
                let (subject, body) =
                    message(lang, (&organisation.draft.name, &u.name, &u.email), &portal);
                Some(NewSystemMessage {
                    dedup_key: format!("undeliverable:{}:{}", u.contact_id, u.email.to_lowercase()),
                    kind: "undeliverable",
                    recipient: to,
                    contact_id: Some(c.id.to_text()),
                    subject,
                    body,
                    ..Default::default()
                })
            })
            .collect();
        if !messages.is_empty() {
            self.store.enqueue_messages(&messages, self.now()).await?;
            self.outbox.notify_waiters();
        }
        Ok(())
    }
}

fn message(
    lang: Language,
    (org, name, email): (&str, &str, &str),
    portal: &str,
) -> (String, String) {
    match lang {
        Language::Sv => (
            format!("Adressen fungerar inte: {name}"),
            format!(
                "Meddelanden till {name} <{email}> ({org}) har returnerats som omöjliga att leverera.\n\n\
                 Rätta eller ta bort adressen så att stör- och underhållsmeddelanden når er: {portal}"
            ),
        ),
        Language::En => (
            format!("Address not working: {name}"),
            format!(
                "Messages to {name} <{email}> ({org}) have been returned as undeliverable.\n\n\
                 Please correct or remove the address so that fault and maintenance notices reach you: {portal}"
            ),
        ),
        Language::Fi => (
            format!("Osoite ei toimi: {name}"),
            format!(
                "Viestit vastaanottajalle {name} <{email}> ({org}) ovat palautuneet perille toimittamattomina.\n\n\
                 Korjatkaa tai poistakaa osoite, jotta häiriö- ja huoltotiedotteet tavoittavat teidät: {portal}"
            ),
        ),
    }
}
