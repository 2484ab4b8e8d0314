//! The JSON shapes of notices and deliveries.

use crate::notices::Reminder;
use crate::notices::{ChannelSummary, DeliveryRecord, Localized, NoticeDraft, Revision};
use crate::registry::{Address, Language};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Texts keyed by language code, as every JSON view shows them.
pub(super) fn texts(m: &Localized) -> BTreeMap<String, String> {
    m.iter()
        .map(|(l, t)| (l.code().to_owned(), t.clone()))
        .collect()
}

/// What a revision says, as stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevisionView {
    pub revision: i32,
    /// `publish`, `update`, `end`, `reschedule` or `cancel`.
    pub action: String,
    pub state: String,
    pub severity: String,
    pub published_at: DateTime<Utc>,
    /// Whether this revision also went out by SMS.
    pub sms_sent: bool,
    pub services: Vec<String>,
    pub audiences: Vec<String>,
    pub title: BTreeMap<String, String>,
    pub body: BTreeMap<String, String>,
    pub sms: BTreeMap<String, String>,
    pub instructions: BTreeMap<String, BTreeMap<String, String>>,
    pub started_at: Option<DateTime<Utc>>,
    pub estimated_end_at: Option<DateTime<Utc>>,
    pub next_update_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    /// Maintenance phases within the window, in order.
    pub sub_windows: Vec<SubWindowView>,
    /// Instructions: the issuing authority, by its short name (or full name for another)
    /// and its name in each language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerView>,
    /// `actual`, or `exercise` for a drill (never listed among real notices).
    pub status: String,
    /// Whether use is prevented (stated, or a service `down`); null when not said.
    pub usage_break: Option<bool>,
    /// How each affected service is hit: `down`, `degraded`, `retrieve_blocked`,
    /// `store_blocked`, by service code.
    pub impact: BTreeMap<String, String>,
}

/// A service affected through one of the notice's services (domain: dependencies in the
/// service catalogue).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AffectedView {
    /// The affected service's code.
    pub service: String,
    /// What of it is affected, per language.
    pub part: BTreeMap<String, String>,
    /// The notice's service it works through.
    pub through: String,
}

impl AffectedView {
    /// The services affected through `services`.
    pub fn of(
        catalogue: &crate::registry::Catalogue,
        services: &std::collections::BTreeSet<crate::registry::ServiceCode>,
    ) -> Vec<Self> {
        catalogue
            .affected_through(services)
            .map(|(s, d)| Self {
                service: s.code.as_str().to_owned(),
                part: [("fi", &d.part.fi), ("sv", &d.part.sv), ("en", &d.part.en)]
                    .into_iter()
                    .map(|(l, t)| (l.to_owned(), t.clone()))
                    .collect(),
                through: d.service.as_str().to_owned(),
            })
            .collect()
    }
}

/// The authority that issued an instruction.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuerView {
    pub code: String,
    pub names: BTreeMap<String, String>,
}

impl RevisionView {
    /// Keeps the title, body and SMS text in `lang` only (the Finnish one where there is
    /// none in `lang`).
    pub fn keep_language(&mut self, lang: Language) {
        for m in [&mut self.title, &mut self.body, &mut self.sms] {
            let keep = m.get(lang.code()).or_else(|| m.get("fi")).cloned();
            m.clear();
            if let Some(t) = keep {
                m.insert(lang.code().to_owned(), t);
            }
        }
    }
}

/// A phase of a maintenance window.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubWindowView {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub label: BTreeMap<String, String>,
}

impl From<&Revision> for RevisionView {
    fn from(r: &Revision) -> Self {
        let d: &NoticeDraft = &r.draft;
        Self {
            revision: r.number,
            action: r.action.code().to_owned(),
            state: d.state.code().to_owned(),
            severity: d.severity.code().to_owned(),
            published_at: r.published_at,
            sms_sent: r.sms,
            services: d.services.iter().map(|s| s.as_str().to_owned()).collect(),
            audiences: d.audiences.iter().map(|a| a.code().to_owned()).collect(),
            title: texts(&d.texts.title),
            body: texts(&d.texts.body),
            sms: texts(&d.texts.sms),
            instructions: d
                .texts
                .instructions
                .iter()
                .map(|(a, m)| (a.code().to_owned(), texts(m)))
                .collect(),
            started_at: d.started_at,
            estimated_end_at: d.estimated_end_at,
            next_update_at: d.next_update_at,
            ended_at: d.ended_at,
            window_start: d.window_start,
            window_end: d.window_end,
            sub_windows: d
                .sub_windows
                .iter()
                .map(|w| SubWindowView {
                    start: w.start,
                    end: w.end,
                    label: texts(&w.label),
                })
                .collect(),
            issuer: d.issuer.as_ref().map(|i| IssuerView {
                code: i.as_str().to_owned(),
                names: Language::ALL
                    .iter()
                    .map(|l| (l.code().to_owned(), i.name(*l).to_owned()))
                    .collect(),
            }),
            status: d.status.code().to_owned(),
            usage_break: d.prevents_use(),
            impact: d
                .impact
                .iter()
                .map(|(s, i)| (s.as_str().to_owned(), i.code().to_owned()))
                .collect(),
        }
    }
}

/// A notice: its current content and (on the single-notice read) every revision.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: String,
    pub kind: String,
    /// The current revision's content.
    #[serde(flatten)]
    pub current: RevisionView,
    /// Oldest first; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revisions: Option<Vec<RevisionView>>,
    /// Maintenance only, on the single-notice read: the reminder plan, every step ever
    /// planned (a re-planned or cancelled step stays, skipped, with the reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminders: Option<Vec<ReminderView>>,
    /// Services affected through the notice's services, as the catalogue's dependencies
    /// say (MyKanta's prescriptions through the Prescription Centre).
    pub affected_through: Vec<AffectedView>,
}

/// One step of a maintenance notice's plan.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReminderView {
    /// `announcement`, `reminder`, `start` or `end`.
    pub step: String,
    /// `email`, `sms`, both or none (a silent state change).
    pub channels: Vec<String>,
    pub due_at: DateTime<Utc>,
    /// `planned`, `done` or `skipped`.
    pub state: String,
    /// Why it was skipped or is early/late (short notice, re-planned, missed).
    pub reason: Option<String>,
    /// The revision that planned it.
    pub planned_by: i32,
    pub fired_at: Option<DateTime<Utc>>,
    /// The revision it sent or created.
    pub fired_revision: Option<i32>,
    /// The Finnish public holiday the step falls on (Helsinki date), by language.
    pub holiday: Option<BTreeMap<String, String>>,
}

impl From<&Reminder> for ReminderView {
    fn from(r: &Reminder) -> Self {
        let date = r
            .due_at
            .with_timezone(&crate::calendar::HELSINKI)
            .date_naive();
        Self {
            step: r.step.code().to_owned(),
            channels: r.sends.codes().into_iter().map(str::to_owned).collect(),
            due_at: r.due_at,
            state: r.state.code().to_owned(),
            reason: r.reason.clone(),
            planned_by: r.revision,
            fired_at: r.fired_at,
            fired_revision: r.fired_revision,
            holiday: crate::calendar::holiday_on(date).map(|h| {
                ["fi", "sv", "en"]
                    .iter()
                    .zip(h.names)
                    .map(|(l, n)| ((*l).to_owned(), n.to_owned()))
                    .collect()
            }),
        }
    }
}

impl NoticeView {
    /// The notice at its latest revision in `revs` (oldest first).
    pub fn new(revs: &[Revision], with_history: bool) -> Option<Self> {
        let last = revs.last()?;
        Some(Self {
            id: last.notice_id.to_text(),
            kind: last.draft.kind.code().to_owned(),
            current: last.into(),
            revisions: with_history.then(|| revs.iter().map(Into::into).collect()),
            reminders: None,
            affected_through: Vec::new(),
        })
    }
}

/// A page of notices.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeList {
    pub items: Vec<NoticeView>,
    pub next_cursor: Option<String>,
}

/// The answer to a publish or revision: accepted, delivery under way.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Accepted {
    pub id: String,
    pub revision: i32,
    pub state: String,
    pub kind: String,
    pub action: String,
    pub sms: bool,
    /// `published`, or where a new notice is held: `draft`, `awaiting_approval` (for an
    /// operator other than its author) or `scheduled` (for `publish_at`).
    pub publication: String,
    /// When it went out; null while held.
    pub published_at: Option<DateTime<Utc>>,
    /// When a scheduled notice goes out.
    pub publish_at: Option<DateTime<Utc>>,
}

impl From<&Revision> for Accepted {
    fn from(r: &Revision) -> Self {
        Self {
            id: r.notice_id.to_text(),
            revision: r.number,
            state: r.draft.state.code().to_owned(),
            kind: r.draft.kind.code().to_owned(),
            action: r.action.code().to_owned(),
            sms: r.sms,
            publication: crate::notices::Pending::Published.code().to_owned(),
            published_at: Some(r.published_at),
            publish_at: None,
        }
    }
}

impl From<&crate::intake::Publication> for Accepted {
    fn from(p: &crate::intake::Publication) -> Self {
        match p {
            crate::intake::Publication::Published(r) => r.into(),
            crate::intake::Publication::Held(p) => Self {
                id: p.id.to_text(),
                revision: 1,
                state: p.draft.state.code().to_owned(),
                kind: p.draft.kind.code().to_owned(),
                action: crate::notices::Action::Publish.code().to_owned(),
                sms: p.draft.wants_sms(crate::notices::Action::Publish, None),
                publication: p.state.code().to_owned(),
                published_at: None,
                publish_at: p.publish_at,
            },
        }
    }
}

/// Counts per channel.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliverySummary {
    pub email: ChannelSummary,
    pub sms: ChannelSummary,
}

/// One delivery, with its address masked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryItem {
    pub id: i64,
    pub channel: String,
    pub address: String,
    pub language: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// When a waiting delivery is next tried.
    pub next_attempt_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&DeliveryRecord> for DeliveryItem {
    fn from(r: &DeliveryRecord) -> Self {
        Self {
            id: r.id,
            channel: r.channel.code().to_owned(),
            address: r
                .address
                .as_ref()
                .map_or_else(|| "(erased)".to_owned(), Address::masked),
            language: r.language.code().to_owned(),
            state: r.state.code().to_owned(),
            attempts: r.attempts,
            last_error: r.last_error.clone(),
            next_attempt_at: r.next_attempt_at,
            updated_at: r.updated_at,
        }
    }
}

/// Delivery progress of one revision.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveriesView {
    pub revision: i32,
    /// True once every recipient has a delivery row.
    pub fanout_complete: bool,
    pub summary: DeliverySummary,
    pub items: Vec<DeliveryItem>,
    pub next_cursor: Option<String>,
}

/// How many deliveries were put back in the queue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Redriven {
    pub requeued: u64,
}
