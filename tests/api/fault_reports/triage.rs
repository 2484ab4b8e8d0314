//! Triage: states move forward, each change and each reply emails the reporter in their
//! language, a link needs a notice and a duplicate another report, notes stay with support.

use super::{mail_to, report};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

on_both_databases! {
    async fn triage_moves_a_report_forward_and_tells_the_reporter_each_time(app: TestApp) {
        let org = app.pharmacy().await;
        let admin = app.org_admin(&org).await;
        let a = app.post("/api/v1/fault-reports", &admin, report(json!({"language": "en"}))).await;
        let id = a.body["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/fault-reports/{id}");

        let step = app.patch(&path, &app.operator, json!({"status": "acknowledged", "note": "Soitettu takaisin"})).await;
        assert_eq!(step.status, StatusCode::OK, "{}", step.text);
        assert_eq!(step.body["status"], "acknowledged");
        let step = app.patch(&path, &app.operator, json!({
            "status": "investigating", "reply": "We can see errors in the Prescription Centre.", "estimate": "14:00"
        })).await;
        assert_eq!(step.body["status"], "investigating");
        let back = app.patch(&path, &app.operator, json!({"status": "new"})).await;
        assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(back.error_fields(), ["status"]);
        let linked = app.patch(&path, &app.operator, json!({"status": "linked"})).await;
        assert_eq!(linked.error_fields(), ["notice_id"], "a link needs a notice");
        let itself = app.patch(&path, &app.operator, json!({"status": "duplicate", "duplicate_of": id})).await;
        assert_eq!(itself.error_fields(), ["duplicate_of"]);
        let nothing = app.patch(&path, &app.operator, json!({})).await;
        assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
        let hetu = app.patch(&path, &app.operator, json!({"note": "potilas 131052-308T"})).await;
        assert_eq!(hetu.error_fields(), ["note"]);
        let closed = app.patch(&path, &app.operator, json!({"status": "local", "reply": "The fault was in your own network."})).await;
        assert_eq!(closed.body["status"], "local");

        app.drain().await;
        let mails = mail_to(&app, "tuki@apteekki.fi");
        assert_eq!(mails.len(), 4, "the acknowledgement and one per change of state");
        assert!(mails.iter().any(|m| m.contains("is now: Acknowledged")), "{mails:?}");
        let progress = mails.iter().find(|m| m.contains("is now: Investigating")).unwrap();
        assert!(progress.contains("We can see errors") && progress.contains("Estimated fix: 14:00"), "{progress}");
        assert!(mails.iter().all(|m| !m.contains("Soitettu takaisin")), "notes are for support only");

        let seen = app.get(&path, &admin).await;
        let events = seen.body["events"].as_array().unwrap();
        assert_eq!(events.len(), 3, "the organisation sees the changes: {events:?}");
        assert!(events.iter().all(|e| e.get("note").is_none() && e.get("actor").is_none()));
        let full = app.get(&path, &app.operator).await;
        assert_eq!(full.body["events"][0]["note"], "Soitettu takaisin");
    }

    async fn a_report_is_linked_to_a_published_notice_and_the_reporter_gets_its_link(app: TestApp) {
        let a = app.post("/api/v1/fault-reports", &app.operator, report(json!({"language": "fi"}))).await;
        let id = a.body["id"].as_str().unwrap().to_owned();
        let notice = crate::delivery::publish(&app, "major").await;
        let bogus = app.patch(&format!("/api/v1/fault-reports/{id}"), &app.operator, json!({"status": "linked", "notice_id": "0190a000-0000-7000-8000-000000000000"})).await;
        assert_eq!(bogus.error_fields(), ["notice_id"]);
        let step = app.patch(&format!("/api/v1/fault-reports/{id}"), &app.operator, json!({"status": "linked", "notice_id": notice})).await;
        assert_eq!(step.status, StatusCode::OK, "{}", step.text);
        assert_eq!(step.body["notice_id"], notice.as_str());
        app.drain().await;
        let mail = mail_to(&app, "tuki@apteekki.fi").into_iter().find(|m| m.contains("Liitetty")).expect("the link email");
        assert!(mail.contains(&format!("/notices/{notice}")), "{mail}");
    }
}
