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
mod tests {
    use super::*;
    use crate::calendar::HELSINKI;
    use crate::notices::NoticeState;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn rules() -> PlanRules {
        PlanRules {
            tz: HELSINKI,
            announce_days_before: 14,
            at: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            transition_email: false,
        }
    }

    fn window(start: &str, end: &str) -> NoticeDraft {
        let mut d = crate::notices::tests::maintenance_draft();
        d.window_start = Some(utc(start));
        d.window_end = Some(utc(end));
        d.state = NoticeState::Scheduled;
        d
    }

    fn step(plan: &[PlannedStep], s: Step) -> &PlannedStep {
        plan.iter().find(|p| p.step == s).unwrap()
    }

    #[test]
    fn the_announcement_is_at_nine_fourteen_calendar_days_before_and_the_sms_the_day_before() {
        // Window Tuesday 2026-12-15 20:00 Helsinki (18:00Z).
        let d = window("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z");
        let plan = rules().plan(
            &d,
            PlanStatus::default(),
            false,
            utc("2026-11-23T10:00:00Z"),
        );
        let a = step(&plan, Step::Announcement);
        assert_eq!(
            a.due_at,
            utc("2026-12-01T07:00:00Z"),
            "09:00 EET on 1 December"
        );
        assert_eq!((a.sends, a.state), (Sends::EMAIL, StepState::Planned));
        let r = step(&plan, Step::Reminder);
        assert_eq!(r.due_at, utc("2026-12-14T07:00:00Z"));
        assert_eq!(r.sends, Sends::SMS);
        assert_eq!(step(&plan, Step::Start).due_at, utc("2026-12-15T18:00:00Z"));
        assert_eq!(step(&plan, Step::End).due_at, utc("2026-12-15T20:00:00Z"));
        assert!(
            step(&plan, Step::Start).sends.is_none(),
            "no email on transitions by default"
        );
    }

    #[test]
    fn fourteen_days_across_the_spring_change_is_still_nine_local() {
        // Window 2027-04-05 02:00 EEST; D − 14 = 2027-03-22 (EET), D − 1 = 2027-04-04 (EEST).
        let d = window("2027-04-04T23:00:00Z", "2027-04-05T01:00:00Z");
        let plan = rules().plan(
            &d,
            PlanStatus::default(),
            false,
            utc("2027-01-01T00:00:00Z"),
        );
        assert_eq!(
            step(&plan, Step::Announcement).due_at,
            utc("2027-03-22T07:00:00Z")
        );
        assert_eq!(
            step(&plan, Step::Reminder).due_at,
            utc("2027-04-04T06:00:00Z")
        );
    }

    #[test]
    fn across_the_autumn_change_too() {
        // Window 2026-10-27 21:00 EET; D − 14 = 2026-10-13 (EEST), D − 1 = 2026-10-26 (EET).
        let d = window("2026-10-27T19:00:00Z", "2026-10-27T21:00:00Z");
        let plan = rules().plan(
            &d,
            PlanStatus::default(),
            false,
            utc("2026-09-01T00:00:00Z"),
        );
        assert_eq!(
            step(&plan, Step::Announcement).due_at,
            utc("2026-10-13T06:00:00Z")
        );
        assert_eq!(
            step(&plan, Step::Reminder).due_at,
            utc("2026-10-26T07:00:00Z")
        );
    }

    #[test]
    fn a_window_just_after_midnight_counts_from_its_local_date() {
        // 2026-12-16 00:30 Helsinki is 2026-12-15 22:30Z: D is the 16th locally.
        let d = window("2026-12-15T22:30:00Z", "2026-12-16T01:00:00Z");
        let plan = rules().plan(
            &d,
            PlanStatus::default(),
            false,
            utc("2026-11-01T00:00:00Z"),
        );
        assert_eq!(
            step(&plan, Step::Reminder).due_at,
            utc("2026-12-15T07:00:00Z")
        );
    }

    #[test]
    fn a_late_publication_announces_at_once_as_short_notice() {
        let d = window("2026-12-01T18:00:00Z", "2026-12-01T20:00:00Z");
        let now = utc("2026-11-23T10:00:00Z");
        let plan = rules().plan(&d, PlanStatus::default(), false, now);
        let a = step(&plan, Step::Announcement);
        assert_eq!((a.due_at, a.state), (now, StepState::Planned));
        assert!(a.reason.as_deref().unwrap().contains("short notice"));
        assert!(rules().short_notice(d.window_start.unwrap(), now));
        assert_eq!(
            step(&plan, Step::Reminder).due_at,
            utc("2026-11-30T07:00:00Z")
        );
    }

    #[test]
    fn published_after_nine_the_day_before_sends_the_sms_at_once_but_not_once_started() {
        let d = window("2026-11-23T18:00:00Z", "2026-11-23T20:00:00Z");
        let now = utc("2026-11-23T10:00:00Z");
        let plan = rules().plan(&d, PlanStatus::default(), false, now);
        assert_eq!(step(&plan, Step::Reminder).due_at, now);
        let late = utc("2026-11-23T19:00:00Z");
        let plan = rules().plan(&d, PlanStatus::default(), false, late);
        let r = step(&plan, Step::Reminder);
        assert_eq!(r.state, StepState::Skipped);
        assert!(r.reason.as_deref().unwrap().contains("already started"));
        assert_eq!(step(&plan, Step::Start).due_at, late, "starts at once");
    }

    #[test]
    fn a_reschedule_texts_only_those_reminded_or_when_the_new_start_is_within_a_day() {
        let now = utc("2026-11-23T10:00:00Z");
        let far = window("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z");
        let near = window("2026-11-24T08:00:00Z", "2026-11-24T10:00:00Z");
        let announced = PlanStatus {
            announced: true,
            ..Default::default()
        };
        let reminded = PlanStatus {
            announced: true,
            reminded: true,
            started: false,
        };
        let e = rules().effect(Action::Reschedule, &far, announced, now);
        assert_eq!(e.sends, Sends::EMAIL);
        let plan = e.replan.unwrap();
        assert!(
            plan.iter().all(|p| p.step != Step::Announcement),
            "announced already"
        );
        assert_eq!(step(&plan, Step::Reminder).state, StepState::Planned);
        let e = rules().effect(Action::Reschedule, &far, reminded, now);
        assert_eq!(
            e.sends,
            Sends {
                email: true,
                sms: true
            }
        );
        assert_eq!(
            step(&e.replan.unwrap(), Step::Reminder).due_at,
            utc("2026-12-14T07:00:00Z"),
            "reminded again the day before the new date"
        );
        let e = rules().effect(Action::Reschedule, &near, announced, now);
        assert_eq!(
            e.sends,
            Sends {
                email: true,
                sms: true
            }
        );
        let r = e.replan.unwrap();
        assert_eq!(
            step(&r, Step::Reminder).state,
            StepState::Skipped,
            "its SMS stands for it"
        );
        let e = rules().effect(Action::Reschedule, &far, PlanStatus::default(), now);
        assert_eq!(
            e.sends,
            Sends::NONE,
            "nobody told yet: the announcement will tell"
        );
    }

    #[test]
    fn a_cancel_reaches_by_each_channel_only_those_told_by_it() {
        let d = window("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z");
        let now = utc("2026-11-23T10:00:00Z");
        let cases = [
            (PlanStatus::default(), Sends::NONE),
            (
                PlanStatus {
                    announced: true,
                    ..Default::default()
                },
                Sends::EMAIL,
            ),
            (
                PlanStatus {
                    announced: true,
                    reminded: true,
                    started: false,
                },
                Sends {
                    email: true,
                    sms: true,
                },
            ),
        ];
        for (status, sends) in cases {
            let e = rules().effect(Action::Cancel, &d, status, now);
            assert_eq!(e.sends, sends);
            assert_eq!(e.replan, Some(Vec::new()), "every planned step is dropped");
        }
    }

    #[test]
    fn an_update_emails_only_once_announced_and_keeps_the_plan() {
        let d = window("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z");
        let now = utc("2026-11-23T10:00:00Z");
        let e = rules().effect(Action::Update, &d, PlanStatus::default(), now);
        assert_eq!((e.sends, e.replan), (Sends::NONE, None));
        let announced = PlanStatus {
            announced: true,
            ..Default::default()
        };
        assert_eq!(
            rules().effect(Action::Update, &d, announced, now).sends,
            Sends::EMAIL
        );
    }
}
