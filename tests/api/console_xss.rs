//! S6 of delivery.md through the console: the XSS corpus entered through console forms (as
//! recipients' names, notice titles, bodies and SMS texts) comes back as text on every
//! console page a real browser opens, with the CSP bypassed so that escaping alone is
//! tested.

use crate::browser::{browser_available, run_script};
use crate::console::{hidden, session};
use crate::console_registry::{page, post};
use crate::support::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_xss_corpus_entered_through_console_forms_never_becomes_markup() {
    if !browser_available() {
        return;
    }
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let org = app.pharmacy().await;
    let cookie = session(&app, "Anna (support)").await;
    let payloads = crate::xss::BASE;
    // Recipients named by the payloads, added through the console's form.
    let new = format!("/console/organisations/{org}/contacts/new?lang=en");
    for (i, p) in payloads.iter().enumerate() {
        let form = page(&app, &cookie, &new).await.1;
        let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
        let email = format!("r{i}@apteekki.fi");
        let res = post(
            &app,
            &cookie,
            &new,
            &[
                ("csrf", &csrf),
                ("idem", &idem),
                ("name", p),
                ("role", "helpdesk"),
                ("email", &email),
                ("language", "fi"),
                ("channels", "email"),
                ("all_services", "yes"),
                ("kinds", "fault"),
            ],
        )
        .await;
        // A name with a line break or control character is refused, naming the field.
        assert!(
            res.status() == StatusCode::SEE_OTHER
                || res.status() == StatusCode::UNPROCESSABLE_ENTITY,
            "{p}: {}",
            res.status()
        );
    }
    // Notices whose texts are payloads, published through the console's form.
    let mut notices = Vec::new();
    for p in payloads.iter().take(6) {
        let form = page(&app, &cookie, "/console/notices/new?kind=fault&lang=en")
            .await
            .1;
        let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
        let title: String = p.replace('\n', " ").chars().take(100).collect();
        let res = post(
            &app,
            &cookie,
            "/console/notices/new?lang=en",
            &[
                ("csrf", &csrf),
                ("idem", &idem),
                ("kind", "fault"),
                ("act", "publish"),
                ("severity", "major"),
                ("services", "prescription-centre"),
                ("title_fi", &title),
                ("title_sv", &title),
                ("body_fi", p),
                ("body_sv", p),
                ("sms_fi", "Häiriö"),
                ("sms_sv", "Störning"),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{p}");
    }
    let list = app.public_get("/api/v1/notices").await;
    for n in list.body["items"].as_array().unwrap() {
        notices.push(n["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(notices.len(), 6);
    let contacts = app
        .get(
            &format!("/api/v1/organisations/{org}/contacts?limit=100"),
            &app.operator,
        )
        .await;
    let contact_ids: Vec<String> = contacts.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        contact_ids.len() >= 30,
        "most payloads are valid names: {}",
        contact_ids.len()
    );
    // Fault reports written with the payloads (as anyone on the public form could).
    let mut reports = Vec::new();
    for p in payloads.iter().take(12) {
        let body = crate::fault_reports::report(
            json!({"reporter_name": p, "description": p, "error_text": p, "application": p}),
        );
        let a = app.post("/api/v1/fault-reports", &app.operator, body).await;
        if a.status == StatusCode::CREATED {
            reports.push(a.body["id"].as_str().unwrap().to_owned());
        }
    }
    assert!(
        reports.len() >= 8,
        "most payloads are valid report texts: {}",
        reports.len()
    );
    let mut pages = vec![
        "/console?lang=en".to_owned(),
        "/console/reports?lang=en".to_owned(),
        format!("/console/organisations/{org}?lang=en"),
        "/console/organisations?lang=en".to_owned(),
        "/console/audit?lang=en".to_owned(),
        "/console/tokens?lang=en".to_owned(),
    ];
    pages.extend(
        notices
            .iter()
            .map(|n| format!("/console/notices/{n}?lang=en")),
    );
    pages.extend(
        notices
            .iter()
            .map(|n| format!("/console/notices/{n}/revise?action=update&lang=en")),
    );
    pages.extend(
        contact_ids
            .iter()
            .take(8)
            .map(|c| format!("/console/organisations/{org}/contacts/{c}?lang=en")),
    );
    pages.extend(
        reports
            .iter()
            .map(|r| format!("/console/reports/{r}?lang=en")),
    );
    let args = vec![
        app.url(""),
        cookie.clone(),
        serde_json::to_string(&pages).unwrap(),
        serde_json::to_string(&payloads.iter().take(12).collect::<Vec<_>>()).unwrap(),
    ];
    let report = run_script("xss_console.mjs", args).await;
    assert_eq!(report["dialogs"], json!([]), "nothing ran");
    assert_eq!(report["found"], json!([]), "no markup that could run");
    assert_eq!(
        report["previews"], 12,
        "each payload came back in its field as typed"
    );
    let statuses = report["statuses"].as_object().unwrap();
    assert_eq!(statuses.len(), pages.len());
    assert!(
        statuses.values().all(|s| s == 200),
        "every page opened, signed in: {statuses:?}"
    );
}
