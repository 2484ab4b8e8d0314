use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases! {
    async fn org_admin_gets_404_for_every_registry_operation_on_another_organisation(app: TestApp) {
        let op = app.operator.clone();
        let a = app.organisation("A", "0112038-9", "pharmacy", &["prescription"]).await;
        let b = app.organisation("B", "0246246-0", "pharmacy", &["prescription"]).await;
        let contact = json!({"name": "Tuki", "role": "helpdesk", "email": "tuki@b.fi", "language": "fi", "channels": ["email"]});
        let bc = app.post(&format!("/api/v1/organisations/{b}/contacts"), &op, contact.clone()).await.body["id"].as_str().unwrap().to_owned();
        let admin_a = app.org_admin(&a).await;
        let b_before = (app.get(&format!("/api/v1/organisations/{b}"), &op).await.body, app.get(&format!("/api/v1/organisations/{b}/contacts.csv"), &op).await.text);
        let audit_before = app.get("/api/v1/audit?limit=500", &op).await.body["items"].as_array().unwrap().len();

        let csv = format!("id,name,role,email,language,channels\n{bc},Hijacked,helpdesk,evil@a.fi,fi,email\n").into_bytes();
        let calls: Vec<(Method, String, Option<serde_json::Value>)> = vec![
            (Method::GET, format!("/api/v1/organisations/{b}"), None),
            (Method::PATCH, format!("/api/v1/organisations/{b}"), Some(json!({"name": "Hijacked"}))),
            (Method::DELETE, format!("/api/v1/organisations/{b}"), None),
            (Method::GET, format!("/api/v1/organisations/{b}/contacts"), None),
            (Method::POST, format!("/api/v1/organisations/{b}/contacts"), Some(contact.clone())),
            (Method::GET, format!("/api/v1/organisations/{b}/contacts/{bc}"), None),
            (Method::PATCH, format!("/api/v1/organisations/{b}/contacts/{bc}"), Some(json!({"name": "Hijacked"}))),
            (Method::DELETE, format!("/api/v1/organisations/{b}/contacts/{bc}"), None),
            (Method::GET, format!("/api/v1/organisations/{b}/contacts.csv"), None),
            // B's contact reached through A's own path:
            (Method::GET, format!("/api/v1/organisations/{a}/contacts/{bc}"), None),
            (Method::PATCH, format!("/api/v1/organisations/{a}/contacts/{bc}"), Some(json!({"name": "Hijacked"}))),
            (Method::DELETE, format!("/api/v1/organisations/{a}/contacts/{bc}"), None),
        ];
        for (method, path, body) in calls {
            let r = app.call(method.clone(), &path, Some(&admin_a), body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}: {}", r.text);
            assert_eq!(r.body["code"], "not_found");
            assert!(!r.text.contains("Tuki") && !r.text.contains("tuki@b.fi"));
        }
        let put = app.send_raw(Method::PUT, &format!("/api/v1/organisations/{b}/contacts.csv"), Some(&admin_a), "text/csv", csv.clone()).await;
        assert_eq!(put.status, StatusCode::NOT_FOUND);
        // B's contact id in A's own import is just an unknown id there.
        let own = app.send_raw(Method::PUT, &format!("/api/v1/organisations/{a}/contacts.csv"), Some(&admin_a), "text/csv", csv).await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(own.error_fields(), ["rows[1].id"]);

        let b_after = (app.get(&format!("/api/v1/organisations/{b}"), &op).await.body, app.get(&format!("/api/v1/organisations/{b}/contacts.csv"), &op).await.text);
        assert_eq!(b_before, b_after, "B is unchanged");
        let audit_after = app.get("/api/v1/audit?limit=500", &op).await.body["items"].as_array().unwrap().len();
        assert_eq!(audit_before, audit_after, "nothing was written");
    }

    async fn org_admin_is_refused_operator_only_operations(app: TestApp) {
        let a = app.organisation("A", "0112038-9", "pharmacy", &["prescription"]).await;
        let admin = app.org_admin(&a).await;
        let token = app.post("/api/v1/tokens", &admin, json!({"role": "operator", "label": "escalate"})).await;
        assert_eq!(token.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/api/v1/audit", &admin).await.status, StatusCode::FORBIDDEN);
    }

    async fn unknown_and_malformed_ids_are_simply_not_found(app: TestApp) {
        let op = app.operator.clone();
        let a = app.organisation("A", "0112038-9", "pharmacy", &["prescription"]).await;
        for path in [
            "/api/v1/organisations/01a20557-5318-767b-a38f-99f18d82dde9".to_owned(),
            "/api/v1/organisations/not-an-id".to_owned(),
            "/api/v1/organisations/%27%20OR%201=1--".to_owned(),
            format!("/api/v1/organisations/{a}/contacts/not-an-id"),
            format!("/api/v1/organisations/{a}/contacts/01a20557-5318-767b-a38f-99f18d82dde9"),
        ] {
            let r = app.get(&path, &op).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(app.delete("/api/v1/tokens/not-a-token", &op).await.status, StatusCode::NOT_FOUND);
    }

    async fn requests_without_a_valid_token_are_401(app: TestApp) {
        for token in [None, Some("garbage"), Some("fct_00000000000000000000000000000000_0000000000000000000000000000000000000000000000000000000000000000")] {
            let r = app.call(Method::GET, "/api/v1/organisations", token, None).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{token:?}");
            assert_eq!(r.headers["www-authenticate"], "Bearer");
            assert_eq!(r.body["code"], "unauthorized");
        }
        let basic = app.http.get(app.url("/api/v1/organisations")).header("authorization", "Basic dXNlcjpwdw==").send().await.unwrap();
        assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    }
}
