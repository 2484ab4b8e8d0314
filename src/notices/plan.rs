//! The maintenance reminder plan (domain §5): when the announcement email, the SMS reminder
//! and the window's start and end happen, and what each maintenance revision sends at once.

use super::notice::NoticeDraft;
use super::vocabulary::Action;
use crate::calendar::{Edge, at_local};
use crate::codes::code_enum;
use chrono::{DateTime, Days, Duration, NaiveTime, Utc};
use chrono_tz::Tz;

code_enum! {
    /// A step of the plan.
    pub enum Step {
        /// The email D − 14 days at 09:00.
        Announcement = "announcement",
        /// The SMS D − 1 day at 09:00.
        Reminder = "reminder",
        /// The window opens: the notice becomes in-progress.
        Start = "start",
        /// The window closes: the notice becomes completed.
        End = "end",
    }
}

code_enum! {
    /// Where a step is.
    pub enum StepState { Planned = "planned", Done = "done", Skipped = "skipped" }
}

/// Which channels something goes out on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sends {
    pub email: bool,
    pub sms: bool,
}

impl Sends {
    pub const NONE: Sends = Sends {
        email: false,
        sms: false,
    };
    pub const EMAIL: Sends = Sends {
        email: true,
        sms: false,
    };
    pub const SMS: Sends = Sends {
        email: false,
        sms: true,
    };

    /// True when nothing goes out.
    pub fn is_none(self) -> bool {
        !self.email && !self.sms
    }

    /// The channel codes, for the API.
    pub fn codes(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.email {
            v.push("email");
        }
        if self.sms {
            v.push("sms");
        }
        v
    }
}

/// One step as planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedStep {
    pub step: Step,
    pub sends: Sends,
    pub due_at: DateTime<Utc>,
    pub state: StepState,
    pub reason: Option<String>,
}

/// What has already happened to a notice's plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanStatus {
    /// The announcement email went out.
    pub announced: bool,
    /// The SMS reminder went out.
    pub reminded: bool,
    /// The window's start was reached.
    pub started: bool,
}

/// What a maintenance revision does: what it sends at once, and the plan that replaces the
/// planned steps (`None` keeps them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    pub sends: Sends,
    pub replan: Option<Vec<PlannedStep>>,
}

/// A new start this close gets an SMS with the reschedule even without an earlier reminder.
const SMS_WITHIN: Duration = Duration::hours(24);

/// The timing rules, from `[schedule]`.
#[derive(Clone, Debug)]
pub struct PlanRules {
    pub tz: Tz,
    pub announce_days_before: u32,
    /// Local time of the announcement and of the reminder.
    pub at: NaiveTime,
    /// Email on the automatic start and end too (default off).
    pub transition_email: bool,
}

impl PlanRules {
    /// `at` on the local date `days` before the one on which `window_start` falls (calendar
    /// days, so 09:00 stays 09:00 across a daylight-saving change).
    fn days_before(&self, window_start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let d = window_start.with_timezone(&self.tz).date_naive() - Days::new(u64::from(days));
        // 09:00 never falls in a gap; should `at` be set into one, take the hour after.
        at_local(self.tz, d, self.at, Edge::Start)
            .or_else(|_| at_local(self.tz, d, self.at + Duration::hours(1), Edge::Start))
            .unwrap_or(window_start)
    }

    /// When the announcement email is due: `at` on D − `announce_days_before`.
    pub fn announce_at(&self, window_start: DateTime<Utc>) -> DateTime<Utc> {
        self.days_before(window_start, self.announce_days_before)
    }

    /// When the SMS reminder is due: `at` on D − 1.
    pub fn remind_at(&self, window_start: DateTime<Utc>) -> DateTime<Utc> {
        self.days_before(window_start, 1)
    }

    /// Whether `rev` is a maintenance publication that came after its announcement's
    /// moment (its email says so).
    pub fn is_short_notice(&self, rev: &super::notice::Revision) -> bool {
        rev.action == Action::Publish
            && rev.draft.kind.is_planned()
            && rev
                .draft
                .window_start
                .is_some_and(|ws| self.short_notice(ws, rev.published_at))
    }

    /// Whether a publication at `published_at` came after the announcement's moment.
    pub fn short_notice(&self, window_start: DateTime<Utc>, published_at: DateTime<Utc>) -> bool {
        self.announce_at(window_start) < published_at
    }

    /// The steps from `now` on for `draft`'s window, given what already happened and
    /// whether the revision being written sends an SMS itself (`sms_now`).
    pub fn plan(
        &self,
        draft: &NoticeDraft,
        status: PlanStatus,
        sms_now: bool,
        now: DateTime<Utc>,
    ) -> Vec<PlannedStep> {
        let (Some(ws), Some(we)) = (draft.window_start, draft.window_end) else {
            return Vec::new();
        };
        let transition = if self.transition_email {
            Sends::EMAIL
        } else {
            Sends::NONE
        };
        let mut steps = Vec::new();
        let before_window = |step: Step, sends: Sends, at: DateTime<Utc>| {
            if now >= ws {
                PlannedStep {
                    step,
                    sends,
                    due_at: at,
                    state: StepState::Skipped,
                    reason: Some("the window had already started".into()),
                }
            } else {
                PlannedStep {
                    step,
                    sends,
                    due_at: at.max(now),
                    state: StepState::Planned,
                    reason: (at < now).then(|| "short notice: its moment had passed".into()),
                }
            }
        };
        if !status.announced {
            steps.push(before_window(
                Step::Announcement,
                Sends::EMAIL,
                self.announce_at(ws),
            ));
        }
        let remind_at = self.remind_at(ws);
        if sms_now && remind_at <= now {
            steps.push(PlannedStep {
                step: Step::Reminder,
                sends: Sends::SMS,
                due_at: remind_at,
                state: StepState::Skipped,
                reason: Some("the SMS of this revision stands for the reminder".into()),
            });
        } else {
            steps.push(before_window(Step::Reminder, Sends::SMS, remind_at));
        }
        if !status.started {
            steps.push(PlannedStep {
                step: Step::Start,
                sends: transition,
                due_at: ws.max(now),
                state: StepState::Planned,
                reason: None,
            });
        }
        steps.push(PlannedStep {
            step: Step::End,
            sends: transition,
            due_at: we.max(now),
            state: StepState::Planned,
            reason: None,
        });
        steps
    }

    /// What an operator's maintenance revision sends at once and does to the plan.
    pub fn effect(
        &self,
        action: Action,
        draft: &NoticeDraft,
        status: PlanStatus,
        now: DateTime<Utc>,
    ) -> Effect {
        match action {
            Action::Publish => Effect {
                sends: Sends::NONE,
                replan: Some(self.plan(draft, PlanStatus::default(), false, now)),
            },
            // Those already told hear of the change; the rest will get this text when the
            // announcement goes out.
            Action::Update => Effect {
                sends: Sends {
                    email: status.announced,
                    sms: false,
                },
                replan: None,
            },
            Action::Reschedule => {
                let soon = draft
                    .window_start
                    .is_some_and(|ws| ws > now && ws - now <= SMS_WITHIN);
                let sms = status.reminded || soon;
                Effect {
                    sends: Sends {
                        email: status.announced,
                        sms,
                    },
                    replan: Some(self.plan(draft, status, sms, now)),
                }
            }
            Action::Cancel => Effect {
                sends: Sends {
                    email: status.announced,
                    sms: status.reminded,
                },
                replan: Some(Vec::new()),
            },
            Action::End => Effect {
                sends: Sends {
                    email: status.announced,
                    sms: false,
                },
                replan: Some(Vec::new()),
            },
        }
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
