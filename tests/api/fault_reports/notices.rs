//! From reports to a notice: the draft prefilled from a report of a probable national fault
//! names every report of it; publishing the draft links them all and tells each reporter
//! the notice's link; a bad report id is refused before anything is published.

use super::report;
use crate::on_both_databases;
use crate::support::inspect::readable;
use reqwest::StatusCode;
use serde_json::json;

on_both_databases! {
    async fn a_cluster_becomes_one_notice_and_every_reporter_gets_its_link(app: TestApp) {
        let mut ids = Vec::new();
        for (i, b) in ["1234560-4", "1234561-2", "1234562-0"].iter().enumerate() {
            let started = format!("2026-01-01T0{}:00:00Z", 8 - i);
            let body = report(json!({"business_id": b, "reporter_email": format!("tuki{i}@example.fi"), "started_at": started, "language": "fi"}));
            let a = app.post("/api/v1/fault-reports", &app.operator, body).await;
            ids.push(a.body["id"].as_str().unwrap().to_owned());
        }
        let draft = app.post(&format!("/api/v1/fault-reports/{}/notice", ids[0]), &app.operator, json!({})).await;
        assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
        let d = &draft.body;
        assert_eq!(d["kind"], "fault");
        assert_eq!(d["services"], json!(["prescription-centre"]));
        assert_eq!(d["started_at"], "2026-01-01T06:00:00Z", "the earliest start of the cluster");
        let mut named: Vec<String> = d["fault_reports"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        named.sort();
        let mut expected = ids.clone();
        expected.sort();
        assert_eq!(named, expected, "every report of the cluster");
        let admin = app.org_admin(&app.pharmacy().await).await;
        assert_eq!(app.post(&format!("/api/v1/fault-reports/{}/notice", ids[0]), &admin, json!({})).await.status, StatusCode::FORBIDDEN);

        let mut bad = d.clone();
        bad["fault_reports"] = json!(["0190a000-0000-7000-8000-000000000000"]);
        let refused = app.post("/api/v1/notices", &app.operator, bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.error_fields(), ["fault_reports[0]"]);
        assert_eq!(app.get("/api/v1/notices", &app.operator).await.body["items"].as_array().unwrap().len(), 0, "nothing published");

        let published = app.post("/api/v1/notices", &app.operator, d.clone()).await;
        assert_eq!(published.status, StatusCode::ACCEPTED, "{}", published.text);
        let notice = published.body["id"].as_str().unwrap();
        for id in &ids {
            let r = app.get(&format!("/api/v1/fault-reports/{id}"), &app.operator).await;
            assert_eq!(r.body["status"], "linked");
            assert_eq!(r.body["notice_id"], notice);
        }
        app.drain().await;
        for i in 0..3 {
            let to = format!("tuki{i}@example.fi");
            let told = app.emails().into_iter().filter(|m| m.contains(&format!("To: {to}"))).map(|m| readable(&m)).any(|m| m.contains(&format!("/notices/{notice}")));
            assert!(told, "{to} got the notice's link");
        }
        let again = app.post(&format!("/api/v1/fault-reports/{}/notice", ids[1]), &app.operator, json!({})).await;
        assert_eq!(again.body["fault_reports"], json!([]), "linked reports are not offered again");
    }
}
