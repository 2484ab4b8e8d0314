//! The rules for revising a notice: what each action may change and what it sets.

use super::input::NoticeInput;
use super::notice::NoticeDraft;
use super::vocabulary::{Action, NoticeState};
use crate::registry::Catalogue;
use crate::validation::FieldErrors;
use chrono::{DateTime, Utc};

/// Parses the action of a revision request (`publish` is not a revision).
pub fn revision_action(input: &NoticeInput) -> Result<Action, FieldErrors> {
    let text = input.action.as_deref().ok_or_else(|| {
        FieldErrors::single("action", "is required (update, end, reschedule or cancel)")
    })?;
    match Action::parse(text) {
        Ok(Action::Publish) | Err(_) => Err(FieldErrors::single(
            "action",
            "must be one of update, end, reschedule, cancel",
        )),
        Ok(a) => Ok(a),
    }
}

/// The next revision's content: `change` laid over `current` under the rules of `action`.
pub fn revise(
    current: &NoticeDraft,
    action: Action,
    mut change: NoticeInput,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
    link: &str,
) -> Result<NoticeDraft, FieldErrors> {
    check_revisable(current, &change)?;
    match action {
        Action::Publish => {
            return Err(FieldErrors::single(
                "action",
                "must be one of update, end, reschedule, cancel",
            ));
        }
        Action::Update => check_update(current, &change)?,
        Action::End => {
            change.state = Some(NoticeState::ended(current.kind).code().to_owned());
            if !current.kind.is_planned() && change.ended_at.is_none() {
                change.ended_at = Some(Some(now.to_rfc3339()));
            }
        }
        Action::Cancel => {
            change.state = Some(NoticeState::Cancelled.code().to_owned());
            if change.ended_at.is_none() {
                change.ended_at = Some(Some(now.to_rfc3339()));
            }
        }
        Action::Reschedule => check_reschedule(current, &change)?,
    }
    NoticeDraft::parse(change.over(current.as_input()), catalogue, now, link)
}

/// A notice takes revisions until it has ended, and never changes its kind.
fn check_revisable(current: &NoticeDraft, change: &NoticeInput) -> Result<(), FieldErrors> {
    if current.state.is_final() {
        return Err(FieldErrors::single(
            "action",
            format!(
                "the notice is {} and takes no more revisions; publish a new notice",
                current.state
            ),
        ));
    }
    if change
        .status
        .as_deref()
        .is_some_and(|s| s.trim() != current.status.code())
    {
        return Err(FieldErrors::single(
            "status",
            "cannot change: an exercise stays an exercise and a real notice stays real",
        ));
    }
    if change
        .kind
        .as_deref()
        .is_some_and(|k| k.trim() != current.kind.code())
    {
        return Err(FieldErrors::single(
            "kind",
            "cannot change; publish a new notice",
        ));
    }
    Ok(())
}

/// An update moves no maintenance window (a reschedule does) and ends nothing (end and
/// cancel do).
fn check_update(current: &NoticeDraft, change: &NoticeInput) -> Result<(), FieldErrors> {
    // A moved window re-plans the reminders and tells people differently.
    for (field, given) in [
        ("window_start", change.window_start.is_some()),
        ("window_end", change.window_end.is_some()),
        ("sub_windows", change.sub_windows.is_some()),
    ] {
        if given && current.kind.is_planned() {
            return Err(FieldErrors::single(
                field,
                "is changed with the reschedule action, not update",
            ));
        }
    }
    let open = NoticeState::open_states(current.kind);
    if let Some(s) = change.state.as_deref() {
        if NoticeState::parse(s).is_ok_and(|st| !open.contains(&st)) {
            return Err(FieldErrors::single(
                "state",
                "is set by the end and cancel actions, not by update",
            ));
        }
    }
    Ok(())
}

/// A reschedule is for maintenance, and moves its window.
fn check_reschedule(current: &NoticeDraft, change: &NoticeInput) -> Result<(), FieldErrors> {
    if !current.kind.is_planned() {
        return Err(FieldErrors::single(
            "action",
            "reschedule applies to maintenance only",
        ));
    }
    if change.window_start.is_none() && change.window_end.is_none() {
        return Err(FieldErrors::single(
            "window_start",
            "a reschedule needs a new window_start or window_end",
        ));
    }
    Ok(())
}
