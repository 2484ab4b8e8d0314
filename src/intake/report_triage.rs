//! Checking a triage step against the report's state before it is written.

use super::{Intake, IntakeResult};
use crate::fault_reports::{FaultReport, ReportId, ReportStatus, contains_identity_code};
use crate::notices::NoticeId;
use crate::validation::FieldErrors;

/// A triage step as asked for (`PATCH /api/v1/fault-reports/{id}`, the console's form).
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageInput {
    /// The new state.
    #[schema(value_type = Option<ReportStatus>)]
    pub status: Option<String>,
    /// For support only.
    pub note: Option<String>,
    /// Sent to the reporter with the change.
    pub reply: Option<String>,
    /// When support expects the fault fixed, in the reporter's words (e.g. `14:00`).
    pub estimate: Option<String>,
    /// The notice the report is part of (with `status: linked`).
    pub notice_id: Option<String>,
    /// The report this one repeats (with `status: duplicate`).
    pub duplicate_of: Option<String>,
}

/// Longest note, reply or estimate: a few paragraphs.
const MAX_TRIAGE_TEXT: usize = 4_000;

/// A checked triage step.
pub(super) struct Step {
    pub to: Option<ReportStatus>,
    pub note: Option<String>,
    pub reply: Option<String>,
    pub estimate: Option<String>,
    pub notice_id: Option<NoticeId>,
    pub duplicate_of: Option<ReportId>,
}

/// Free text of triage: at most `MAX_TRIAGE_TEXT`, no identity codes; empty is absent.
fn text(e: &mut FieldErrors, field: &str, v: Option<String>) -> Option<String> {
    let v = v.filter(|v| !v.trim().is_empty())?;
    let checked = if v.chars().count() > MAX_TRIAGE_TEXT {
        Err(format!("must be at most {} characters", MAX_TRIAGE_TEXT))
    } else if contains_identity_code(&v) {
        Err("looks like a personal identity code; never write patient identifiers here".to_owned())
    } else {
        Ok(v.trim().to_owned())
    };
    e.check(field, checked)
}

/// Checks `input` against `report`: a state it may move to, a notice for `linked`, another
/// report for `duplicate`, and something to do at all.
pub(super) async fn check(
    intake: &Intake,
    report: &FaultReport,
    input: TriageInput,
) -> IntakeResult<Step> {
    let mut e = FieldErrors::new();
    let to = match input.status.as_deref() {
        None | Some("") => None,
        Some(s) => e.check("status", ReportStatus::parse(s)).and_then(|to| {
            if to == report.status {
                None
            } else if report.status.may_become(to) {
                Some(to)
            } else {
                e.add(
                    "status",
                    format!("a report that is {} cannot become {}", report.status, to),
                );
                None
            }
        }),
    };
    let note = text(&mut e, "note", input.note);
    let reply = text(&mut e, "reply", input.reply);
    let estimate = text(&mut e, "estimate", input.estimate);
    let notice_id = match input
        .notice_id
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        None => None,
        Some(n) => match NoticeId::parse(n) {
            Some(id) if !intake.store.notice_revisions(id).await?.is_empty() => Some(id),
            _ => {
                e.add("notice_id", "is not a notice");
                None
            }
        },
    };
    let duplicate_of = match input
        .duplicate_of
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        None => None,
        Some(d) => match ReportId::parse(d) {
            Some(id) if id == report.id => {
                e.add("duplicate_of", "must be another report");
                None
            }
            Some(id) if intake.store.get_fault_report(id).await?.is_some() => Some(id),
            _ => {
                e.add("duplicate_of", "is not a fault report");
                None
            }
        },
    };
    if to == Some(ReportStatus::Linked)
        && notice_id.is_none()
        && report.notice_id.is_none()
        && !e.names("notice_id")
    {
        e.add("notice_id", "is required to link the report to a notice");
    }
    if to == Some(ReportStatus::Duplicate) && duplicate_of.is_none() && !e.names("duplicate_of") {
        e.add("duplicate_of", "is required to mark the report a duplicate");
    }
    if e.is_empty()
        && to.is_none()
        && note.is_none()
        && reply.is_none()
        && notice_id.is_none()
        && duplicate_of.is_none()
    {
        e.add(
            "status",
            "nothing to change: give a new state, a note or a reply",
        );
    }
    e.finish(|| Step {
        to,
        note,
        reply,
        estimate,
        notice_id,
        duplicate_of,
    })
    .map_err(Into::into)
}
