//! The maintenance plan's timing and what each revision sends.

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
    d.0.window_start = Some(utc(start));
    d.0.window_end = Some(utc(end));
    d.0.state = NoticeState::Scheduled;
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
fn a_window_moves_only_by_reschedule() {
    let d = window("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z");
    let catalogue =
        crate::registry::Catalogue::from_toml(include_str!("../../config/services.toml")).unwrap();
    let change = crate::notices::NoticeInput {
        window_start: Some(Some("2026-12-15T17:00:00Z".into())),
        ..Default::default()
    };
    let now = utc("2026-11-23T10:00:00Z");
    let e = crate::notices::revise(&d, Action::Update, change.clone(), &catalogue, now, "x")
        .unwrap_err();
    assert_eq!(e.errors()[0].field, "window_start");
    let moved =
        crate::notices::revise(&d, Action::Reschedule, change, &catalogue, now, "x").unwrap();
    assert_eq!(moved.window_start, Some(utc("2026-12-15T17:00:00Z")));
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
