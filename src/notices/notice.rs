//! A notice and its revisions: what technical support publishes, validated as a whole.

use super::content::{Localized, LocalizedInput, Texts};
use super::input::NoticeInput;
use super::vocabulary::{Action, NoticeState, NoticeStatus, Severity};
use super::windows::SubWindow;
use crate::registry::{Audience, Catalogue, NoticeKind, ServiceCode};
use crate::validation::FieldErrors;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

crate::codes::uuid_id! {
    /// A notice's id.
    pub struct NoticeId;
}

/// The content of one revision as plain data; a `NoticeDraft` is these, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeFields {
    pub kind: NoticeKind,
    pub severity: Severity,
    pub state: NoticeState,
    pub services: BTreeSet<ServiceCode>,
    pub audiences: BTreeSet<Audience>,
    pub texts: Texts,
    pub started_at: Option<DateTime<Utc>>,
    pub estimated_end_at: Option<DateTime<Utc>>,
    pub next_update_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    /// Phases within a maintenance window (none for older revisions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_windows: Vec<SubWindow>,
    /// The authority that issued an instruction (none for other kinds, and for revisions
    /// stored before issuers were kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<super::Issuer>,
    /// A real notice or an exercise (older revisions are real).
    #[serde(default, skip_serializing_if = "NoticeStatus::is_actual")]
    pub status: NoticeStatus,
    /// Whether use is prevented, as stated (`prevents_use` also reads the impact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_break: Option<bool>,
    /// How each affected service is hit (none stated: empty).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub impact: BTreeMap<ServiceCode, super::Impact>,
}

/// The validated content of one revision, immutable once published: built only by `parse`
/// (client input, and every revision through `revise`) or read back as it was stored. Its
/// fields are read through `Deref`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NoticeDraft(pub(super) NoticeFields);

impl NoticeFields {
    /// Whether use is prevented: as stated, else yes when a service is down; none when
    /// neither says.
    pub fn prevents_use(&self) -> Option<bool> {
        super::impact::usage_break(self.usage_break, &self.impact)
    }
}

impl std::ops::Deref for NoticeDraft {
    type Target = NoticeFields;

    fn deref(&self) -> &NoticeFields {
        &self.0
    }
}

use super::checks::{Times, check_sms, reach, severity, state, texts};

impl NoticeDraft {
    /// Validates a whole notice. `now` fills a fault's `started_at`; `link` is the notice
    /// page, used to build and check the default SMS text.
    pub fn parse(
        mut input: NoticeInput,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
        link: &str,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = e
            .require("kind", input.kind.take())
            .and_then(|k| e.check("kind", NoticeKind::parse(&k)));
        let severity = severity(input.severity.take(), kind, &mut e);
        let (services, audiences) = reach(
            input.services.take(),
            input.audiences.take(),
            catalogue,
            &mut e,
        );
        // The times come first, for the placeholders; their errors keep their place.
        let mut time_errors = FieldErrors::new();
        let times = Times::parse(&mut input, kind, now, &mut time_errors);
        super::placeholders::Values {
            catalogue,
            services: &services,
            started_at: times.started_at,
            estimated_end_at: times.estimated_end_at,
            next_update_at: times.next_update_at,
            window_start: times.window_start,
            window_end: times.window_end,
            link,
        }
        .fill_input(&mut input);
        let texts = texts(&mut input, &audiences, &mut e);
        let issuer = super::checks::issuer(input.issuer.take(), kind, &mut e);
        let status = match input.status.take() {
            Some(s) => e
                .check("status", NoticeStatus::parse(&s))
                .unwrap_or_default(),
            None => NoticeStatus::Actual,
        };
        check_sms(&texts, issuer.as_ref(), status, link, &mut e);
        let impact = super::impact::impacts(input.impact.take(), &services, catalogue, &mut e);
        // A change is planned work without a service break.
        let usage_break = match (kind, input.usage_break.take()) {
            (Some(NoticeKind::Change), Some(true)) => {
                e.add(
                    "usage_break",
                    "a change has no service break; publish one with a break as maintenance",
                );
                None
            }
            (Some(NoticeKind::Change), _) => Some(false),
            (_, given) => given,
        };
        let state = state(input.state.take(), kind, &mut e);
        e.extend_prefixed("", time_errors);
        let phases = input.sub_windows.take().unwrap_or_default();
        let sub_windows = if phases.is_empty() {
            Vec::new()
        } else if kind.is_some_and(|k| !k.is_planned()) {
            e.add("sub_windows", "are for maintenance only");
            Vec::new()
        } else {
            let window = times.window_start.zip(times.window_end);
            super::windows::sub_windows(phases, window, &mut e)
        };
        let (Some(kind), Some(severity), Some(state)) = (kind, severity, state) else {
            return Err(e.explain_missing("kind"));
        };
        e.finish(|| {
            NoticeDraft(NoticeFields {
                kind,
                severity,
                state,
                services,
                audiences,
                texts,
                started_at: times.started_at,
                estimated_end_at: times.estimated_end_at,
                next_update_at: times.next_update_at,
                ended_at: times.ended_at,
                window_start: times.window_start,
                window_end: times.window_end,
                sub_windows,
                issuer,
                status,
                usage_break,
                impact,
            })
        })
    }

    /// The draft as an input, so that a revision's changes can be laid over it.
    pub fn as_input(&self) -> NoticeInput {
        let loc = |m: &Localized| -> LocalizedInput {
            m.iter()
                .map(|(l, t)| (l.code().to_owned(), t.clone()))
                .collect()
        };
        let t = |v: Option<DateTime<Utc>>| Some(v.map(|t| t.to_rfc3339()));
        NoticeInput {
            action: None,
            kind: Some(self.kind.code().to_owned()),
            severity: Some(self.severity.code().to_owned()),
            services: Some(
                self.services
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
            ),
            audiences: Some(self.audiences.iter().map(|a| a.code().to_owned()).collect()),
            title: Some(loc(&self.texts.title)),
            body: Some(loc(&self.texts.body)),
            sms: Some(loc(&self.texts.sms)),
            instructions: Some(
                self.texts
                    .instructions
                    .iter()
                    .map(|(a, m)| (a.code().to_owned(), loc(m)))
                    .collect(),
            ),
            state: Some(self.state.code().to_owned()),
            started_at: t(self.started_at),
            estimated_end_at: t(self.estimated_end_at),
            next_update_at: t(self.next_update_at),
            ended_at: t(self.ended_at),
            window_start: t(self.window_start),
            window_end: t(self.window_end),
            sub_windows: Some(self.sub_windows.iter().map(SubWindow::as_input).collect()),
            fault_reports: None,
            issuer: self.issuer.as_ref().map(|i| i.as_str().to_owned()),
            status: Some(self.status.code().to_owned()),
            usage_break: self.usage_break,
            draft: None,
            publish_at: None,
            override_reason: None,
            impact: (!self.impact.is_empty()).then(|| {
                self.impact
                    .iter()
                    .map(|(s, i)| (s.as_str().to_owned(), i.code().to_owned()))
                    .collect()
            }),
        }
    }

    /// Whether this revision goes out by SMS (domain §4): for faults, the start, the end
    /// and any change of severity, when major or critical; instructions always; maintenance
    /// only through its reminder plan. A retraction reaches earlier SMS recipients.
    pub fn wants_sms(&self, action: Action, previous: Option<&NoticeDraft>) -> bool {
        let serious = |s: Severity| matches!(s, Severity::Major | Severity::Critical);
        match self.kind {
            NoticeKind::Instruction => true,
            NoticeKind::Maintenance | NoticeKind::Change => false,
            NoticeKind::Fault => match action {
                Action::Publish | Action::End => serious(self.severity),
                Action::Update | Action::Reschedule => previous.is_some_and(|p| {
                    p.severity != self.severity && (serious(p.severity) || serious(self.severity))
                }),
                Action::Cancel => previous.is_some_and(|p| serious(p.severity)),
            },
        }
    }
}

/// One published revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    pub notice_id: NoticeId,
    pub number: i32,
    pub action: Action,
    pub draft: NoticeDraft,
    pub published_at: DateTime<Utc>,
    /// Whether this revision goes out by SMS as well as email.
    pub sms: bool,
}

/// How long an acknowledgement link works: a month covers a fault and its aftermath.
pub const ACKNOWLEDGE_VALID: chrono::Duration = chrono::Duration::days(30);

impl Revision {
    /// Whether its recipients are asked to acknowledge it ("received and passed on"): what
    /// must reach people inside each organisation — critical faults and the authorities'
    /// instructions.
    pub fn asks_acknowledgement(&self) -> bool {
        let d = &self.draft;
        d.kind == crate::registry::NoticeKind::Instruction
            || d.status == NoticeStatus::Exercise
            || (d.kind == crate::registry::NoticeKind::Fault
                && d.severity == super::Severity::Critical)
    }

    /// Of a notice's revisions `revs` (oldest first), the number `wanted` if there is such
    /// a revision, else the latest; none if there are no revisions or no such one.
    pub fn pick(revs: &[Revision], wanted: Option<i32>) -> Option<i32> {
        let latest = revs.last()?.number;
        match wanted {
            None => Some(latest),
            Some(r) if (1..=latest).contains(&r) => Some(r),
            Some(_) => None,
        }
    }
}
