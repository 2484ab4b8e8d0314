use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases! {
    async fn every_mutation_writes_exactly_one_audit_record_without_contact_values(app: TestApp) {
        let op = app.operator.clone();
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        let c = app.post(&path, &op, json!({"name": "Secret Name", "role": "helpdesk", "email": "secret@addr.fi", "phone": "0409998877", "language": "fi", "channels": ["email", "sms"]})).await;
        let cid = c.body["id"].as_str().unwrap().to_owned();
        app.patch(&format!("{path}/{cid}"), &op, json!({"name": "Other Secret"})).await;
        app.patch(&format!("/api/v1/organisations/{org}"), &op, json!({"name": "Apteekki 2"})).await;
        // An import that changes something (an unchanged one changes, and audits, nothing).
        let csv = app.get(&format!("{path}.csv"), &op).await.text.replace("Other Secret", "Third Secret");
        app.send_raw(Method::PUT, &format!("{path}.csv"), Some(&op), "text/csv", csv.into_bytes()).await;
        app.delete(&format!("{path}/{cid}"), &op).await;
        let t = app.post("/api/v1/tokens", &op, json!({"role": "org_admin", "org_id": org, "label": "x"})).await;
        let tid = t.body["id"].as_str().unwrap().to_owned();
        app.delete(&format!("/api/v1/tokens/{tid}"), &op).await;
        app.delete(&format!("/api/v1/organisations/{org}"), &op).await;
        // Reads and refused writes leave no record.
        app.get(&format!("/api/v1/organisations/{org}"), &op).await;
        app.post("/api/v1/organisations", &op, json!({})).await;

        let log = app.get("/api/v1/audit", &op).await;
        assert_eq!(log.status, StatusCode::OK);
        let items = log.body["items"].as_array().unwrap();
        let actions: Vec<&str> = items.iter().rev().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, [
            "token.create", // the harness's operator token, made with the CLI's rights
            "organisation.create", "contact.create", "contact.update", "organisation.update", "contact.import",
            "contact.delete", "token.create", "token.revoke", "organisation.delete",
        ]);
        let operator_id = items[0]["actor"].as_str().unwrap();
        assert!(items.iter().rev().skip(1).all(|e| e["actor"] == operator_id), "the acting token's id");
        assert_eq!(items.last().unwrap()["actor"], "cli");
        assert!(items.iter().all(|e| e["request_id"].as_str().is_some_and(|r| !r.is_empty())));
        assert_eq!(items[3]["target_id"], cid.as_str());
        for secret in ["Secret Name", "secret@addr.fi", "0409998877", "+358409998877", "Other Secret", "Third Secret", &op] {
            assert!(!log.text.contains(secret), "{secret} in the audit log");
        }
    }

    async fn the_audit_log_is_paged_newest_first(app: TestApp) {
        for (i, id) in ["0112038-9", "0246246-0", "0921536-6"].iter().enumerate() {
            app.organisation(&format!("Org {i}"), id, "pharmacy", &[]).await;
        }
        let first = app.get("/api/v1/audit?limit=2", &app.operator).await;
        let items = first.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert!(items[0]["seq"].as_i64() > items[1]["seq"].as_i64());
        let cursor = first.body["next_cursor"].as_str().unwrap();
        let rest = app.get(&format!("/api/v1/audit?limit=10&cursor={cursor}"), &app.operator).await;
        assert_eq!(rest.body["items"].as_array().unwrap().len(), 2, "one org + the harness's token");
        assert!(rest.body["next_cursor"].is_null());
    }

    async fn the_audit_log_cannot_be_changed_even_with_sql(app: TestApp) {
        app.organisation("A", "0112038-9", "pharmacy", &[]).await;
        let refused = app.raw_sql("UPDATE audit_log SET actor = 'someone else'").await;
        assert!(refused.unwrap_err().contains("append-only"));
        let refused = app.raw_sql("DELETE FROM audit_log").await;
        assert!(refused.unwrap_err().contains("append-only"));
        assert_eq!(app.get("/api/v1/audit", &app.operator).await.body["items"].as_array().unwrap().len(), 2);
    }
}
