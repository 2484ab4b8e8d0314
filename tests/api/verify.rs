//! Address verification: a new or changed email address gets a signed link; the contact shows
//! as unverified until its button is pressed (notices still go to it); a link for an address
//! since changed verifies nothing; the weekly report names organisations whose only
//! addresses are unverified. The monthly review email links to the portal too.

use crate::console::browser;
use crate::notices::contact;
use crate::on_both_databases;
use crate::support::inspect::readable;
use crate::support::{Backend, TestApp, spawn_app_with};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::ORIGIN;
use serde_json::json;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The verification links sent to `to` so far.
fn verify_links(app: &TestApp, to: &str) -> Vec<String> {
    app.verification_emails()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")))
        .map(|m| readable(&m))
        .filter_map(|text| {
            let at = text.find("/links/verify?t=")?;
            Some(
                text[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !"\"<>".contains(*c))
                    .collect(),
            )
        })
        .collect()
}

/// Runs the verification job (planned at the first look, run when due five minutes on).
async fn send_links(app: &TestApp) {
    let now = faultcast::clock::Clock::now_micros(&*app.clock);
    app.housekeep_at(now).await;
    app.housekeep_at(now + chrono::Duration::minutes(6)).await;
}

async fn verified(app: &TestApp, org: &str, id: &str) -> bool {
    let c = app
        .get(
            &format!("/api/v1/organisations/{org}/contacts/{id}"),
            &app.operator,
        )
        .await;
    c.body["email_verified"].as_bool().unwrap()
}

on_both_databases! {
    async fn a_new_address_is_verified_only_by_the_button_of_the_link_sent_to_it(app: TestApp) {
        let org = app.pharmacy().await;
        let id = contact(&app, &org, Some("tuki@apteekki.fi"), None, "sv", json!({})).await;
        send_links(&app).await;
        assert!(!verified(&app, &org, &id).await, "unverified until the link is used");
        let links = verify_links(&app, "tuki@apteekki.fi");
        assert_eq!(links.len(), 1, "one verification email");
        send_links(&app).await;
        assert_eq!(verify_links(&app, "tuki@apteekki.fi").len(), 1, "however often the job runs");
        let link = &links[0];
        assert!(link.ends_with("&lang=sv"), "{link}");

        let shown = browser().get(app.url(link)).send().await.unwrap();
        assert_eq!(shown.status(), StatusCode::OK);
        let page = shown.text().await.unwrap();
        assert!(page.contains("tuki@apteekki.fi") && page.contains("Apteekki"), "{page}");
        assert!(!verified(&app, &org, &id).await, "a GET verifies nothing");
        let foreign = browser().post(app.url(link)).header(ORIGIN, "https://evil.example").send().await.unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
        let done = browser().post(app.url(link)).header(ORIGIN, app.url("")).send().await.unwrap();
        assert_eq!(done.status(), StatusCode::OK);
        assert!(verified(&app, &org, &id).await);

        // Notices went to the address all along; a changed address must be verified again,
        // and the old address's link verifies nothing.
        let changed = app.patch(&format!("/api/v1/organisations/{org}/contacts/{id}"), &app.operator, json!({"email": "uusi@apteekki.fi"})).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
        assert!(!verified(&app, &org, &id).await);
        let again = browser().post(app.url(link)).header(ORIGIN, app.url("")).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_FOUND, "a link for the old address");
        assert!(!verified(&app, &org, &id).await);
        send_links(&app).await;
        let new_link = verify_links(&app, "uusi@apteekki.fi").pop().expect("a link to the new address");
        let done = browser().post(app.url(&new_link)).header(ORIGIN, app.url("")).send().await.unwrap();
        assert_eq!(done.status(), StatusCode::OK);
        assert!(verified(&app, &org, &id).await);

        // A change that keeps the address keeps it verified and sends nothing.
        let before = app.verification_emails().len();
        app.patch(&format!("/api/v1/organisations/{org}/contacts/{id}"), &app.operator, json!({"name": "Helpdesk"})).await;
        send_links(&app).await;
        assert!(verified(&app, &org, &id).await);
        assert_eq!(app.verification_emails().len(), before);
    }
}

async fn the_weekly_report_names_organisations_whose_only_addresses_are_unverified(
    backend: Backend,
) {
    let Some(app) = spawn_app_with(
        backend,
        &[(
            "FAULTCAST__HOUSEKEEPING__OPERATOR_EMAILS",
            "ops@operator.example".into(),
        )],
    )
    .await
    else {
        return;
    };
    app.clock.set(utc("2026-11-30T08:00:00Z"));
    let unverified = app
        .organisation(
            "Vahvistamaton",
            "1572860-0",
            "pharmacy",
            &["prescription-centre"],
        )
        .await;
    contact(&app, &unverified, Some("x@v.fi"), None, "fi", json!({})).await;
    let texting = app
        .organisation(
            "Tekstiviesti",
            "0112038-9",
            "pharmacy",
            &["prescription-centre"],
        )
        .await;
    contact(
        &app,
        &texting,
        Some("y@t.fi"),
        Some("040 123 4567"),
        "fi",
        json!({}),
    )
    .await;
    app.housekeep_at(utc("2026-11-30T08:00:00Z")).await;
    // Monday 08:00 Helsinki: the weekly report.
    app.housekeep_at(utc("2026-12-07T06:00:00Z")).await;
    let report = app
        .emails()
        .into_iter()
        .map(|m| readable(&m))
        .find(|m| m.contains("To: ops@operator.example"))
        .expect("the report");
    assert!(report.contains("Vahvistamaton (1572860-0)"), "{report}");
    assert!(
        !report.contains("Tekstiviesti"),
        "an SMS number reaches it: {report}"
    );
}

crate::on_both_backends!(the_weekly_report_names_organisations_whose_only_addresses_are_unverified);

on_both_databases! {
    async fn the_review_email_links_to_the_portal_too(app: TestApp) {
        app.clock.set(utc("2026-10-24T10:00:00Z"));
        let org = app.pharmacy().await;
        contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
        app.housekeep_at(utc("2026-10-24T10:00:00Z")).await;
        app.housekeep_at(utc("2027-11-01T07:00:00Z")).await;
        let review = app.emails().into_iter().map(|m| readable(&m)).find(|m| m.contains("/links/still-current")).expect("the review email");
        assert!(review.contains("/portal?lang=fi"), "{review}");
    }
}
