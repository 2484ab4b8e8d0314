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

/// The operations of `doc`, with their method, path and operation.
fn each_operation(doc: &serde_json::Value) -> Vec<(String, String, serde_json::Value)> {
    operations(doc)
        .into_iter()
        .map(|(m, p)| {
            let op = doc["paths"][&p][&m].clone();
            (m, p, op)
        })
        .collect()
}

on_both_databases! {
    async fn every_operation_names_every_answer_the_server_can_give(app: TestApp) {
        let doc = app.public_get("/api/v1/openapi.json").await.body;
        let mut ids = std::collections::BTreeSet::new();
        for (method, path, op) in each_operation(&doc) {
            let id = op["operationId"].as_str().unwrap().to_owned();
            assert!(ids.insert(id.clone()), "operationId {id} is used twice");
            let answers = op["responses"].as_object().unwrap();
            let has = |s: &str| answers.contains_key(s);
            assert!(has("429"), "{method} {path}: 429");
            assert_eq!(answers["429"]["headers"]["Retry-After"]["schema"]["type"], "integer", "{method} {path}");
            if op.get("security").is_some() {
                assert!(has("401") && has("403") && has("503"), "{method} {path}: 401, 403, 503");
            }
            if path.contains('{') {
                assert!(has("404"), "{method} {path}: 404");
            }
            let body_types: Vec<&String> = op["requestBody"]["content"].as_object().map(|c| c.keys().collect()).unwrap_or_default();
            if !body_types.is_empty() {
                for s in ["400", "408", "413", "422"] {
                    assert!(has(s), "{method} {path}: {s}");
                }
            }
            if body_types.iter().any(|t| *t == "application/json") {
                assert!(has("415"), "{method} {path}: 415");
            }
            for (status, answer) in answers {
                assert!(!answer["description"].as_str().unwrap().is_empty(), "{method} {path} {status}: a description");
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                let expected = if p["in"] == "header" { "header" } else if in_path { "path" } else { "query" };
                assert_eq!(p["in"], expected, "{method} {path} {name}");
                assert_eq!(p["required"], in_path, "{method} {path} {name}");
            }
        }
    }

    async fn the_request_bodies_say_what_is_required_and_which_codes_are_allowed(app: TestApp) {
        let doc = app.public_get("/api/v1/openapi.json").await.body;
        let schemas = &doc["components"]["schemas"];
        let required = |name: &str| schemas[name]["required"].clone();
        assert_eq!(required("NewOrganisation"), serde_json::json!(["name", "business_id", "audience", "services"]));
        assert_eq!(required("NewContact"), serde_json::json!(["name", "role", "language", "channels"]));
        assert_eq!(required("NewFault"), serde_json::json!(["kind", "services", "title", "body", "severity"]));
        assert_eq!(required("NewMaintenance"), serde_json::json!(["kind", "services", "title", "body", "window_start", "window_end"]));
        assert_eq!(required("NoticeRevision"), serde_json::json!(["action"]));
        assert_eq!(required("NewToken"), serde_json::json!(["role", "label"]));
        let contact = &schemas["NewContact"]["properties"];
        assert_eq!(contact["channels"]["items"]["enum"], serde_json::json!(["email", "sms"]));
        assert_eq!(contact["channels"]["uniqueItems"], true);
        assert_eq!(contact["role"]["enum"], serde_json::json!(["helpdesk", "technical", "security", "on-call", "manager"]));
        assert_eq!(contact["language"]["enum"], serde_json::json!(["fi", "sv", "en"]));
        assert!(contact["services"]["anyOf"][0]["items"]["enum"].as_array().unwrap().iter().any(|s| s == "prescription-centre"),
            "the services are the catalogue's codes");
        assert!(schemas["NewOrganisation"]["properties"]["business_id"]["pattern"].as_str().unwrap().contains("[0-9]{7}-[0-9]"));
        assert_eq!(schemas["NewFault"]["properties"]["severity"]["enum"], serde_json::json!(["minor", "major", "critical"]));
        assert_eq!(schemas["NewFault"]["properties"]["title"]["required"], serde_json::json!(["fi", "sv"]));
        assert_eq!(schemas["NewFault"]["properties"]["title"]["properties"]["fi"]["maxLength"], 160);
        assert_eq!(schemas["NewMaintenance"]["properties"]["state"]["anyOf"][0]["enum"],
            serde_json::json!(["scheduled", "in-progress", "completed", "cancelled"]));
        assert_eq!(schemas["ContactView"]["properties"]["phone"]["anyOf"][0]["pattern"], r"^\+[0-9]{8,15}$");
        for name in ["OrganisationInput", "ContactInput", "NoticeInput"] {
            assert!(schemas.get(name).is_none(), "{name} is no longer in the document");
        }
    }

    async fn every_documented_example_is_accepted(app: TestApp) {
        let doc = app.public_get("/api/v1/openapi.json").await.body;
        let op_token = app.operator.clone();
        let org = app.organisation("Sairaala", "0112038-9", "pharmacy", &["prescription-centre", "mykanta"]).await;
        let c = app.post(&format!("/api/v1/organisations/{org}/contacts"), &op_token, serde_json::json!({"name": "T",
            "role": "helpdesk", "email": "t@a.fi", "language": "fi", "channels": ["email"]})).await;
        let contact = c.body["id"].as_str().unwrap().to_owned();
        let n = app.post("/api/v1/notices", &op_token, crate::notices::fault("major", &["prescription-centre"])).await;
        let notice = n.body["id"].as_str().unwrap().to_owned();
        let mut tried = 0;
        for (method, path, op) in each_operation(&doc) {
            let Some(examples) = op["requestBody"]["content"]["application/json"]["examples"].as_object() else { continue };
            let concrete = path.replace("{org_id}", &org).replace("{contact_id}", &contact).replace("{id}", &notice);
            for (name, example) in examples {
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let a = app.call(m, &concrete, Some(&op_token), Some(example["value"].clone())).await;
                assert!(a.status.is_success(), "{method} {path} example {name}: {} {}", a.status, a.text);
                tried += 1;
            }
        }
        assert!(tried >= 9, "{tried}");
    }
}

on_both_databases! {
    async fn a_page_size_outside_the_documented_range_is_refused_not_clamped(app: TestApp) {
        let op = app.operator.clone();
        for path in ["/api/v1/organisations", "/api/v1/audit", "/api/v1/notices"] {
            for limit in ["0", "501", "-1", "x"] {
                let a = app.get(&format!("{path}?limit={limit}"), &op).await;
                assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{path} limit={limit}: {}", a.text);
                assert_eq!(a.error_fields(), ["limit"]);
            }
            let a = app.get(&format!("{path}?limit=0"), &op).await;
            assert!(a.text.contains("must be 1-500"), "{}", a.text);
            assert_eq!(app.get(&format!("{path}?limit=500"), &op).await.status, StatusCode::OK);
        }
    }
}
