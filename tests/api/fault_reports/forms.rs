//! The report forms: the public `/report` over plain HTTP (same origin only, values kept on
//! an error, limited per reporter, bounded in size, reading nothing back) and in a real
//! browser in three languages with axe-core.

use crate::on_both_databases;
use crate::support::TestApp;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ORIGIN};
use serde_json::json;

/// A `multipart/form-data` body of `fields` and `files` (name, bytes), as a browser sends it.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----faultcast-report-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

const FIELDS: &[(&str, &str)] = &[
    ("language", "fi"),
    ("reporter_name", "Maija Tuki"),
    ("reporter_email", "tuki@apteekki.fi"),
    ("reporter_phone", "09 123 4567"),
    ("organisation_name", "Apteekki Oy"),
    ("business_id", "0112038-9"),
    ("services", "prescription-centre"),
    ("started_at", "2026-01-01T10:00"),
    ("criteria", "national-service"),
    ("description", "Reseptien haku ei toimi."),
];

async fn post(
    app: &TestApp,
    origin: &str,
    body: (String, Vec<u8>),
) -> (StatusCode, Option<String>, String) {
    let res = app
        .http
        .post(app.url("/report?lang=fi"))
        .header(ORIGIN, origin)
        .header(CONTENT_TYPE, body.0)
        .body(body.1)
        .send()
        .await
        .unwrap();
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (res.status(), retry, res.text().await.unwrap())
}

on_both_databases! {
    async fn the_public_form_takes_a_report_and_shows_nothing_but_its_confirmation(app: TestApp) {
        let org = app.pharmacy().await;
        let form = app.http.get(app.url("/report?lang=sv")).send().await.unwrap();
        assert_eq!(form.status(), StatusCode::OK);
        assert!(form.text().await.unwrap().contains("personbeteckning"), "the form warns against identifiers");

        let foreign = post(&app, "https://evil.example", multipart(FIELDS, &[])).await;
        assert_eq!(foreign.0, StatusCode::FORBIDDEN);
        let origin = app.url("");
        let mut bad = FIELDS.to_vec();
        bad.retain(|(k, _)| *k != "criteria" && *k != "description");
        bad.push(("description", "Potilas 131052-308T"));
        let (status, _, page) = post(&app, &origin, multipart(&bad, &[])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("value=\"Maija Tuki\""), "what was typed is kept");
        assert!(page.contains("oman organisaatiosi käyttötukeen"), "no criterion: the own helpdesk, in Finnish");
        assert!(page.contains("näyttää henkilötunnukselta"));

        let png = crate::fault_reports::png_bytes();
        let (status, _, page) = post(&app, &origin, multipart(FIELDS, &[("ruutu.png", &png)])).await;
        assert_eq!(status, StatusCode::CREATED, "{page}");
        assert!(page.contains("FR-20") && page.contains("-000001"), "the reference is shown");
        assert!(!page.contains("020 634 7787"), "no call request when not critical");
        let list = app.get("/api/v1/fault-reports", &app.operator).await;
        let r = &list.body["items"][0];
        assert_eq!(r["source"], "public");
        assert_eq!(r["org_id"], org.as_str(), "matched to the registered organisation by business ID");
        let one = app.get(&format!("/api/v1/fault-reports/{}", r["id"].as_str().unwrap()), &app.operator).await;
        assert_eq!(one.body["attachments"][0]["media_type"], "image/png");
        let audit = app.get("/api/v1/audit", &app.operator).await;
        assert!(audit.text.contains("public-form"), "the public form is the actor: {}", audit.text);

        // The same form sent twice (a double click) is one report with one reference.
        let mut once = FIELDS.to_vec();
        once.push(("idem", "form-7f3a9c"));
        let (first, _, a) = post(&app, &origin, multipart(&once, &[])).await;
        let (second, _, b) = post(&app, &origin, multipart(&once, &[])).await;
        assert_eq!((first, second), (StatusCode::CREATED, StatusCode::CREATED));
        let reference = |page: &str| page.split("FR-").nth(1).unwrap()[..12].to_owned();
        assert_eq!(reference(&a), reference(&b), "the first report's reference again");
        assert_eq!(app.get("/api/v1/fault-reports", &app.operator).await.body["items"].as_array().unwrap().len(), 2);
    }

    async fn the_public_form_is_limited_per_reporter_and_in_size(app: TestApp) {
        let origin = app.url("");
        for _ in 0..5 {
            assert_eq!(post(&app, &origin, multipart(FIELDS, &[])).await.0, StatusCode::CREATED);
        }
        let (status, retry, page) = post(&app, &origin, multipart(FIELDS, &[])).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(retry.unwrap().parse::<u64>().unwrap() > 0);
        assert!(page.contains("value=\"Maija Tuki\""), "nothing typed is lost");
        let mut other = FIELDS.to_vec();
        other[2] = ("reporter_email", "toinen@apteekki.fi");
        assert_eq!(post(&app, &origin, multipart(&other, &[])).await.0, StatusCode::CREATED, "another reporter is not held back");
        let huge = vec![0u8; 22 * 1024 * 1024];
        let (status, _, _) = post(&app, &origin, multipart(&other, &[("iso.png", &huge)])).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.get("/api/v1/fault-reports", &app.operator).await.body["items"].as_array().unwrap().len(), 6);
    }
}

#[tokio::test]
async fn the_public_form_is_filled_in_and_sent_in_a_real_browser_in_three_languages() {
    if !crate::browser::browser_available() {
        return;
    }
    let app = crate::support::spawn_app(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    let got =
        crate::browser::run_script("e2e_report.mjs", vec!["public".into(), app.url("")]).await;
    assert_eq!(got["policyErrors"], json!([]), "{got}");
    assert_eq!(got["violations"], json!([]), "{got}");
    assert!(
        got["errors"]
            .as_str()
            .unwrap()
            .contains("Check the marked fields"),
        "{got}"
    );
    assert!(
        got["identityCode"]
            .as_str()
            .unwrap()
            .contains("personal identity code"),
        "{got}"
    );
    assert_eq!(got["kept"], "Maija Tuki");
    let confirmation = got["confirmation"].as_str().unwrap();
    assert!(confirmation.contains("FR-20"), "{got}");
    assert!(
        confirmation.contains("020 634 7787") && confirmation.contains("Valvira"),
        "patient safety is critical: {got}"
    );
    let list = app.get("/api/v1/fault-reports", &app.operator).await;
    let r = &list.body["items"][0];
    assert_eq!(r["criteria"], json!(["patient-safety"]));
    assert_eq!(r["language"], "en");
}

#[tokio::test]
async fn a_portal_admin_reports_from_the_portal_in_a_real_browser() {
    if !crate::browser::browser_available() {
        return;
    }
    let app = crate::support::spawn_app(crate::support::Backend::Sqlite)
        .await
        .unwrap();
    let org = app.pharmacy().await;
    crate::portal::portal_admin(&app, &org, "johto@apteekki.fi", "sv").await;
    assert_eq!(
        crate::portal::ask(&app, "johto@apteekki.fi").await.status(),
        StatusCode::OK
    );
    app.drain().await;
    let link = crate::portal::links_to(&app, "johto@apteekki.fi")
        .pop()
        .unwrap();
    let got = crate::browser::run_script(
        "e2e_report.mjs",
        vec!["portal".into(), app.url(""), app.url(&link)],
    )
    .await;
    assert_eq!(got["policyErrors"], json!([]), "{got}");
    assert_eq!(got["violations"], json!([]), "{got}");
    assert!(
        got["fixed"].as_str().unwrap().contains("0112038-9"),
        "the organisation as registered: {got}"
    );
    assert!(
        got["confirmation"].as_str().unwrap().contains("FR-20"),
        "{got}"
    );
    let list = got["list"].as_str().unwrap();
    assert!(
        list.contains("FR-20") && list.contains("Ny"),
        "the report is on the organisation's list, in Swedish: {got}"
    );
    let r = &app.get("/api/v1/fault-reports", &app.operator).await.body["items"][0];
    assert_eq!(r["source"], "portal");
    assert_eq!(r["org_id"], org.as_str());
}
