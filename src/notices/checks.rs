//! The steps of checking a notice's input (`NoticeDraft::parse`): each field or group of
//! fields, every error named by its field, in the order the client wrote them.

use super::content::{MAX_BODY_LEN, MAX_INSTRUCTION_LEN, MAX_TITLE_LEN, Texts, localized};
use super::input::NoticeInput;
use super::vocabulary::{NoticeState, Severity};
use crate::calendar::{Edge, HELSINKI, parse_time};
use crate::registry::{Audience, Catalogue, Language, NoticeKind, ServiceCode};
use crate::validation::{FieldErrors, collect_set};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// A time field: RFC 3339, or a Helsinki local time (the gap rejected, an ambiguous
/// autumn time resolved by whether the field starts or ends a period).
pub(super) fn time(
    field: &str,
    v: Option<Option<String>>,
    e: &mut FieldErrors,
) -> Option<DateTime<Utc>> {
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
pub(super) fn severity(
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
pub(super) fn reach(
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
pub(super) fn texts(
    input: &mut NoticeInput,
    audiences: &BTreeSet<Audience>,
    e: &mut FieldErrors,
) -> Texts {
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
pub(super) fn check_sms(
    texts: &Texts,
    issuer: Option<&super::Issuer>,
    status: super::NoticeStatus,
    link: &str,
    e: &mut FieldErrors,
) {
    let title_ok = !e.errors().iter().any(|f| f.field.starts_with("title"));
    for lang in Language::ALL {
        let explicit = texts.sms.contains_key(lang);
        let from_title =
            !explicit && title_ok && (texts.title.contains_key(lang) || *lang == Language::Fi);
        if explicit || from_title {
            if let Err(why) = texts.sms_text(*lang, issuer, status, link) {
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

/// An instruction's issuer: required for instructions, refused for other kinds.
pub(super) fn issuer(
    given: Option<String>,
    kind: Option<NoticeKind>,
    e: &mut FieldErrors,
) -> Option<super::Issuer> {
    let given = given.filter(|g| !g.trim().is_empty());
    match (kind, given) {
        (Some(NoticeKind::Instruction), None) => {
            e.add(
                "issuer",
                "is required for an instruction: the authority that issued it",
            );
            None
        }
        (Some(NoticeKind::Instruction), Some(g)) => e.check("issuer", super::Issuer::parse(&g)),
        (Some(_), Some(_)) => {
            e.add("issuer", "is for instructions only");
            None
        }
        _ => None,
    }
}

/// A notice's state: one of its kind's, by default the first open one.
pub(super) fn state(
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
pub(super) struct Times {
    pub(super) started_at: Option<DateTime<Utc>>,
    pub(super) estimated_end_at: Option<DateTime<Utc>>,
    pub(super) next_update_at: Option<DateTime<Utc>>,
    pub(super) ended_at: Option<DateTime<Utc>>,
    pub(super) window_start: Option<DateTime<Utc>>,
    pub(super) window_end: Option<DateTime<Utc>>,
}

impl Times {
    /// The times of `input`: a fault or instruction started `now` unless it says otherwise;
    /// an estimated end follows the start; maintenance has a window that ends after it
    /// starts.
    pub(super) fn parse(
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
            Some(k) if k.is_planned() => started_at,
            _ => Some(started_at.unwrap_or(now)),
        };
        if let (Some(s), Some(end)) = (started_at, estimated_end_at) {
            if end <= s {
                e.add("estimated_end_at", "must be after started_at");
            }
        }
        if kind.is_some_and(NoticeKind::is_planned) {
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
pub(super) fn check_window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    e: &mut FieldErrors,
) {
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
