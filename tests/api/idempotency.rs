use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

on_both_databases! {
    async fn a_retried_create_returns_the_original_answer_and_creates_once(app: TestApp) {
        let body = json!({"name": "A", "business_id": "0112038-9", "audience": "pharmacy", "services": []});
        let send = |key: &'static str, body: serde_json::Value| {
            app.http.post(app.url("/api/v1/organisations")).bearer_auth(&app.operator).header("idempotency-key", key).json(&body).send()
        };
        let first = send("k-1", body.clone()).await.unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let first: serde_json::Value = first.json().await.unwrap();
        let again = send("k-1", body.clone()).await.unwrap();
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.json::<serde_json::Value>().await.unwrap(), first);
        let list = app.get("/api/v1/organisations", &app.operator).await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);

        let other = send("k-1", json!({"name": "B", "business_id": "0246246-0", "audience": "pharmacy", "services": []})).await.unwrap();
        assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let other: serde_json::Value = other.json().await.unwrap();
        assert_eq!(other["errors"][0]["field"], "Idempotency-Key");
        assert_eq!(app.get("/api/v1/organisations", &app.operator).await.body["items"].as_array().unwrap().len(), 1);
    }

    async fn a_validation_failure_is_replayed_and_a_key_is_per_token(app: TestApp) {
        let bad = json!({"name": "", "business_id": "x", "audience": "pharmacy", "services": []});
        let post = |token: String, body: serde_json::Value| {
            app.http.post(app.url("/api/v1/organisations")).bearer_auth(token).header("idempotency-key", "same").json(&body).send()
        };
        assert_eq!(post(app.operator.clone(), bad.clone()).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(post(app.operator.clone(), bad).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
        let second = app.post("/api/v1/tokens", &app.operator, json!({"role": "operator", "label": "two"})).await.body["token"].as_str().unwrap().to_owned();
        let ok = post(second, json!({"name": "A", "business_id": "0112038-9", "audience": "pharmacy", "services": []})).await.unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED, "another token's key space is separate");
    }

    async fn a_refused_request_does_not_burn_its_key_and_a_bad_key_is_refused(app: TestApp) {
        let body = json!({"name": "A", "business_id": "0112038-9", "audience": "pharmacy", "services": []});
        let bad = app.http.post(app.url("/api/v1/organisations")).bearer_auth(&app.operator).header("idempotency-key", "k").header("content-type", "text/plain").body("x").send().await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let ok = app.http.post(app.url("/api/v1/organisations")).bearer_auth(&app.operator).header("idempotency-key", "k").json(&body).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED);
        let bad_key = app.http.post(app.url("/api/v1/organisations")).bearer_auth(&app.operator).header("idempotency-key", "has space").json(&body).send().await.unwrap();
        assert_eq!(bad_key.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

on_both_databases! {
    async fn every_keyed_write_keeps_its_answer_with_the_write_and_a_retry_makes_nothing_new(app: TestApp) {
        let send = |path: String, key: &'static str, body: serde_json::Value| {
            app.http.post(app.url(&path)).bearer_auth(&app.operator).header("idempotency-key", key).json(&body).send()
        };
        let twice = |path: String, key: &'static str, body: serde_json::Value| async move {
            let first = send(path.clone(), key, body.clone()).await.unwrap();
            let status = first.status();
            let first: serde_json::Value = first.json().await.unwrap();
            let again = send(path, key, body).await.unwrap();
            assert_eq!(again.status(), status);
            assert_eq!(again.headers()["idempotent-replayed"], "true");
            assert_eq!(again.json::<serde_json::Value>().await.unwrap(), first);
            (status, first)
        };
        let (status, org) = twice("/api/v1/organisations".into(), "org", json!({"name": "A", "business_id": "0112038-9", "audience": "pharmacy", "services": ["prescription"]})).await;
        assert_eq!(status, StatusCode::CREATED);
        let org = org["id"].as_str().unwrap().to_owned();
        let contacts = format!("/api/v1/organisations/{org}/contacts");
        twice(contacts.clone(), "contact", json!({"name": "Tuki", "role": "helpdesk", "email": "tuki@example.fi", "language": "fi", "channels": ["email"]})).await;
        assert_eq!(app.get(&contacts, &app.operator).await.body["items"].as_array().unwrap().len(), 1);
        let (_, token) = twice("/api/v1/tokens".into(), "token", json!({"role": "operator", "label": "script"})).await;
        assert!(token["token"].as_str().is_some_and(|t| !t.is_empty()));
        let (status, notice) = twice("/api/v1/notices".into(), "notice", crate::notices::fault("major", &["prescription"])).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let id = notice["id"].as_str().unwrap().to_owned();
        assert_eq!(app.get("/api/v1/notices", &app.operator).await.body["items"].as_array().unwrap().len(), 1);
        let (_, revised) = twice(format!("/api/v1/notices/{id}/revisions"), "revise", json!({"action": "update", "body": {"fi": "Korjaus jatkuu.", "sv": "Rättelsen fortsätter.", "en": "The fix goes on."}})).await;
        assert_eq!(revised["revision"], 2);
        let view = app.get(&format!("/api/v1/notices/{id}"), &app.operator).await.body;
        assert_eq!(view["revisions"].as_array().unwrap().len(), 2, "the retried revision was not added again");
        let (status, _) = twice(format!("/api/v1/notices/{id}/deliveries/retry"), "retry", json!({})).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let audit = app.get("/api/v1/audit?limit=500", &app.operator).await.body;
        let redrives = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "notice.redrive").count();
        assert_eq!(redrives, 1, "one re-drive, audited once");
    }
}
