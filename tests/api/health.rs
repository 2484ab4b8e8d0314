use crate::on_both_databases;
use reqwest::{Method, StatusCode};

on_both_databases! {
    async fn health_and_readiness_answer_without_a_token(app: TestApp) {
        let h = app.call(Method::GET, "/healthz", None, None).await;
        assert_eq!(h.status, StatusCode::OK);
        let r = app.call(Method::GET, "/readyz", None, None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.text, "ready\n");
    }

    async fn metrics_count_requests_by_route_template_and_show_the_pool(app: TestApp) {
        let org = app.organisation("Apteekki", "0246246-0", "pharmacy", &["prescription"]).await;
        app.get(&format!("/api/v1/organisations/{org}"), &app.operator).await;
        let m = app.call(Method::GET, "/metrics", None, None).await;
        assert_eq!(m.status, StatusCode::OK);
        assert!(m.text.contains(r#"faultcast_http_requests_total{method="GET",route="/api/v1/organisations/{org_id}",status="200"} 1"#), "{}", m.text);
        assert!(m.text.contains(r#"faultcast_http_requests_total{method="POST",route="/api/v1/organisations",status="201"} 1"#), "{}", m.text);
        assert!(m.text.contains("faultcast_http_request_duration_seconds_bucket"), "{}", m.text);
        assert!(m.text.contains("faultcast_db_pool_connections{state=\"idle\"}"), "{}", m.text);
        assert!(!m.text.contains(&org), "raw ids never become label values");
    }

    async fn an_unknown_path_is_a_problem_json_404(app: TestApp) {
        let a = app.call(Method::GET, "/api/v1/nothing-here", None, None).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        assert_eq!(a.headers["content-type"], "application/problem+json");
        assert_eq!(a.body["code"], "not_found");
        let a = app.call(Method::PUT, "/api/v1/services", None, None).await;
        assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(a.body["code"], "method_not_allowed");
    }

    async fn the_service_catalogue_is_public_and_complete(app: TestApp) {
        let a = app.call(Method::GET, "/api/v1/services", None, None).await;
        assert_eq!(a.status, StatusCode::OK);
        let items = a.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 17, "the domain's 16 services and the population register");
        let centre = items.iter().find(|s| s["code"] == "prescription-centre").unwrap();
        assert_eq!(centre["names"]["fi"], "Reseptikeskus");
        assert_eq!(centre["names"]["sv"], "Receptcentret");
        assert_eq!(centre["audiences"], serde_json::json!(["pharmacy", "healthcare"]));
        assert!(a.body["next_cursor"].is_null());
    }

    async fn every_answer_carries_a_request_id(app: TestApp) {
        let a = app.call(Method::GET, "/healthz", None, None).await;
        assert!(a.headers.contains_key("x-request-id"));
        assert_eq!(a.headers["x-content-type-options"], "nosniff");
        let given = app.http.get(app.url("/healthz")).header("x-request-id", "trace-me-123").send().await.unwrap();
        assert_eq!(given.headers()["x-request-id"], "trace-me-123");
        let hostile = app.http.get(app.url("/healthz")).header("x-request-id", "a b;rm -rf /").send().await.unwrap();
        assert_ne!(hostile.headers()["x-request-id"], "a b;rm -rf /", "an unsafe id is replaced");
    }

    async fn api_answers_are_never_cached(app: TestApp) {
        let a = app.get("/api/v1/organisations", &app.operator).await;
        assert_eq!(a.headers["cache-control"], "no-store");
        let e = app.call(Method::GET, "/api/v1/organisations", None, None).await;
        assert_eq!(e.headers["cache-control"], "no-store");
    }
}
