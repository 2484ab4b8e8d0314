//! Escalation (console.md, Reach): an organisation that has not acknowledged a critical fault
//! or an instruction within `[reach] escalate_after_minutes` is escalated once — the notice's
//! SMS to each of its contacts with a phone that did not get this revision by SMS, and an
//! email to its portal admins asking them to make sure it got through and acknowledge it.

use super::maintenance::SCHEDULER;
use super::{Intake, IntakeResult};
use crate::access::LinkPurpose;
use crate::notices::{ACKNOWLEDGE_VALID, DueEscalation, Revision, Texts, lane};
use crate::registry::{Channel, Contact, Language, Organisation};
use crate::store::{AuditEvent, EscalationPlan, NewSystemMessage, Recipient};
use chrono::Duration;
use std::collections::HashSet;

/// A notice older than this escalates nobody any more: a daemon that was down for a day
/// does not wake every organisation about yesterday's fault at once.
const ESCALATE_WITHIN: Duration = Duration::hours(24);
/// Organisations escalated per round at most (the next round takes the rest).
const ESCALATIONS_PER_ROUND: u32 = 500;

impl Intake {
    /// Escalates, once, each organisation that has not acknowledged a notice asking for it
    /// within `after` of its publication; how many this daemon escalated.
    pub async fn escalate_unacknowledged(&self, after: Duration) -> IntakeResult<usize> {
        let now = self.now();
        let due = self
            .store
            .due_escalations((now - ESCALATE_WITHIN, now - after), ESCALATIONS_PER_ROUND)
            .await?;
        let mut escalated = 0;
        for d in &due {
            let (Some(rev), Some(org)) = (
                self.store.notice_revision(d.notice, d.revision).await?,
                self.store.get_organisation(d.org).await?,
            ) else {
                continue;
            };
            let contacts = self.store.all_contacts(d.org).await?;
            let texted: HashSet<String> = self
                .store
                .texted(d.notice, d.revision)
                .await?
                .into_iter()
                .collect();
            let texts: Vec<Recipient> = contacts
                .iter()
                .filter_map(|c| {
                    let phone = c.draft.phone.as_ref()?.as_str().to_owned();
                    (!texted.contains(&phone)).then(|| Recipient {
                        channel: Channel::Sms,
                        address: phone.clone(),
                        address_key: phone,
                        language: c.draft.language,
                        audience: org.draft.audience.code().to_owned(),
                        contact_id: Some(c.id.to_text()),
                    })
                })
                .collect();
            let messages = self
                .escalation_emails(d, &rev, &org, &contacts, after)
                .await?;
            let audit = AuditEvent {
                actor: SCHEDULER.to_owned(),
                action: "notice.escalate",
                target_kind: "notice",
                target_id: d.notice.to_text(),
                org_id: Some(d.org.to_text()),
                request_id: String::new(),
                at: now,
            };
            let plan = EscalationPlan {
                due: d,
                texts: &texts,
                lane: lane(rev.draft.kind),
                expires_at: now + self.max_age,
                messages: &messages,
            };
            if self.store.escalate(&plan, now, &audit).await? {
                tracing::info!(
                    texts = texts.len(),
                    emails = messages.len(),
                    "organisation escalated"
                );
                escalated += 1;
            }
        }
        if escalated > 0 {
            self.outbox.notify_waiters();
        }
        Ok(escalated)
    }

    /// The emails to `org`'s portal admins: the notice, why they hear of it, and a link that
    /// acknowledges it (signed for their own delivery of it, else one to their organisation).
    async fn escalation_emails(
        &self,
        d: &DueEscalation,
        rev: &Revision,
        org: &Organisation,
        contacts: &[Contact],
        after: Duration,
    ) -> IntakeResult<Vec<NewSystemMessage>> {
        let delivered = self.store.deliveries_to_org(d.notice, d.org).await?;
        let mut out = Vec::new();
        for admin in contacts.iter().filter(|c| c.draft.portal_admin) {
            let Some(email) = &admin.draft.email else {
                continue;
            };
            let own = admin.id.to_text();
            let delivery = delivered
                .iter()
                .find(|(_, c)| *c == own)
                .or(delivered.first())
                .map(|(id, _)| *id);
            let lang = admin.draft.language;
            let ack = match delivery {
                Some(id) => {
                    let token = self
                        .link_key()?
                        .sign(
                            LinkPurpose::Acknowledge,
                            &id.to_string(),
                            self.now() + ACKNOWLEDGE_VALID,
                        )
                        .map_err(|e| {
                            super::IntakeError::Internal(anyhow::anyhow!("no randomness: {e}"))
                        })?;
                    format!(
                        "{}/links/ack?t={token}&lang={}",
                        self.public_url,
                        lang.code()
                    )
                }
                None => format!("{}/portal/notices?lang={}", self.public_url, lang.code()),
            };
            let title = Texts::pick(&rev.draft.texts.title, lang).0;
            let notice = format!(
                "{}/notices/{}?lang={}",
                self.public_url,
                d.notice,
                lang.code()
            );
            let (subject, body) = escalation_text(
                lang,
                (title, &org.draft.name),
                after.num_minutes(),
                (&ack, &notice),
            );
            out.push(NewSystemMessage {
                dedup_key: format!("escalation:{}:{}:{own}", d.notice, d.org.to_text()),
                kind: "escalation",
                recipient: email.as_str().to_owned(),
                contact_id: Some(own),
                subject,
                body,
                ..Default::default()
            });
        }
        Ok(out)
    }
}

/// The escalation email in `lang`: subject and body.
fn escalation_text(
    lang: Language,
    (title, org): (&str, &str),
    minutes: i64,
    (ack, notice): (&str, &str),
) -> (String, String) {
    match lang {
        Language::Sv => (
            format!("Inte kvitterat: {title}"),
            format!(
                "{org} har inte kvitterat meddelandet \"{title}\" som mottaget inom {minutes} minuter.\n\n\
                 Se till att det har nått dem som berörs i er organisation, och kvittera det här:\n{ack}\n\n\
                 Meddelandet på webben: {notice}"
            ),
        ),
        Language::En => (
            format!("Not acknowledged: {title}"),
            format!(
                "{org} has not acknowledged the notice \"{title}\" as received within {minutes} minutes.\n\n\
                 Please make sure it has reached those it concerns in your organisation, and acknowledge it here:\n{ack}\n\n\
                 The notice on the web: {notice}"
            ),
        ),
        Language::Fi => (
            format!("Kuittaamatta: {title}"),
            format!(
                "{org} ei ole kuitannut tiedotetta \"{title}\" vastaanotetuksi {minutes} minuutin kuluessa.\n\n\
                 Varmistakaa, että tieto on välitetty organisaatiossanne niille, joita se koskee, ja kuitatkaa se tästä:\n{ack}\n\n\
                 Tiedote verkossa: {notice}"
            ),
        ),
    }
}
