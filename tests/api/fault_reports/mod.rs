//! Fault reports through the API: the reference and the reporter's acknowledgement, no
//! patient identifiers, attachments judged by content, triage with progress emails, each
//! organisation seeing only its own reports, on-duty paging and clusters.

mod clusters;
mod forms;
mod notices;
mod pages;
mod triage;

use crate::on_both_databases;
use crate::support::TestApp;
use crate::support::inspect::readable;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A complete report body; `extra` overrides fields.
pub(crate) fn report(extra: Value) -> Value {
    let mut body = json!({
        "reporter_name": "Maija Tuki",
        "reporter_email": "tuki@apteekki.fi",
        "reporter_phone": "09 123 4567",
        "language": "sv",
        "organisation_name": "Typed Oy",
        "business_id": "1234560-4",
        "services": ["prescription-centre"],
        "started_at": "2026-01-01T08:00:00Z",
        "criteria": ["national-service"],
        "description": "Receptsökning ger fel 503.\nVarje gång."
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// The emails to `to`, readable.
pub(super) fn mail_to(app: &TestApp, to: &str) -> Vec<String> {
    app.emails()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")))
        .map(|m| readable(&m))
        .collect()
}

/// A structurally whole PNG.
pub(crate) fn png_bytes() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], &[0u8, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0][..]),
        (b"IEND", &[][..]),
    ] {
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(kind);
        png.extend(data);
        png.extend([0, 0, 0, 0]);
    }
    png
}

pub(crate) fn png_base64() -> String {
    base64::engine::general_purpose::STANDARD.encode(png_bytes())
}

on_both_databases! {
    async fn an_org_admin_reports_a_fault_and_the_reporter_gets_a_reference_in_their_language(app: TestApp) {
        let org = app.pharmacy().await;
        let admin = app.org_admin(&org).await;
        let a = app.post("/api/v1/fault-reports", &admin, report(json!({}))).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let reference = a.body["reference"].as_str().unwrap().to_owned();
        assert!(reference.starts_with("FR-20") && reference.ends_with("-000001"), "{reference}");
        let second = app.post("/api/v1/fault-reports", &admin, report(json!({}))).await;
        assert!(second.body["reference"].as_str().unwrap().ends_with("-000002"));

        let id = a.body["id"].as_str().unwrap();
        let got = app.get(&format!("/api/v1/fault-reports/{id}"), &admin).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.body["organisation_name"], "Apteekki", "the registered name, not the typed one");
        assert_eq!(got.body["business_id"], "0112038-9");
        assert_eq!(got.body["org_id"], org.as_str());
        assert_eq!(got.body["status"], "new");
        assert_eq!(got.body["source"], "api");
        assert_eq!(got.body["critical"], false);

        app.drain().await;
        let mails = mail_to(&app, "tuki@apteekki.fi");
        assert_eq!(mails.len(), 2, "one acknowledgement per report");
        let ack = mails.iter().find(|m| m.contains(&reference)).expect("the first acknowledgement");
        assert!(ack.contains("Felanmälan mottagen"), "in the reporter's language: {ack}");
        assert!(!ack.contains("020 634 7787"), "no call request for a report that is not critical");
    }

    async fn a_personal_identity_code_anywhere_is_refused_naming_the_field_and_nothing_is_kept(app: TestApp) {
        for (field, value) in [
            ("description", "Potilaan 131052-308T resepti puuttuu"),
            ("error_text", "ERROR hetu=010101A123N not found"),
            ("workstation", "TK-131052-308T"),
        ] {
            let a = app.post("/api/v1/fault-reports", &app.operator, report(json!({field: value}))).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", a.text);
            assert_eq!(a.error_fields(), [field]);
            assert!(a.text.contains("personal identity code"), "{}", a.text);
            assert!(!a.text.contains("131052") && !a.text.contains("010101A"), "the code is not echoed");
        }
        let a = app.post("/api/v1/fault-reports", &app.operator, report(json!({"description": "Virhe 131052-308U, tarkiste väärä"}))).await;
        assert_eq!(a.status, StatusCode::CREATED, "a wrong check character is no identity code");
        let list = app.get("/api/v1/fault-reports", &app.operator).await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    }

    async fn no_criterion_points_the_reporter_to_their_own_helpdesk(app: TestApp) {
        let a = app.post("/api/v1/fault-reports", &app.operator, report(json!({"criteria": []}))).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.error_fields(), ["criteria"]);
        assert!(a.text.contains("own helpdesk or your system supplier"), "{}", a.text);
        let a = app.post("/api/v1/fault-reports", &app.operator, json!({})).await;
        for f in ["reporter_name", "reporter_email", "reporter_phone", "organisation_name", "business_id", "services", "started_at", "criteria", "description"] {
            assert!(a.error_fields().contains(&f.to_owned()), "{f}: {}", a.text);
        }
    }

    async fn attachments_are_judged_by_content_and_downloaded_only_by_operators(app: TestApp) {
        let org = app.pharmacy().await;
        let admin = app.org_admin(&org).await;
        let svg = base64::engine::general_purpose::STANDARD.encode("<svg onload=\"alert(1)\"/>");
        let a = app.post("/api/v1/fault-reports", &admin, report(json!({"attachments": [
            {"filename": "ruutu.png", "content_base64": png_base64()},
            {"filename": "kuva.svg", "content_base64": svg},
        ]}))).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.error_fields(), ["attachments[1]"]);
        assert!(a.text.contains("`kuva.svg`"), "the file is named: {}", a.text);

        let a = app.post("/api/v1/fault-reports", &admin, report(json!({"attachments": [
            {"filename": "virhe.pdf", "content_base64": png_base64()},
        ]}))).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let id = a.body["id"].as_str().unwrap();
        let got = app.get(&format!("/api/v1/fault-reports/{id}"), &admin).await;
        let file = &got.body["attachments"][0];
        assert_eq!(file["media_type"], "image/png", "judged by content");
        assert_eq!(file["filename"], "virhe.png");
        let path = format!("/api/v1/fault-reports/{id}/attachments/{}", file["id"].as_str().unwrap());
        assert_eq!(app.get(&path, &admin).await.status, StatusCode::FORBIDDEN, "org admins do not open attachments");
        let res = app.http.get(app.url(&path)).bearer_auth(&app.operator).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let h = res.headers();
        assert!(h["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"virhe.png\""));
        assert_eq!(h["content-type"], "image/png");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h["content-security-policy"].to_str().unwrap().contains("sandbox"));
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\x89PNG"));
    }

    async fn an_org_admin_sees_only_its_own_organisations_reports(app: TestApp) {
        let mine = app.pharmacy().await;
        let other = app.organisation("Terveyskeskus", "2331972-7", "healthcare", &["patient-data-repository"]).await;
        let (me, them) = (app.org_admin(&mine).await, app.org_admin(&other).await);
        let a = app.post("/api/v1/fault-reports", &me, report(json!({"attachments": [{"filename": "a.png", "content_base64": png_base64()}]}))).await;
        let theirs = app.post("/api/v1/fault-reports", &them, report(json!({"services": ["patient-data-repository"]}))).await;
        let (id, their_id) = (a.body["id"].as_str().unwrap(), theirs.body["id"].as_str().unwrap());
        let listed = app.get("/api/v1/fault-reports", &me).await;
        let ids: Vec<&str> = listed.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [id]);
        assert_eq!(app.get("/api/v1/fault-reports", &app.operator).await.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(app.get(&format!("/api/v1/fault-reports/{their_id}"), &me).await.status, StatusCode::NOT_FOUND);
        let patch = app.patch(&format!("/api/v1/fault-reports/{their_id}"), &me, json!({"status": "closed"})).await;
        assert_eq!(patch.status, StatusCode::FORBIDDEN, "triage is the operators'");
        let own = app.patch(&format!("/api/v1/fault-reports/{id}"), &me, json!({"status": "closed"})).await;
        assert_eq!(own.status, StatusCode::FORBIDDEN);
        let file = app.get(&format!("/api/v1/fault-reports/{id}"), &app.operator).await.body["attachments"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(app.get(&format!("/api/v1/fault-reports/{their_id}/attachments/{file}"), &them).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&format!("/api/v1/fault-reports/{id}"), "not-a-token").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/v1/fault-reports?status=bogus", &me).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        // An org_admin's report is always its own organisation's, whatever it types.
        let typed = app.post("/api/v1/fault-reports", &me, report(json!({"business_id": "2331972-7"}))).await;
        let got = app.get(&format!("/api/v1/fault-reports/{}", typed.body["id"].as_str().unwrap()), &app.operator).await;
        assert_eq!(got.body["org_id"], mine.as_str());
    }
}
