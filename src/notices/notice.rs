//! A notice and its revisions: what technical support publishes, validated as a whole.

use super::content::{
    Localized, LocalizedInput, MAX_BODY_LEN, MAX_INSTRUCTION_LEN, MAX_TITLE_LEN, Texts, localized,
};
use super::vocabulary::{Action, NoticeState, Severity};
use super::windows::{SubWindow, SubWindowInput};
use crate::calendar::{Edge, HELSINKI, parse_time};
use crate::registry::{Audience, Catalogue, Language, NoticeKind, ServiceCode};
use crate::validation::{FieldErrors, collect_set, double_option};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

crate::codes::uuid_id! {
    /// A notice's id.
    pub struct NoticeId;
}

/// What a client sends to publish a notice, or (with `action`) to revise one. Every field
/// is optional so that one answer names every missing or invalid field.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeInput {
    /// For revisions: `update`, `end`, `reschedule` or `cancel`.
    pub action: Option<String>,
    /// `fault`, `maintenance` or `instruction`.
    pub kind: Option<String>,
    /// `minor`, `major` or `critical`.
    pub severity: Option<String>,
    pub services: Option<Vec<String>>,
    /// Default: the audiences of the services.
    pub audiences: Option<Vec<String>>,
    /// `{"fi": …, "sv": …, "en": …}`; fi and sv required.
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub title: Option<LocalizedInput>,
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub body: Option<LocalizedInput>,
    /// Explicit SMS text per language (at most 3 parts each); default: title and link.
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub sms: Option<LocalizedInput>,
    /// Per audience, per language.
    #[schema(value_type = Option<BTreeMap<String, BTreeMap<String, String>>>)]
    pub instructions: Option<BTreeMap<String, LocalizedInput>>,
    pub state: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub started_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub estimated_end_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub next_update_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub ended_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub window_start: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub window_end: Option<Option<String>>,
    /// Maintenance only: phases within the window, in order.
    pub sub_windows: Option<Vec<SubWindowInput>>,
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
}

/// The validated content of one revision, immutable once published: built only by `parse`
/// (client input, and every revision through `revise`) or read back as it was stored. Its
/// fields are read through `Deref`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NoticeDraft(pub(super) NoticeFields);

impl std::ops::Deref for NoticeDraft {
    type Target = NoticeFields;

    fn deref(&self) -> &NoticeFields {
        &self.0
    }
}

/// A time field: RFC 3339, or a Helsinki local time (the gap rejected, an ambiguous
/// autumn time resolved by whether the field starts or ends a period).
fn time(field: &str, v: Option<Option<String>>, e: &mut FieldErrors) -> Option<DateTime<Utc>> {
    let edge = if field.ends_with("start") || field == "started_at" || field == "next_update_at" {
        Edge::Start
    } else {
        Edge::End
    };
    let text = v.flatten()?;
    match parse_time(&text, HELSINKI, edge) {
        Ok(t) => Some(t),
        Err(why) => {
            e.add(field, why);
            None
        }
    }
}

/// A notice's severity: as given, else required for a fault, major for an instruction and
/// minor for maintenance.
fn severity(
    given: Option<String>,
    kind: Option<NoticeKind>,
    e: &mut FieldErrors,
) -> Option<Severity> {
    match (given, kind) {
        (Some(s), _) => e.check("severity", Severity::parse(&s)),
        (None, Some(NoticeKind::Fault)) => {
            e.check("severity", Err("is required for a fault".into()))
        }
        (None, Some(NoticeKind::Instruction)) => Some(Severity::Major),
        (None, _) => Some(Severity::Minor),
    }
}

/// The services a notice is about (at least one) and its audiences (by default those of
/// the services).
fn reach(
    services: Option<Vec<String>>,
    audiences: Option<Vec<String>>,
    catalogue: &Catalogue,
    e: &mut FieldErrors,
) -> (BTreeSet<ServiceCode>, BTreeSet<Audience>) {
    let services: BTreeSet<ServiceCode> = e
        .require("services", services)
        .map(|list| collect_set("services", &list, |s| catalogue.parse_code(s), e))
        .unwrap_or_default();
    if services.is_empty() && !e.errors().iter().any(|f| f.field.starts_with("services")) {
        e.add("services", "must name at least one affected service");
    }
    let audiences = match audiences {
        Some(list) if !list.is_empty() => collect_set("audiences", &list, Audience::parse, e),
        _ => services
            .iter()
            .filter_map(|s| catalogue.get(s.as_str()))
            .flat_map(|s| s.audiences.iter().copied())
            .collect(),
    };
    (services, audiences)
}

/// The texts of a notice: title and body (Finnish and Swedish required), SMS texts, and
/// instructions for some of its `audiences`.
fn texts(input: &mut NoticeInput, audiences: &BTreeSet<Audience>, e: &mut FieldErrors) -> Texts {
    let required = [Language::Fi, Language::Sv];
    let title = e.require("title", input.title.take()).unwrap_or_default();
    let title = localized("title", &title, &required, MAX_TITLE_LEN, false, e);
    let body = e.require("body", input.body.take()).unwrap_or_default();
    let body = localized("body", &body, &required, MAX_BODY_LEN, true, e);
    let sms = input.sms.take().unwrap_or_default();
    let sms = localized("sms", &sms, &[], usize::MAX, true, e);
    let mut instructions = BTreeMap::new();
    for (aud, texts) in input.instructions.take().unwrap_or_default() {
        let at = format!("instructions.{aud}");
        let Some(a) = e.check(&at, Audience::parse(&aud)) else {
            continue;
        };
        if !audiences.contains(&a) {
            e.add(&at, "is not one of the notice's audiences");
            continue;
        }
        instructions.insert(a, localized(&at, &texts, &[], MAX_INSTRUCTION_LEN, true, e));
    }
    Texts {
        title,
        body,
        sms,
        instructions,
    }
}

/// Checks that every SMS text that would be sent fits: the explicit ones, and those made
/// from the title and `link`.
fn check_sms(texts: &Texts, link: &str, e: &mut FieldErrors) {
    let title_ok = !e.errors().iter().any(|f| f.field.starts_with("title"));
    for lang in Language::ALL {
        let explicit = texts.sms.contains_key(lang);
        let from_title =
            !explicit && title_ok && (texts.title.contains_key(lang) || *lang == Language::Fi);
        if explicit || from_title {
            if let Err(why) = texts.sms_text(*lang, link) {
                e.add(
                    format!("sms.{lang}"),
                    if explicit {
                        why
                    } else {
                        format!("is needed: the title and link {why}")
                    },
                );
            }
        }
    }
}

/// A notice's state: one of its kind's, by default the first open one.
fn state(
    given: Option<String>,
    kind: Option<NoticeKind>,
    e: &mut FieldErrors,
) -> Option<NoticeState> {
    match (given, kind) {
        (Some(s), Some(k)) => e.check("state", NoticeState::parse(&s)).filter(|st| {
            let ok = NoticeState::allowed(k).contains(st);
            if !ok {
                e.add("state", format!("is not a state of a {k} notice"));
            }
            ok
        }),
        (None, Some(k)) => Some(NoticeState::open_states(k)[0]),
        _ => None,
    }
}

/// The times of a notice.
struct Times {
    started_at: Option<DateTime<Utc>>,
    estimated_end_at: Option<DateTime<Utc>>,
    next_update_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    window_start: Option<DateTime<Utc>>,
    window_end: Option<DateTime<Utc>>,
}

impl Times {
    /// The times of `input`: a fault or instruction started `now` unless it says otherwise;
    /// an estimated end follows the start; maintenance has a window that ends after it
    /// starts.
    fn parse(
        input: &mut NoticeInput,
        kind: Option<NoticeKind>,
        now: DateTime<Utc>,
        e: &mut FieldErrors,
    ) -> Self {
        let started_at = time("started_at", input.started_at.take(), e);
        let estimated_end_at = time("estimated_end_at", input.estimated_end_at.take(), e);
        let next_update_at = time("next_update_at", input.next_update_at.take(), e);
        let ended_at = time("ended_at", input.ended_at.take(), e);
        let window_start = time("window_start", input.window_start.take(), e);
        let window_end = time("window_end", input.window_end.take(), e);
        let started_at = match kind {
            Some(NoticeKind::Maintenance) => started_at,
            _ => Some(started_at.unwrap_or(now)),
        };
        if let (Some(s), Some(end)) = (started_at, estimated_end_at) {
            if end <= s {
                e.add("estimated_end_at", "must be after started_at");
            }
        }
        if kind == Some(NoticeKind::Maintenance) {
            check_window(window_start, window_end, e);
        }
        Self {
            started_at,
            estimated_end_at,
            next_update_at,
            ended_at,
            window_start,
            window_end,
        }
    }
}

/// A maintenance window: both ends given, the end after the start.
fn check_window(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>, e: &mut FieldErrors) {
    match (start, end) {
        (Some(s), Some(end)) if end <= s => e.add("window_end", "must be after window_start"),
        (Some(_), Some(_)) => {}
        (s, end) => {
            if s.is_none() && !e.errors().iter().any(|f| f.field == "window_start") {
                e.add("window_start", "is required for maintenance");
            }
            if end.is_none() && !e.errors().iter().any(|f| f.field == "window_end") {
                e.add("window_end", "is required for maintenance");
            }
        }
    }
}

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
        let texts = texts(&mut input, &audiences, &mut e);
        check_sms(&texts, link, &mut e);
        let state = state(input.state.take(), kind, &mut e);
        let times = Times::parse(&mut input, kind, now, &mut e);
        let phases = input.sub_windows.take().unwrap_or_default();
        let sub_windows = if phases.is_empty() {
            Vec::new()
        } else if kind.is_some_and(|k| k != NoticeKind::Maintenance) {
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
        }
    }

    /// Whether this revision goes out by SMS (domain §4): for faults, the start, the end
    /// and any change of severity, when major or critical; instructions always; maintenance
    /// only through its reminder plan. A retraction reaches earlier SMS recipients.
    pub fn wants_sms(&self, action: Action, previous: Option<&NoticeDraft>) -> bool {
        let serious = |s: Severity| matches!(s, Severity::Major | Severity::Critical);
        match self.kind {
            NoticeKind::Instruction => true,
            NoticeKind::Maintenance => false,
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

impl NoticeInput {
    /// This change laid over `base`: fields present here win.
    pub fn over(self, base: NoticeInput) -> NoticeInput {
        NoticeInput {
            action: self.action,
            kind: self.kind.or(base.kind),
            severity: self.severity.or(base.severity),
            services: self.services.or(base.services),
            audiences: self.audiences.or(base.audiences),
            title: self.title.or(base.title),
            body: self.body.or(base.body),
            sms: self.sms.or(base.sms),
            instructions: self.instructions.or(base.instructions),
            state: self.state.or(base.state),
            started_at: self.started_at.or(base.started_at),
            estimated_end_at: self.estimated_end_at.or(base.estimated_end_at),
            next_update_at: self.next_update_at.or(base.next_update_at),
            ended_at: self.ended_at.or(base.ended_at),
            window_start: self.window_start.or(base.window_start),
            window_end: self.window_end.or(base.window_end),
            sub_windows: self.sub_windows.or(base.sub_windows),
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

impl Revision {
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
