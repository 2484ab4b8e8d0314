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

impl NoticeDraft {
    /// Validates a whole notice. `now` fills a fault's `started_at`; `link` is the notice
    /// page, used to build and check the default SMS text.
    pub fn parse(
        input: NoticeInput,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
        link: &str,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = e
            .require("kind", input.kind)
            .and_then(|k| e.check("kind", NoticeKind::parse(&k)));
        let severity = match (input.severity, kind) {
            (Some(s), _) => e.check("severity", Severity::parse(&s)),
            (None, Some(NoticeKind::Fault)) => {
                e.check("severity", Err("is required for a fault".into()))
            }
            (None, Some(NoticeKind::Instruction)) => Some(Severity::Major),
            (None, _) => Some(Severity::Minor),
        };
        let services: BTreeSet<ServiceCode> = e
            .require("services", input.services)
            .map(|list| collect_set("services", &list, |s| catalogue.parse_code(s), &mut e))
            .unwrap_or_default();
        if services.is_empty() && !e.errors().iter().any(|f| f.field.starts_with("services")) {
            e.add("services", "must name at least one affected service");
        }
        let audiences: BTreeSet<Audience> = match input.audiences {
            Some(list) if !list.is_empty() => {
                collect_set("audiences", &list, Audience::parse, &mut e)
            }
            _ => services
                .iter()
                .filter_map(|s| catalogue.get(s.as_str()))
                .flat_map(|s| s.audiences.iter().copied())
                .collect(),
        };
        let required = [Language::Fi, Language::Sv];
        let title = localized(
            "title",
            &e.require("title", input.title).unwrap_or_default(),
            &required,
            MAX_TITLE_LEN,
            false,
            &mut e,
        );
        let body = localized(
            "body",
            &e.require("body", input.body).unwrap_or_default(),
            &required,
            MAX_BODY_LEN,
            true,
            &mut e,
        );
        let sms = localized(
            "sms",
            &input.sms.unwrap_or_default(),
            &[],
            usize::MAX,
            true,
            &mut e,
        );
        let mut instructions = BTreeMap::new();
        for (aud, texts) in input.instructions.unwrap_or_default() {
            let at = format!("instructions.{aud}");
            let Some(a) = e.check(&at, Audience::parse(&aud)) else {
                continue;
            };
            if !audiences.contains(&a) {
                e.add(&at, "is not one of the notice's audiences");
                continue;
            }
            instructions.insert(
                a,
                localized(&at, &texts, &[], MAX_INSTRUCTION_LEN, true, &mut e),
            );
        }
        let texts = Texts {
            title,
            body,
            sms,
            instructions,
        };
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
        let state = match (input.state, kind) {
            (Some(s), Some(k)) => e.check("state", NoticeState::parse(&s)).filter(|st| {
                let ok = NoticeState::allowed(k).contains(st);
                if !ok {
                    e.add("state", format!("is not a state of a {k} notice"));
                }
                ok
            }),
            (None, Some(k)) => Some(NoticeState::open_states(k)[0]),
            _ => None,
        };
        let started_at = time("started_at", input.started_at, &mut e);
        let estimated_end_at = time("estimated_end_at", input.estimated_end_at, &mut e);
        let next_update_at = time("next_update_at", input.next_update_at, &mut e);
        let ended_at = time("ended_at", input.ended_at, &mut e);
        let window_start = time("window_start", input.window_start, &mut e);
        let window_end = time("window_end", input.window_end, &mut e);
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
            match (window_start, window_end) {
                (Some(s), Some(end)) if end <= s => {
                    e.add("window_end", "must be after window_start")
                }
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
        let phases = input.sub_windows.unwrap_or_default();
        let sub_windows = if phases.is_empty() {
            Vec::new()
        } else if kind.is_some_and(|k| k != NoticeKind::Maintenance) {
            e.add("sub_windows", "are for maintenance only");
            Vec::new()
        } else {
            super::windows::sub_windows(phases, window_start.zip(window_end), &mut e)
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
                started_at,
                estimated_end_at,
                next_update_at,
                ended_at,
                window_start,
                window_end,
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
