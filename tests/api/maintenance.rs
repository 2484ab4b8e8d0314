//! Maintenance: the announcement email at 09:00 on D − 14, the SMS reminder at 09:00 on
//! D − 1, the window's automatic start and end, reschedule and cancel — driven by a
//! controllable clock across weeks, weekends and both daylight-saving changes.

use crate::notices::contact;
use crate::on_both_databases;
use crate::support::{TestApp, utc};
use chrono::{DateTime, Duration, Utc};
use faultcast::clock::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn maintenance(start: &str, end: &str) -> Value {
    json!({
        "kind": "maintenance", "services": ["prescription-centre"],
        "title": {"fi": "Reseptikeskuksen huoltokatko", "sv": "Underhåll av Receptcentret", "en": "Prescription Centre maintenance"},
        "body": {"fi": "Palvelu ei ole käytettävissä.", "sv": "Tjänsten är inte tillgänglig.", "en": "The service is unavailable."},
        "window_start": start, "window_end": end
    })
}

/// A pharmacy with a Finnish contact (email + SMS) and a Swedish one (email only).
async fn pharmacy(app: &TestApp) {
    let org = app.pharmacy().await;
    contact(
        app,
        &org,
        Some("fi@apteekki.example"),
        Some("0401234567"),
        "fi",
        json!({}),
    )
    .await;
    contact(
        app,
        &org,
        Some("sv@apteekki.example"),
        None,
        "sv",
        json!({}),
    )
    .await;
}

async fn publish_at(app: &TestApp, at: &str, body: Value) -> String {
    app.clock.set(utc(at));
    let a = app.post("/api/v1/notices", &app.operator, body).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    a.body["id"].as_str().unwrap().to_owned()
}

async fn revise(app: &TestApp, id: &str, body: Value) -> Value {
    let a = app
        .post(
            &format!("/api/v1/notices/{id}/revisions"),
            &app.operator,
            body,
        )
        .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    a.body
}

async fn notice(app: &TestApp, id: &str) -> Value {
    let a = app.public_get(&format!("/api/v1/notices/{id}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

/// The plan's steps as (step, planned_by, state, due_at).
async fn plan(app: &TestApp, id: &str) -> Vec<(String, i64, String, DateTime<Utc>)> {
    notice(app, id).await["reminders"]
        .as_array()
        .expect("a maintenance notice shows its plan")
        .iter()
        .map(|r| {
            (
                r["step"].as_str().unwrap().to_owned(),
                r["planned_by"].as_i64().unwrap(),
                r["state"].as_str().unwrap().to_owned(),
                utc(r["due_at"].as_str().unwrap()),
            )
        })
        .collect()
}

fn step_state(plan: &[(String, i64, String, DateTime<Utc>)], step: &str, by: i64) -> String {
    plan.iter()
        .find(|p| p.0 == step && p.1 == by)
        .map(|p| p.2.clone())
        .unwrap_or_else(|| panic!("no {step} planned by revision {by}: {plan:?}"))
}

/// Ticks hour by hour from the clock's time through `until`; returns when the email and
/// SMS counts first grew, in order.
async fn walk(app: &TestApp, until: &str) -> Vec<(DateTime<Utc>, &'static str, usize)> {
    let mut seen = Vec::new();
    let (mut emails, mut sms) = (app.emails().len(), app.sms().len());
    let mut t = app.clock.now_micros();
    let end = utc(until);
    while t <= end {
        app.tick_at(t).await;
        let (e, s) = (app.emails().len(), app.sms().len());
        if e > emails {
            seen.push((t, "email", e - emails));
        }
        if s > sms {
            seen.push((t, "sms", s - sms));
        }
        (emails, sms) = (e, s);
        t += Duration::hours(1);
    }
    seen
}

on_both_databases! {
    async fn maintenance_email_goes_out_at_nine_two_weeks_before_and_sms_at_nine_the_day_before(app: TestApp) {
        pharmacy(&app).await;
        // Monday 23 November; the window is Tuesday 15 December 20:00–22:00 Helsinki.
        let id = publish_at(&app, "2026-11-23T10:00:00Z",
            maintenance("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z")).await;
        let seen = walk(&app, "2026-12-15T21:00:00Z").await;
        assert_eq!(seen, vec![
            (utc("2026-12-01T07:00:00Z"), "email", 2),
            (utc("2026-12-14T07:00:00Z"), "sms", 1),
        ], "09:00 EET on D-14 (a Tuesday) and D-1 (a Monday), once each");
        let email = app.emails().into_iter().find(|m| m.contains("fi@apteekki.example")).unwrap();
        assert!(email.contains("Huoltotiedote"), "{email}");
        let n = notice(&app, &id).await;
        assert_eq!(n["state"], "completed");
        let actions: Vec<&str> = n["revisions"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["publish", "update", "end"], "the window's start and end are revisions");
        assert_eq!(n["revisions"][1]["state"], "in-progress");
        assert_eq!(n["revisions"][1]["published_at"], "2026-12-15T18:00:00Z");
        let p = plan(&app, &id).await;
        assert!(p.iter().all(|s| s.2 == "done"), "{p:?}");
        assert_eq!(n["reminders"][0]["channels"], json!(["email"]));
        assert_eq!(n["reminders"][0]["fired_revision"], 1);
        assert_eq!(app.tick().await, 0, "nothing fires twice");
    }

    async fn reminders_stay_at_nine_local_across_both_daylight_saving_changes(app: TestApp) {
        pharmacy(&app).await;
        // Autumn: clocks go back on Sunday 25 October 2026; the window is Tue 27 Oct 21:00 EET.
        publish_at(&app, "2026-10-01T09:00:00Z",
            maintenance("2026-10-27T19:00:00Z", "2026-10-27T21:00:00Z")).await;
        app.clock.set(utc("2026-10-12T00:00:00Z"));
        let seen = walk(&app, "2026-10-27T22:00:00Z").await;
        assert_eq!(seen, vec![
            (utc("2026-10-13T06:00:00Z"), "email", 2),
            (utc("2026-10-26T07:00:00Z"), "sms", 1),
        ], "09:00 EEST before the change, 09:00 EET after it");
        // Spring: clocks go forward on Sunday 28 March 2027; the window is Mon 5 Apr 02:00 EEST.
        publish_at(&app, "2027-03-01T09:00:00Z",
            maintenance("2027-04-04T23:00:00Z", "2027-04-05T01:00:00Z")).await;
        app.clock.set(utc("2027-03-21T00:00:00Z"));
        let seen = walk(&app, "2027-04-05T02:00:00Z").await;
        assert_eq!(seen, vec![
            (utc("2027-03-22T07:00:00Z"), "email", 2),
            (utc("2027-04-04T06:00:00Z"), "sms", 1),
        ]);
    }

    async fn a_late_publication_is_announced_at_once_and_marked_short_notice(app: TestApp) {
        pharmacy(&app).await;
        let id = publish_at(&app, "2026-11-23T10:00:00Z",
            maintenance("2026-11-26T18:00:00Z", "2026-11-26T20:00:00Z")).await;
        assert_eq!(app.tick().await, 1);
        assert_eq!(app.emails().len(), 2, "announced at once");
        assert!(app.sms().is_empty(), "the reminder waits for 09:00 the day before");
        let n = notice(&app, &id).await;
        assert!(n["reminders"][0]["reason"].as_str().unwrap().contains("short notice"));
        let fi = app.emails().into_iter().find(|m| m.contains("fi@apteekki.example")).unwrap();
        assert!(fi.contains("Lyhyell"), "the email says it is short notice: {fi}");
        app.tick_at(utc("2026-11-25T07:00:00Z")).await;
        assert_eq!(app.sms().len(), 1);
    }

    async fn publishing_after_nine_the_day_before_texts_at_once(app: TestApp) {
        pharmacy(&app).await;
        publish_at(&app, "2026-11-23T12:00:00Z",
            maintenance("2026-11-24T06:00:00Z", "2026-11-24T08:00:00Z")).await;
        assert_eq!(app.tick().await, 2);
        assert_eq!((app.emails().len(), app.sms().len()), (2, 1));
    }

    async fn a_reschedule_re_plans_and_texts_only_once_the_reminder_went_out(app: TestApp) {
        pharmacy(&app).await;
        let id = publish_at(&app, "2026-11-23T10:00:00Z",
            maintenance("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z")).await;
        app.tick_at(utc("2026-12-01T07:00:00Z")).await;
        assert_eq!(app.emails().len(), 2);
        // Moved a week later, before the reminder: email to those told, no SMS.
        app.clock.set(utc("2026-12-02T08:00:00Z"));
        let r = revise(&app, &id, json!({"action": "reschedule",
            "window_start": "2026-12-22T18:00:00Z", "window_end": "2026-12-22T20:00:00Z"})).await;
        assert_eq!(r["revision"], 2);
        app.tick().await;
        assert_eq!((app.emails().len(), app.sms().len()), (4, 0));
        let p = plan(&app, &id).await;
        assert_eq!(step_state(&p, "reminder", 1), "skipped");
        assert_eq!(step_state(&p, "reminder", 2), "planned");
        assert!(p.iter().all(|s| !(s.0 == "announcement" && s.1 == 2)), "already announced: {p:?}");
        // The old reminder time passes silently; the new one texts.
        let seen = walk(&app, "2026-12-21T08:00:00Z").await;
        assert_eq!(seen, vec![(utc("2026-12-21T07:00:00Z"), "sms", 1)]);
        // Moved again after the reminder: SMS and email at once, and a reminder the day
        // before the new date.
        app.clock.set(utc("2026-12-21T12:00:00Z"));
        revise(&app, &id, json!({"action": "reschedule",
            "window_start": "2027-01-12T18:00:00Z", "window_end": "2027-01-12T20:00:00Z"})).await;
        app.tick().await;
        assert_eq!((app.emails().len(), app.sms().len()), (6, 2));
        let p = plan(&app, &id).await;
        assert_eq!(step_state(&p, "reminder", 3), "planned");
        let n = notice(&app, &id).await;
        assert_eq!(n["revisions"][2]["action"], "reschedule");
        assert_eq!(n["state"], "scheduled");
    }

    async fn cancelling_tells_each_channel_only_if_it_was_used(app: TestApp) {
        pharmacy(&app).await;
        let quiet = publish_at(&app, "2026-11-23T10:00:00Z",
            maintenance("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z")).await;
        revise(&app, &quiet, json!({"action": "cancel"})).await;
        app.tick().await;
        assert_eq!((app.emails().len(), app.sms().len()), (0, 0), "nobody had been told");
        let p = plan(&app, &quiet).await;
        assert!(p.iter().all(|s| s.2 == "skipped"), "{p:?}");
        let told = publish_at(&app, "2026-11-23T11:00:00Z",
            maintenance("2026-11-30T18:00:00Z", "2026-11-30T20:00:00Z")).await;
        app.tick().await;
        app.tick_at(utc("2026-11-29T07:00:00Z")).await;
        assert_eq!((app.emails().len(), app.sms().len()), (2, 1));
        app.clock.set(utc("2026-11-29T10:00:00Z"));
        let c = revise(&app, &told, json!({"action": "cancel"})).await;
        assert_eq!(c["state"], "cancelled");
        app.tick().await;
        assert_eq!((app.emails().len(), app.sms().len()), (4, 2), "email and SMS, as both were used");
        app.tick_at(utc("2026-11-30T19:00:00Z")).await;
        let n = notice(&app, &told).await;
        assert_eq!((n["state"].clone(), n["revisions"].as_array().unwrap().len()), (json!("cancelled"), 2),
            "no start after a cancel");
    }

    async fn a_reminder_missed_while_down_goes_out_late_or_is_skipped_once_the_window_started(app: TestApp) {
        pharmacy(&app).await;
        let late = publish_at(&app, "2026-11-23T10:00:00Z",
            maintenance("2026-11-30T18:00:00Z", "2026-11-30T20:00:00Z")).await;
        let missed = publish_at(&app, "2026-11-23T10:00:00Z",
            maintenance("2026-11-29T12:00:00Z", "2026-11-29T13:00:00Z")).await;
        app.tick().await;
        // Down from Saturday 28 Nov 08:00 to Sunday 29 Nov 14:00 (Helsinki 16:00).
        app.tick_at(utc("2026-11-28T06:00:00Z")).await;
        let before = app.sms().len();
        app.tick_at(utc("2026-11-29T14:00:00Z")).await;
        assert_eq!(app.sms().len(), before + 1, "the reminder for Monday goes out at start-up");
        let p = plan(&app, &late).await;
        assert_eq!(step_state(&p, "reminder", 1), "done");
        let n = notice(&app, &missed).await;
        let reminder = n["reminders"].as_array().unwrap().iter().find(|r| r["step"] == "reminder").unwrap();
        assert_eq!(reminder["state"], "skipped");
        assert!(reminder["reason"].as_str().unwrap().contains("missed"), "{reminder}");
        assert_eq!(n["state"], "completed", "the start and end still happen, late");
    }

    async fn a_maintenance_without_a_window_or_in_the_spring_gap_is_refused(app: TestApp) {
        let a = app.post("/api/v1/notices", &app.operator,
            maintenance("2027-03-28T03:30", "2027-03-28T05:00")).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.error_fields(), ["window_start"]);
        assert!(a.text.contains("does not exist in Europe/Helsinki"), "{}", a.text);
        let local = app.post("/api/v1/notices", &app.operator,
            maintenance("2026-10-25T03:30", "2026-10-25T03:30")).await;
        assert_eq!(local.status, StatusCode::ACCEPTED, "an ambiguous hour: start early, end late: {}", local.text);
        let id = local.body["id"].as_str().unwrap();
        let n = notice(&app, id).await;
        assert_eq!(n["window_start"], "2026-10-25T00:30:00Z");
        assert_eq!(n["window_end"], "2026-10-25T01:30:00Z");
    }

    async fn maintenance_phases_show_in_the_notice_the_email_and_the_calendar(app: TestApp) {
        pharmacy(&app).await;
        let mut body = maintenance("2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z");
        body["sub_windows"] = json!([
            {"start": "2026-12-15T20:00", "end": "2026-12-15T21:00", "label": {"fi": "Lukutila", "sv": "Skrivskyddat"}},
            {"start": "2026-12-15T21:00", "end": "2026-12-15T22:00", "label": {"fi": "Katko", "sv": "Avbrott"}}
        ]);
        let id = publish_at(&app, "2026-11-23T10:00:00Z", body).await;
        let n = notice(&app, &id).await;
        assert_eq!(n["sub_windows"][0]["start"], "2026-12-15T18:00:00Z");
        assert_eq!(n["sub_windows"][1]["label"]["sv"], "Avbrott");
        app.tick_at(utc("2026-12-01T07:00:00Z")).await;
        let fi = app.emails().into_iter().find(|m| m.contains("fi@apteekki.example")).unwrap();
        let fi = crate::support::inspect::readable(&fi);
        assert!(fi.contains("Vaihe: 15.12.2026 klo 20.00 (UTC+02:00) – 15.12.2026 klo 21.00 (UTC+02:00): Lukutila"), "{fi}");
        let ics = app.call(reqwest::Method::GET, "/maintenance.ics?lang=sv", None, None).await.text.replace("\r\n ", "");
        assert!(ics.contains("\\n15.12.2026 kl. 21.00 (UTC+02:00) – 15.12.2026 kl. 22.00 (UTC+02:00): Avbrott\\n"), "{ics}");
        // A new window needs phases inside it: the old ones are named, or cleared.
        let moved = app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator, json!({"action": "reschedule",
            "window_start": "2026-12-16T18:00:00Z", "window_end": "2026-12-16T20:00:00Z"})).await;
        assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(moved.error_fields(), ["sub_windows[0].start", "sub_windows[1].start"]);
        revise(&app, &id, json!({"action": "reschedule", "sub_windows": [],
            "window_start": "2026-12-16T18:00:00Z", "window_end": "2026-12-16T20:00:00Z"})).await;
        assert_eq!(notice(&app, &id).await["sub_windows"], json!([]));
    }
}
