use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases! {
    async fn a_revoked_token_fails_on_the_very_next_request(app: TestApp) {
        let op = app.operator.clone();
        let t = app.post("/api/v1/tokens", &op, json!({"role": "operator", "label": "second"})).await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
        let (id, token) = (t.body["id"].as_str().unwrap().to_owned(), t.body["token"].as_str().unwrap().to_owned());
        assert_eq!(app.get("/api/v1/organisations", &token).await.status, StatusCode::OK);
        assert_eq!(app.delete(&format!("/api/v1/tokens/{id}"), &op).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/organisations", &token).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.delete(&format!("/api/v1/tokens/{id}"), &op).await.status, StatusCode::NOT_FOUND, "already revoked");
    }

    async fn a_token_stops_working_when_it_expires(app: TestApp) {
        let expires = (app.clock_now() + chrono::Duration::hours(1)).to_rfc3339();
        let t = app.post("/api/v1/tokens", &app.operator, json!({"role": "operator", "label": "temp", "expires_at": expires})).await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
        let token = t.body["token"].as_str().unwrap().to_owned();
        assert_eq!(app.get("/api/v1/organisations", &token).await.status, StatusCode::OK);
        app.clock.advance(chrono::Duration::minutes(61));
        assert_eq!(app.get("/api/v1/organisations", &token).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn token_requests_are_validated(app: TestApp) {
        let op = app.operator.clone();
        let a = app.post("/api/v1/tokens", &op, json!({"role": "org_admin", "label": ""})).await;
        assert_eq!(a.error_fields(), ["label", "org_id"]);
        let b = app.post("/api/v1/tokens", &op, json!({"role": "operator", "label": "x", "org_id": "01a20557-5318-767b-a38f-99f18d82dde9"})).await;
        assert_eq!(b.error_fields(), ["org_id"]);
        let c = app.post("/api/v1/tokens", &op, json!({"role": "org_admin", "label": "x", "org_id": "01a20557-5318-767b-a38f-99f18d82dde9"})).await;
        assert_eq!(c.error_fields(), ["org_id"]);
        let d = app.post("/api/v1/tokens", &op, json!({"role": "root", "label": "x", "expires_at": "yesterday"})).await;
        assert_eq!(d.error_fields(), ["role", "expires_at"]);
        let past = app.post("/api/v1/tokens", &op, json!({"role": "operator", "label": "x", "expires_at": "2020-01-01T00:00:00Z"})).await;
        assert_eq!(past.error_fields(), ["expires_at"]);
    }

    async fn tokens_of_a_deleted_organisation_stop_working(app: TestApp) {
        let org = app.organisation("A", "0112038-9", "pharmacy", &[]).await;
        let admin = app.org_admin(&org).await;
        assert_eq!(app.get("/api/v1/organisations", &admin).await.status, StatusCode::OK);
        app.delete(&format!("/api/v1/organisations/{org}"), &app.operator).await;
        assert_eq!(app.get("/api/v1/organisations", &admin).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn no_token_is_stored_in_plain_text(app: TestApp) {
        let t = app.post("/api/v1/tokens", &app.operator, json!({"role": "operator", "label": "x"})).await;
        let token = t.body["token"].as_str().unwrap().to_owned();
        let secret = token.rsplit('_').next().unwrap().to_owned();
        assert!(secret.len() >= 32, "at least 128 bits");
        assert_eq!(app.call(Method::GET, "/api/v1/organisations", Some(&token), None).await.status, StatusCode::OK);
        for text in app.database_dump().await {
            assert!(!text.contains(&secret), "a token secret is stored in plain text");
            assert!(!text.contains(&app.operator), "the operator token is stored in plain text");
        }
    }
}
