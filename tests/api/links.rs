//! Signed links in messages: the monthly review's "still current" link. The email carries
//! it; a GET shows whose recipients it confirms and changes nothing; the POST from that page
//! confirms them; an altered link is refused and an expired one says so; every daemon on the
//! database verifies the links any of them made.

use crate::notices::contact;
use crate::on_both_databases;
use crate::support::{TestApp, spawn_node_of};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::ORIGIN;
use serde_json::json;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The still-current link in the review email to `to` (the body is quoted-printable).
fn link_in_mail(app: &TestApp, to: &str) -> String {
    let mail = app
        .emails()
        .into_iter()
        .find(|m| m.contains(&format!("To: {to}")))
        .expect("a review email");
    let text = mail
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let at = text
        .find("/links/still-current?t=")
        .expect("the link in the email");
    let token: String = text[at + 23..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("/links/still-current?t={token}")
}

async fn reviewed_at(app: &TestApp, org: &str) -> Vec<String> {
    let list = app
        .get(
            &format!("/api/v1/organisations/{org}/contacts"),
            &app.operator,
        )
        .await;
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reviewed_at"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn the_review_email_link_confirms_the_recipients_only_by_its_button(app: TestApp) {
        app.clock.set(utc("2026-10-24T10:00:00Z"));
        let org = app.pharmacy().await;
        let id = contact(&app, &org, Some("tuki@apteekki.fi"), None, "sv", json!({"name": "Helpdesk Ässä"})).await;
        contact(&app, &org, Some("it@apteekki.fi"), None, "fi", json!({"name": "IT-tuki"})).await;
        app.housekeep_at(utc("2026-10-24T10:00:00Z")).await;
        // A year and a week on, Monday 09:00 Helsinki: the review emails go out.
        app.housekeep_at(utc("2027-11-01T07:00:00Z")).await;
        let link = link_in_mail(&app, "tuki@apteekki.fi");
        let before = reviewed_at(&app, &org).await;

        let page = app.public_get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.headers["cache-control"], "no-store", "the address holds the link");
        assert!(page.text.contains("Helpdesk Ässä") && page.text.contains("IT-tuki") && !page.text.contains("tuki@apteekki.fi"), "{}", page.text);
        let sv = app.public_get(&format!("{link}&lang=sv")).await;
        assert!(sv.text.contains("Mottagarna är aktuella"), "a language of the page keeps the link");
        assert_eq!(reviewed_at(&app, &org).await, before, "a GET confirms nothing");

        let token = link.split("t=").nth(1).unwrap().to_owned();
        let foreign = app.http.post(app.url("/links/still-current")).header(ORIGIN, "https://evil.example").form(&[("t", &token)]).send().await.unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
        let confirmed = app.http.post(app.url("/links/still-current?lang=en")).header(ORIGIN, app.url("")).form(&[("t", &token)]).send().await.unwrap();
        assert_eq!(confirmed.status(), StatusCode::OK);
        assert!(confirmed.text().await.unwrap().contains("are confirmed (2)"));
        let now = reviewed_at(&app, &org).await;
        assert!(now.iter().all(|t| t.starts_with("2027-11-01T07:00")), "every recipient confirmed now: {now:?}");
        let log = app.get("/api/v1/audit", &app.operator).await;
        assert!(log.body["items"].as_array().unwrap().iter().any(|e| e["action"] == "contact.confirm" && e["actor"] == format!("contact:{id}")));

        // Another daemon on the database reads the same link.
        let other = spawn_node_of(&app).await;
        other.clock.set(faultcast::clock::Clock::now(&*app.clock));
        assert_eq!(other.public_get(&link).await.status, StatusCode::OK);

        // Altered: refused. Past its time: says so.
        let mut altered = token.clone().into_bytes();
        altered[10] = if altered[10] == b'A' { b'B' } else { b'A' };
        let altered = format!("/links/still-current?t={}", String::from_utf8(altered).unwrap());
        assert_eq!(app.public_get(&altered).await.status, StatusCode::NOT_FOUND);
        app.clock.set(utc("2027-12-10T07:00:00Z"));
        let late = app.public_get(&format!("{link}&lang=en")).await;
        assert_eq!(late.status, StatusCode::GONE);
        assert!(late.text.contains("expired"), "{}", late.text);
    }

    async fn the_pages_of_a_still_current_link_pass_axe_in_all_three_languages(app: TestApp) {
        if !crate::browser::browser_available() {
            return;
        }
        app.clock.set(utc("2026-10-24T10:00:00Z"));
        let org = app.pharmacy().await;
        contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
        app.housekeep_at(utc("2026-10-24T10:00:00Z")).await;
        app.housekeep_at(utc("2027-11-01T07:00:00Z")).await;
        let link = link_in_mail(&app, "tuki@apteekki.fi");
        let mut paths: Vec<String> = ["fi", "sv", "en"].iter().map(|l| format!("{link}&lang={l}")).collect();
        paths.push("/links/still-current?t=nonsense&lang=sv".to_owned());
        let report = crate::browser::run_script("axe_pages.mjs", vec![app.url(""), serde_json::to_string(&paths).unwrap()]).await;
        let results = report["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        crate::browser::assert_pages_pass(results);
        assert_eq!(results[3]["status"], 404);
    }
}
