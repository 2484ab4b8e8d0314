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
