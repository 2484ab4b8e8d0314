//! Cron housekeeping in Helsinki time: operator nudges for overdue fault updates, the
//! unreachable-organisation report, contact review reminders and the purge of old
//! delivery records — each occurrence run once, driven by the test clock.

use crate::notices::contact;
use crate::support::{Backend, TestApp, spawn_app_with, utc};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

const OPERATOR: &str = "paivystys@operator.example";

async fn app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(
        backend,
        &[("FAULTCAST__HOUSEKEEPING__OPERATOR_EMAILS", OPERATOR.into())],
    )
    .await
}

/// Emails to `to` so far.
fn mail_to(app: &TestApp, to: &str) -> Vec<String> {
    app.emails()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")))
        .collect()
}

async fn operators_are_nudged_once_when_a_promised_update_is_overdue(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    app.housekeep_at(utc("2026-11-24T10:02:00Z")).await;
    let mut fault = crate::notices::fault("minor", &["prescription-centre"]);
    fault["next_update_at"] = json!("2026-11-24T10:30:00Z");
    let a = app.post("/api/v1/notices", &app.operator, fault).await;
    let id = a.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.housekeep_at(utc("2026-11-24T10:30:00Z")).await,
        2,
        "the five-minute jobs: overdue updates and address verification"
    );
    assert!(mail_to(&app, OPERATOR).is_empty(), "not late yet");
    app.housekeep_at(utc("2026-11-24T10:35:00Z")).await;
    let nudges = mail_to(&app, OPERATOR);
    assert_eq!(nudges.len(), 1);
    assert!(nudges[0].contains("Update overdue"), "{}", nudges[0]);
    assert!(nudges[0].contains(&format!("/notices/{id}")));
    app.housekeep_at(utc("2026-11-24T10:40:00Z")).await;
    assert_eq!(mail_to(&app, OPERATOR).len(), 1, "once per promise");
    app.post(
        &format!("/api/v1/notices/{id}/revisions"),
        &app.operator,
        json!({"action": "update", "next_update_at": "2026-11-24T11:00:00Z"}),
    )
    .await;
    app.housekeep_at(utc("2026-11-24T11:05:00Z")).await;
    assert_eq!(
        mail_to(&app, OPERATOR).len(),
        2,
        "a new promise, a new nudge"
    );
    app.post(
        &format!("/api/v1/notices/{id}/revisions"),
        &app.operator,
        json!({"action": "end"}),
    )
    .await;
    app.housekeep_at(utc("2026-11-24T12:00:00Z")).await;
    assert_eq!(
        mail_to(&app, OPERATOR).len(),
        2,
        "an ended fault promises nothing"
    );
}

async fn finished_delivery_records_are_purged_after_the_retention_period(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let org = app.pharmacy().await;
    contact(&app, &org, Some("tuki@a.example"), None, "fi", json!({})).await;
    let t0 = utc("2026-11-24T10:00:00Z");
    app.housekeep_at(t0).await;
    let a = app
        .post(
            "/api/v1/notices",
            &app.operator,
            crate::notices::fault("minor", &["prescription-centre"]),
        )
        .await;
    let id = a.body["id"].as_str().unwrap().to_owned();
    app.drain().await;
    let total = |v: serde_json::Value| v["summary"]["email"]["total"].clone();
    let deliveries = || async {
        app.get(&format!("/api/v1/notices/{id}/deliveries"), &app.operator)
            .await
            .body
    };
    assert_eq!(total(deliveries().await), 1);
    // 02:30 Helsinki (00:30Z in winter), 179 days on: kept.
    app.housekeep_at(utc("2027-05-22T23:30:00Z")).await;
    assert_eq!(total(deliveries().await), 1);
    app.housekeep_at(t0 + Duration::days(182)).await;
    assert_eq!(
        total(deliveries().await),
        0,
        "the record and its address are gone"
    );
    let n = app.public_get(&format!("/api/v1/notices/{id}")).await;
    assert_eq!(
        n.status,
        StatusCode::OK,
        "the notice itself is a public record and stays"
    );
}

async fn contacts_unconfirmed_for_a_year_are_asked_to_review_once_a_month(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    app.clock.set(utc("2026-10-24T10:00:00Z"));
    let org = app.pharmacy().await;
    let confirmed = contact(&app, &org, Some("fi@a.example"), None, "fi", json!({})).await;
    contact(&app, &org, Some("sv@a.example"), None, "sv", json!({})).await;
    let erased = contact(&app, &org, Some("gone@a.example"), None, "fi", json!({})).await;
    app.housekeep_at(utc("2026-10-24T10:00:00Z")).await;
    app.clock.set(utc("2027-04-24T10:00:00Z"));
    let p = app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/organisations/{org}/contacts/{confirmed}"),
            Some(&app.operator),
            Some(json!({})),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    // Monday 1 November 2027, 09:00 Helsinki: a year and a week on. The round writes the
    // reminders; one contact is erased before they are sent.
    app.clock.set(utc("2027-11-01T07:00:00Z"));
    let r = app.scheduler.round().await.unwrap();
    assert!(r.jobs >= 1);
    let d = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/organisations/{org}/contacts/{erased}"),
            Some(&app.operator),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    app.drain().await;
    let sv = mail_to(&app, "sv@a.example");
    assert_eq!(sv.len(), 1);
    assert!(
        sv[0].contains("Kontrollera mottagarna"),
        "in the contact's language: {}",
        sv[0]
    );
    assert!(
        mail_to(&app, "fi@a.example").is_empty(),
        "confirmed half a year ago"
    );
    assert!(mail_to(&app, "gone@a.example").is_empty());
    assert_eq!(
        app.raw_sql("DELETE FROM system_messages WHERE recipient = 'gone@a.example'")
            .await,
        Ok(0),
        "the erased contact's reminder is erased with it"
    );
    assert_eq!(
        app.housekeep_at(utc("2027-11-08T07:00:00Z")).await,
        5,
        "every job missed during the week (all five) runs once"
    );
    assert_eq!(
        mail_to(&app, "sv@a.example").len(),
        1,
        "not again the same month"
    );
    app.housekeep_at(utc("2027-12-06T07:00:00Z")).await;
    assert_eq!(
        mail_to(&app, "sv@a.example").len(),
        2,
        "again next month, until confirmed"
    );
}

async fn operators_get_a_weekly_report_of_organisations_nobody_can_be_reached_at(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let partly = app
        .organisation(
            "Terveyskeskus",
            "0112038-9",
            "healthcare",
            &["prescription-centre", "kelain"],
        )
        .await;
    contact(
        &app,
        &partly,
        Some("tk@a.example"),
        None,
        "fi",
        json!({"services": ["prescription-centre"]}),
    )
    .await;
    app.organisation(
        "Hiljainen apteekki",
        "0246246-0",
        "pharmacy",
        &["prescription-centre"],
    )
    .await;
    let r = app.get("/api/v1/reports/unreachable", &app.operator).await;
    assert_eq!(r.status, StatusCode::OK);
    let items: Vec<(String, String)> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_owned(),
                i["service"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            (
                "Hiljainen apteekki".to_owned(),
                "prescription-centre".to_owned()
            ),
            ("Terveyskeskus".to_owned(), "kelain".to_owned()),
        ]
    );
    let admin = app.org_admin(&partly).await;
    assert_eq!(
        app.get("/api/v1/reports/unreachable", &admin).await.status,
        StatusCode::FORBIDDEN
    );
    // Monday 30 November 2026, 08:00 Helsinki.
    app.housekeep_at(utc("2026-11-24T10:00:00Z")).await;
    app.housekeep_at(utc("2026-11-30T06:00:00Z")).await;
    let report = mail_to(&app, OPERATOR);
    assert_eq!(report.len(), 1);
    assert!(
        report[0].contains("Hiljainen apteekki (0246246-0): Reseptikeskus"),
        "{}",
        report[0]
    );
    assert!(
        report[0].contains("Terveyskeskus (0112038-9): Kelain"),
        "{}",
        report[0]
    );
}

crate::on_both_backends!(
    operators_are_nudged_once_when_a_promised_update_is_overdue,
    finished_delivery_records_are_purged_after_the_retention_period,
    contacts_unconfirmed_for_a_year_are_asked_to_review_once_a_month,
    operators_get_a_weekly_report_of_organisations_nobody_can_be_reached_at,
);
