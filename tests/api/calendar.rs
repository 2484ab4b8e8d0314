//! `GET /maintenance.ics` (domain §7), read back by an independent iCalendar parser
//! (Python's `icalendar`).

use crate::on_both_databases;
use crate::support::TestApp;
use crate::support::parsers::{python, python_has};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Parses the calendar and prints its events as JSON.
const PARSE: &str = r#"
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
events = []
for ev in cal.walk('VEVENT'):
    events.append({
        'uid': str(ev.get('uid')),
        'summary': str(ev.get('summary')),
        'description': str(ev.get('description')),
        'start': ev.decoded('dtstart').isoformat(),
        'end': ev.decoded('dtend').isoformat(),
        'sequence': int(ev.get('sequence')),
        'status': str(ev.get('status')),
        'url': str(ev.get('url')),
    })
print(json.dumps({'name': str(cal.get('x-wr-calname')), 'events': events}))
"#;

fn maintenance(title_fi: &str, start: &str, end: &str) -> Value {
    json!({
        "kind": "maintenance", "services": ["prescription-centre", "kelain"],
        "title": {"fi": title_fi, "sv": "Underhåll; fas 1, del \\ A", "en": "Maintenance"},
        "body": {"fi": "Katko.\nToinen rivi.", "sv": "Avbrott.\nAndra raden.", "en": "Break."},
        "window_start": start, "window_end": end
    })
}

async fn ics(app: &TestApp, query: &str) -> reqwest::Response {
    reqwest::get(app.url(&format!("/maintenance.ics{query}")))
        .await
        .unwrap()
}

async fn parsed(app: &TestApp, query: &str) -> Value {
    let res = ics(app, query).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let body = res.text().await.unwrap();
    assert!(body.ends_with("END:VCALENDAR\r\n"));
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "an unfolded line: {line}");
        assert!(!line.contains('\n'), "bare LF: {line:?}");
    }
    let out = tokio::task::spawn_blocking(move || python(PARSE, &body))
        .await
        .unwrap();
    serde_json::from_str(&out).unwrap()
}

on_both_databases! {
    async fn the_maintenance_calendar_keeps_uids_follows_revisions_and_keeps_cancelled_events(app: TestApp) {
        if !python_has("icalendar") {
            return;
        }
        app.clock.set(chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z").unwrap().into());
        let a = app.post("/api/v1/notices", &app.operator,
            maintenance("Huoltokatko A", "2026-12-15T18:00:00Z", "2026-12-15T20:00:00Z")).await;
        let moved = a.body["id"].as_str().unwrap().to_owned();
        let b = app.post("/api/v1/notices", &app.operator,
            maintenance("Huoltokatko B", "2026-12-01T06:00:00Z", "2026-12-01T07:00:00Z")).await;
        let gone = b.body["id"].as_str().unwrap().to_owned();
        app.post("/api/v1/notices", &app.operator, crate::notices::fault("minor", &["kelain"])).await;
        let before = parsed(&app, "?lang=sv").await;
        assert_eq!(before["name"], "Underhållsavbrott");
        let events = before["events"].as_array().unwrap();
        assert_eq!(events.len(), 2, "maintenance only: {before}");
        assert_eq!(events[0]["uid"], format!("{gone}@127.0.0.1"), "ordered by start");
        assert_eq!(events[0]["summary"], "Underhåll; fas 1, del \\ A", "escaping round-trips");
        let description = events[0]["description"].as_str().unwrap();
        assert!(description.starts_with("Avbrott.\nAndra raden.\n\nKelain, Receptcentret\n"), "{description:?}");
        assert_eq!(events[1]["start"], "2026-12-15T18:00:00+00:00");
        assert_eq!(events[1]["sequence"], 1);
        assert_eq!(events[1]["status"], "CONFIRMED");
        assert!(events[1]["url"].as_str().unwrap().ends_with(&format!("/notices/{moved}")));

        app.post(&format!("/api/v1/notices/{moved}/revisions"), &app.operator, json!({"action": "reschedule",
            "window_start": "2026-12-16T18:00:00Z", "window_end": "2026-12-16T21:00:00Z"})).await;
        app.post(&format!("/api/v1/notices/{gone}/revisions"), &app.operator, json!({"action": "cancel"})).await;
        let after = parsed(&app, "?lang=fi").await;
        let events = after["events"].as_array().unwrap();
        assert_eq!(events.len(), 2, "the cancelled event stays: {after}");
        let by_uid = |id: &str| events.iter().find(|e| e["uid"] == format!("{id}@127.0.0.1")).unwrap().clone();
        let m = by_uid(&moved);
        assert_eq!((m["sequence"].clone(), m["start"].clone(), m["end"].clone()),
            (json!(2), json!("2026-12-16T18:00:00+00:00"), json!("2026-12-16T21:00:00+00:00")));
        let c = by_uid(&gone);
        assert_eq!((c["status"].clone(), c["sequence"].clone()), (json!("CANCELLED"), json!(2)));
        assert_eq!(c["summary"], "Peruttu: Huoltokatko B");
    }

    async fn the_calendar_answers_304_to_a_matching_etag_and_422_to_an_unknown_language(app: TestApp) {
        let first = ics(&app, "").await;
        let tag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert_eq!(first.headers()["cache-control"], "public, max-age=300");
        let again = reqwest::Client::new().get(app.url("/maintenance.ics"))
            .header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        app.post("/api/v1/notices", &app.operator,
            maintenance("Uusi", "2036-12-15T18:00:00Z", "2036-12-15T20:00:00Z")).await;
        let changed = reqwest::Client::new().get(app.url("/maintenance.ics"))
            .header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(changed.status(), StatusCode::OK, "a publish changes the calendar at once");
        let bad = ics(&app, "?lang=de").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = bad.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "lang");
    }
}
