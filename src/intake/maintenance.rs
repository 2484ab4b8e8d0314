//! Maintenance: what a revision sends at once and does to the reminder plan, and firing
//! the plan's due steps (called by the scheduler).

use super::{Intake, IntakeResult};
use crate::notices::Reminder;
use crate::notices::{
    Action, NoticeInput, NoticeState, PlannedStep, Revision, Sends, Step, lane, revise,
};
use crate::store::{AuditEvent, Firing, PlanChange};

/// Who the scheduler's revisions and audit records name.
pub const SCHEDULER: &str = "scheduler";

impl Intake {
    /// What revision 1 sends at once and the plan it starts.
    pub(super) fn publication_effect(&self, rev: &Revision) -> (Sends, Vec<PlannedStep>) {
        if !rev.draft.kind.is_planned() {
            return (
                Sends {
                    email: true,
                    sms: rev.sms,
                },
                Vec::new(),
            );
        }
        let e = self.plan_rules.effect(
            Action::Publish,
            &rev.draft,
            Default::default(),
            rev.published_at,
        );
        (e.sends, e.replan.unwrap_or_default())
    }

    /// What a later revision sends at once and does to the plan, from the plan as it is
    /// now; the store refuses the revision if a step fires before it commits.
    pub(super) async fn revision_effect(
        &self,
        rev: &Revision,
    ) -> IntakeResult<(Sends, PlanChange)> {
        let (status, planned) = self.store.plan_status(rev.notice_id).await?;
        if !rev.draft.kind.is_planned() {
            let sends = Sends {
                email: true,
                sms: rev.sms,
            };
            return Ok((
                sends,
                PlanChange {
                    expect_planned: planned,
                    replace: None,
                },
            ));
        }
        let e = self
            .plan_rules
            .effect(rev.action, &rev.draft, status, rev.published_at);
        let reason = match rev.action {
            Action::Reschedule => format!("re-planned by revision {}", rev.number),
            Action::Cancel => format!("the maintenance was cancelled (revision {})", rev.number),
            _ => format!("the maintenance ended (revision {})", rev.number),
        };
        Ok((
            e.sends,
            PlanChange {
                expect_planned: planned,
                replace: e.replan.map(|steps| (steps, reason)),
            },
        ))
    }

    /// Fires one due step of a plan; false if another daemon fired it first or the notice
    /// changed meanwhile (it is read again on the next round).
    pub async fn fire_reminder(&self, r: &Reminder) -> IntakeResult<bool> {
        let now = self.now();
        let Some(current) = self.store.notice_revisions(r.notice_id).await?.pop() else {
            return Ok(false);
        };
        let d = &current.draft;
        let firing = if d.state.is_final() {
            Firing::Skip(format!("the notice was already {}", d.state))
        } else {
            match r.step {
                Step::Announcement | Step::Reminder => match d.window_start {
                    Some(ws) if now >= ws => Firing::Skip(format!(
                        "missed: due {}, but the window had started before it could go out ({})",
                        r.due_at.to_rfc3339(),
                        now.to_rfc3339()
                    )),
                    _ => Firing::Send {
                        revision: current.number,
                        lane: lane(d.kind),
                    },
                },
                Step::Start if d.state != NoticeState::Scheduled => {
                    Firing::Skip(format!("the notice was already {}", d.state))
                }
                Step::Start => self.transition(
                    &current,
                    Action::Update,
                    NoticeInput {
                        state: Some(NoticeState::InProgress.code().to_owned()),
                        ..Default::default()
                    },
                    r.sends,
                )?,
                Step::End => {
                    self.transition(&current, Action::End, NoticeInput::default(), r.sends)?
                }
            }
        };
        let fired = self.store.fire_reminder(r, &firing, now).await?;
        if fired {
            if matches!(firing, Firing::Transition { .. }) {
                self.public_changed();
            }
            match &firing {
                Firing::Skip(why) => {
                    tracing::warn!(notice = %r.notice_id, step = %r.step, reason = %why, "reminder skipped")
                }
                _ => {
                    tracing::info!(notice = %r.notice_id, step = %r.step, "reminder fired");
                    self.outbox.notify_waiters();
                }
            }
        }
        Ok(fired)
    }

    /// The scheduler's revision moving the window's state.
    fn transition(
        &self,
        current: &Revision,
        action: Action,
        change: NoticeInput,
        sends: Sends,
    ) -> IntakeResult<Firing> {
        let now = self.now();
        let id = current.notice_id;
        let draft = revise(
            &current.draft,
            action,
            change,
            &self.catalogue,
            now,
            &self.notice_link(id),
        )?;
        let rev = Revision {
            notice_id: id,
            number: current.number + 1,
            action,
            draft,
            published_at: now,
            sms: false,
        };
        let audit = AuditEvent {
            actor: SCHEDULER.to_owned(),
            action: "notice.revise",
            target_kind: "notice",
            target_id: id.to_text(),
            org_id: None,
            request_id: String::new(),
            at: now,
        };
        Ok(Firing::Transition {
            rev: Box::new(rev),
            sends,
            audit: Box::new(audit),
        })
    }
}
