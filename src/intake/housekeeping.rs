//! Housekeeping use cases, run by the scheduler on their cron expressions: keeping the
//! contact registry honest, nudging operators, and minimising stored personal data.

use super::{Intake, IntakeResult};
use crate::notices::NoticeFilter;
use crate::notices::{Texts, local_time};
use crate::registry::UnreachableService;
use crate::registry::{Language, NoticeKind};
use crate::store::NewSystemMessage;
use chrono::{DateTime, Duration, Months, Utc};
use std::collections::BTreeMap;

/// Rows deleted per transaction when purging, so that a purge never holds long locks.
const PURGE_BATCH: u32 = 5_000;
/// Active faults read per page when looking for overdue updates.
const PAGE: u32 = 500;

impl Intake {
    /// Deletes finished delivery records (and system messages) older than `retention`, and
    /// console sessions and sign-in links that can no longer be used.
    pub async fn purge_deliveries(&self, retention: Duration) -> IntakeResult<u64> {
        let before = self.now() - retention;
        let n = self.store.purge_deliveries(before, PURGE_BATCH).await?;
        tracing::info!(deleted = n, before = %before, "purged old delivery records");
        // A session unused for its whole maximum age has ended (the idle limit is shorter).
        let ended = self.now() - self.sessions.max_age;
        let console = self.store.purge_console(ended).await?;
        tracing::info!(deleted = console, "purged ended console sessions and links");
        Ok(n)
    }

    /// Writes a nudge to every operator address for each active fault past its
    /// `next_update_at` (once per fault, revision and promised time).
    pub async fn nudge_overdue_updates(&self, operators: &[String]) -> IntakeResult<u64> {
        let now = self.now();
        let mut messages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .store
                .list_notices(
                    (NoticeFilter::Active, crate::notices::Exercises::Shown),
                    Some(NoticeKind::Fault),
                    None,
                    now,
                    cursor.as_deref(),
                    Some(PAGE),
                )
                .await?;
            for rev in &page.items {
                let Some(due) = rev.draft.next_update_at.filter(|t| *t < now) else {
                    continue;
                };
                let (title, _) = Texts::pick(&rev.draft.texts.title, Language::Fi);
                let late = (now - due).num_minutes();
                tracing::warn!(notice = %rev.notice_id, minutes_late = late, "a fault's promised update is overdue");
                for to in operators {
                    messages.push(NewSystemMessage {
                        dedup_key: format!(
                            "overdue:{}:{}:{}:{to}",
                            rev.notice_id,
                            rev.number,
                            due.timestamp()
                        ),
                        kind: "overdue-update",
                        recipient: to.clone(),
                        contact_id: None,
                        subject: format!("Päivitys myöhässä / Update overdue: {title}"),
                        body: format!(
                            "Vikatiedotteelle luvattu päivitys ({}) on {late} min myöhässä.\n\
                             The update promised for this fault ({}) is {late} min overdue.\n\n\
                             {title}\n{}",
                            local_time(Language::Fi, due),
                            local_time(Language::En, due),
                            self.notice_link(rev.notice_id)
                        ),
                        ..Default::default()
                    });
                }
            }
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        self.enqueue(&messages).await
    }

    /// Asks, once a month at most, every contact not confirmed for `months` to have its
    /// organisation review its notice recipients.
    pub async fn remind_contact_review(&self, months: u32) -> IntakeResult<u64> {
        let now = self.now();
        let before = now
            .checked_sub_months(Months::new(months))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let stale = self.store.stale_contacts(before).await?;
        let month = now.format("%Y-%m");
        let messages = stale
            .iter()
            .map(|c| -> IntakeResult<NewSystemMessage> {
                let lang = Language::parse(&c.language).unwrap_or(Language::Fi);
                let since = local_time(lang, c.reviewed_at);
                let ids = crate::registry::OrgId::parse(&c.org_id)
                    .zip(crate::registry::ContactId::parse(&c.contact_id));
                let contacts = match ids {
                    Some((org, contact)) => self.still_current_link(org, contact)?,
                    None => format!("{}/", self.public_url),
                };
                let portal = format!("{}/portal?lang={}", self.public_url, lang.code());
                let (subject, body) = match lang {
                    Language::Sv => (
                        "Kontrollera mottagarna av driftmeddelanden".to_owned(),
                        format!(
                            "Mottagaruppgifterna för {} bekräftades senast {since}.\n\n\
                             Kontrollera och bekräfta dem så att störnings- och underhållsmeddelanden når rätt personer: {contacts}\n\n\
                             Mottagarna ändras i organisationsportalen: {portal}",
                            c.org_name
                        ),
                    ),
                    Language::En => (
                        "Please review your notice recipients".to_owned(),
                        format!(
                            "The notice recipients of {} were last confirmed on {since}.\n\n\
                             Please review and confirm them so that fault and maintenance notices reach the right people: {contacts}\n\n\
                             The recipients are changed in the organisation portal: {portal}",
                            c.org_name
                        ),
                    ),
                    Language::Fi => (
                        "Tarkistakaa tiedotteiden vastaanottajat".to_owned(),
                        format!(
                            "Organisaation {} tiedotteiden vastaanottajat on vahvistettu viimeksi {since}.\n\n\
                             Tarkistakaa ja vahvistakaa tiedot, jotta häiriö- ja huoltotiedotteet tavoittavat oikeat henkilöt: {contacts}\n\n\
                             Vastaanottajia muutetaan organisaatioportaalissa: {portal}",
                            c.org_name
                        ),
                    ),
                };
                Ok(NewSystemMessage {
                    dedup_key: format!("review:{}:{month}", c.contact_id),
                    kind: "contact-review",
                    recipient: c.email.clone(),
                    contact_id: Some(c.contact_id.clone()),
                    subject,
                    body,
                    ..Default::default()
                })
            })
            .collect::<IntakeResult<Vec<_>>>()?;
        self.enqueue(&messages).await
    }

    /// Reports, once a day at most, the unreachable organisations to every operator.
    pub async fn report_unreachable(&self, operators: &[String]) -> IntakeResult<u64> {
        let list: Vec<UnreachableService> = self.store.unreachable().await?;
        tracing::info!(
            organisations_and_services = list.len(),
            "organisations without a reachable contact"
        );
        let unverified = self.store.only_unverified().await?;
        let dead = self.store.undeliverable_contacts().await?;
        if list.is_empty() && unverified.is_empty() && dead.is_empty() {
            return Ok(0);
        }
        let mut by_org: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for u in &list {
            let name = self
                .catalogue
                .get(u.service.as_str())
                .map(|s| s.names.fi.clone())
                .unwrap_or_else(|| u.service.as_str().to_owned());
            by_org
                .entry((u.name.clone(), u.business_id.to_string()))
                .or_default()
                .push(name);
        }
        let mut body = format!(
            "Näillä organisaatioilla ei ole tavoitettavaa yhteyshenkilöä palvelulle, jota ne käyttävät ({}).\n\
             These organisations have no reachable contact for a service they use ({}).\n\n",
            by_org.len(),
            by_org.len()
        );
        for ((name, business_id), services) in &by_org {
            body.push_str(&format!(
                "{name} ({business_id}): {}\n",
                services.join(", ")
            ));
        }
        if !unverified.is_empty() {
            body.push_str(&format!(
                "\nNäiden organisaatioiden ainoat osoitteet ovat vahvistamattomia ({n}).\n\
                 The only addresses of these organisations are unverified ({n}).\n\n",
                n = unverified.len()
            ));
            for (name, business_id) in &unverified {
                body.push_str(&format!("{name} ({business_id})\n"));
            }
        }
        if !dead.is_empty() {
            body.push_str(&format!(
                "\nNäiden vastaanottajien osoitteet palauttavat viestit ({n}).\n\
                 The addresses of these recipients bounce ({n}).\n\n",
                n = dead.len()
            ));
            for (org, business_id, name, email) in &dead {
                body.push_str(&format!("{org} ({business_id}): {name} <{email}>\n"));
            }
        }
        let day = self.now().format("%Y-%m-%d");
        let messages: Vec<NewSystemMessage> = operators
            .iter()
            .map(|to| NewSystemMessage {
                dedup_key: format!("unreachable:{day}:{to}"),
                kind: "unreachable-report",
                recipient: to.clone(),
                contact_id: None,
                subject: format!(
                    "Tavoittamattomat organisaatiot / Unreachable organisations: {}",
                    by_org.len() + unverified.len() + dead.len()
                ),
                body: body.clone(),
                ..Default::default()
            })
            .collect();
        self.enqueue(&messages).await
    }

    async fn enqueue(&self, messages: &[NewSystemMessage]) -> IntakeResult<u64> {
        if messages.is_empty() {
            return Ok(0);
        }
        let n = self.store.enqueue_messages(messages, self.now()).await?;
        if n > 0 {
            self.outbox.notify_waiters();
        }
        Ok(n)
    }
}
