use crate::on_both_databases;
use reqwest::{Method, StatusCode};

/// The operations of the contract (`api.md`) that exist so far.
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/api/v1/services"),
    ("post", "/api/v1/organisations"),
    ("get", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{org_id}"),
    ("patch", "/api/v1/organisations/{org_id}"),
    ("delete", "/api/v1/organisations/{org_id}"),
    ("get", "/api/v1/organisations/{org_id}/contacts"),
    ("post", "/api/v1/organisations/{org_id}/contacts"),
    (
        "get",
        "/api/v1/organisations/{org_id}/contacts/{contact_id}",
    ),
    (
        "patch",
        "/api/v1/organisations/{org_id}/contacts/{contact_id}",
    ),
    (
        "delete",
        "/api/v1/organisations/{org_id}/contacts/{contact_id}",
    ),
    ("get", "/api/v1/organisations/{org_id}/contacts.csv"),
    ("put", "/api/v1/organisations/{org_id}/contacts.csv"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/notices"),
    ("get", "/api/v1/notices"),
    ("post", "/api/v1/notices/preview"),
    ("get", "/api/v1/notices/{id}"),
    ("post", "/api/v1/notices/{id}/revisions"),
    ("get", "/api/v1/notices/{id}/deliveries"),
    ("post", "/api/v1/notices/{id}/deliveries/retry"),
    ("post", "/api/v1/sms/receipts/{profile}"),
];

fn operations(doc: &serde_json::Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                ops.push((method.to_owned(), path.clone()));
            }
        }
    }
    ops
}

on_both_databases! {
    async fn the_openapi_document_describes_every_contract_operation(app: TestApp) {
        let doc = app.call(Method::GET, "/api/v1/openapi.json", None, None).await;
        assert_eq!(doc.status, StatusCode::OK);
        assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
        let ops = operations(&doc.body);
        for (method, path) in CONTRACT {
            assert!(ops.contains(&(method.to_string(), path.to_string())), "{method} {path} is missing from the OpenAPI document");
        }
        assert!(doc.body["components"]["securitySchemes"]["bearer"].is_object());
        for (method, path) in &ops {
            let op = &doc.body["paths"][path][method];
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{method} {path} documents no answer");
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let types: Vec<&String> = r["content"].as_object().map(|c| c.keys().collect()).unwrap_or_default();
                    assert_eq!(types, ["application/problem+json"], "{method} {path} {status}");
                }
            }
        }
    }

    async fn every_documented_operation_is_routed(app: TestApp) {
        let doc = app.call(Method::GET, "/api/v1/openapi.json", None, None).await.body;
        let ops = operations(&doc);
        for (method, path) in &ops {
            let concrete = path.replace("{org_id}", "01a20557-5318-767b-a38f-99f18d82dde9")
                .replace("{contact_id}", "01a20557-5318-767b-a38f-99f18d82dde9")
                .replace("{id}", "01a20557-5318-767b-a38f-99f18d82dde9")
                .replace("{profile}", "generic");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = matches!(method.as_str(), "post" | "patch").then(|| serde_json::json!({}));
            app.call(m, &concrete, Some(&app.operator), body).await;
        }
        let metrics = app.call(Method::GET, "/metrics", None, None).await.text;
        for (method, path) in &ops {
            let label = format!("method=\"{}\",route=\"{path}\"", method.to_uppercase());
            assert!(metrics.contains(&label), "{method} {path} is documented but no route answered it");
        }
        assert!(!metrics.contains("status=\"500\""), "{metrics}");
    }
}
