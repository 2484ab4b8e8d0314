//! Whatever a client sends, the answer is never a 5xx.

use crate::on_both_databases;
use reqwest::Method;
use serde_json::{Value, json};

const FIELDS: &[&str] = &[
    "name",
    "business_id",
    "oid",
    "audience",
    "services",
    "state",
    "role",
    "email",
    "phone",
    "language",
    "channels",
    "kinds",
    "label",
    "org_id",
    "expires_at",
    "unknown_field",
    "action",
    "kind",
    "severity",
    "audiences",
    "title",
    "body",
    "sms",
    "instructions",
    "started_at",
    "window_start",
    "window_end",
];

fn hostile_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(1),
        json!(-1.5e300),
        json!(true),
        json!([]),
        json!({}),
        json!([null, 1, "x", {}]),
        json!("x".repeat(100_000)),
        json!("\u{0}\u{1}\r\nBcc: victim@example.com"),
        json!("'; DROP TABLE organisations; --"),
        json!("<script>alert(1)</script>"),
        json!("🩺💊 ÅÄÖ åäö \u{202e}"),
        json!(["prescription", "prescription"]),
        json!(["email", "sms", "fax"]),
        json!("9999-99-99T99:99:99Z"),
    ]
}

fn raw_bodies() -> Vec<Vec<u8>> {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\"string\"".to_vec(),
        b"1e999".to_vec(),
        b"{\"name\": \"\\ud800\"}".to_vec(),
        b"{\"name\": \"a\", \"name\": \"b\"}".to_vec(),
        deep.into_bytes(),
        vec![0xff, 0x00, 0xfe],
    ]
}

on_both_databases! {
    async fn no_body_a_client_can_send_gets_a_5xx(app: TestApp) {
        let op = app.operator.clone();
        let org = app.organisation("A", "0112038-9", "pharmacy", &["prescription"]).await;
        let c = app.post(&format!("/api/v1/organisations/{org}/contacts"), &op, json!({"name": "T", "role": "helpdesk", "email": "t@a.fi", "language": "fi", "channels": ["email"]})).await;
        let cid = c.body["id"].as_str().unwrap().to_owned();
        let n = app.post("/api/v1/notices", &op, crate::notices::fault("minor", &["prescription"])).await;
        let notice = n.body["id"].as_str().unwrap().to_owned();
        let writes = [
            (Method::POST, "/api/v1/organisations".to_owned()),
            (Method::PATCH, format!("/api/v1/organisations/{org}")),
            (Method::POST, format!("/api/v1/organisations/{org}/contacts")),
            (Method::PATCH, format!("/api/v1/organisations/{org}/contacts/{cid}")),
            (Method::POST, "/api/v1/tokens".to_owned()),
            (Method::POST, "/api/v1/notices".to_owned()),
            (Method::POST, "/api/v1/notices/preview".to_owned()),
            (Method::POST, format!("/api/v1/notices/{notice}/revisions")),
        ];
        let mut seen = 0;
        for (method, path) in &writes {
            for field in FIELDS {
                for value in hostile_values() {
                    let a = app.call(method.clone(), path, Some(&op), Some(json!({ *field: value }))).await;
                    assert!(a.status.as_u16() < 500, "{method} {path} {field}={value}: {} {}", a.status, a.text);
                    seen += 1;
                }
            }
            for body in raw_bodies() {
                let a = app.send_raw(method.clone(), path, Some(&op), "application/json", body).await;
                assert!(a.status.as_u16() < 500, "{method} {path}: {} {}", a.status, a.text);
                assert!(a.status.is_client_error(), "{method} {path}: {}", a.status);
            }
        }
        assert_eq!(seen, writes.len() * FIELDS.len() * hostile_values().len());
        for csv in [b"".to_vec(), b"name\n\"unterminated".to_vec(), vec![b','; 100_000], "name,role,language,channels\n".repeat(3).into_bytes()] {
            let a = app.send_raw(Method::PUT, &format!("/api/v1/organisations/{org}/contacts.csv"), Some(&op), "text/csv", csv).await;
            assert!(a.status.as_u16() < 500, "csv: {} {}", a.status, a.text);
        }
    }

    async fn no_query_or_path_a_client_can_send_gets_a_5xx(app: TestApp) {
        let op = app.operator.clone();
        let long = "q".repeat(20_000);
        for path in [
            "/api/v1/organisations?limit=-1".to_owned(),
            "/api/v1/organisations?limit=0".to_owned(),
            "/api/v1/organisations?limit=99999999999".to_owned(),
            "/api/v1/organisations?cursor=%00%FF".to_owned(),
            "/api/v1/organisations?q=%25%5C%27".to_owned(),
            format!("/api/v1/organisations?q={long}"),
            "/api/v1/organisations?q=a&q=b".to_owned(),
            "/api/v1/audit?cursor=-5&limit=1".to_owned(),
            "/api/v1/audit?cursor=abc".to_owned(),
            "/api/v1/organisations?q=%00".to_owned(),
            "/api/v1/organisations/%00/contacts".to_owned(),
            "/api/v1/organisations/..%2F..%2Fetc/contacts.csv".to_owned(),
            "/api/v1/tokens/%F0%9F%A9%BA".to_owned(),
        ] {
            for method in [Method::GET, Method::DELETE] {
                let a = app.call(method.clone(), &path, Some(&op), None).await;
                assert!(a.status.as_u16() < 500, "{method} {path}: {} {}", a.status, a.text);
            }
        }
    }

    async fn a_key_given_twice_is_a_400_and_a_repeated_list_item_a_422_naming_it(app: TestApp) {
        let op = app.operator.clone();
        let org = app.pharmacy().await;
        let twice = br#"{"kind": "fault", "severity": "minor", "services": ["prescription-centre"],
            "title": {"fi": "Hairio", "sv": "Storning", "fi": "Toinen"}, "body": {"fi": "a", "sv": "b"}}"#;
        let a = app.send_raw(Method::POST, "/api/v1/notices", Some(&op), "application/json", twice.to_vec()).await;
        assert_eq!(a.status, reqwest::StatusCode::BAD_REQUEST, "{}", a.text);
        assert_eq!(a.body["code"], "malformed_json");
        assert!(a.text.contains("`fi` appears twice"), "{}", a.text);
        assert_eq!(app.public_get("/api/v1/notices").await.body["items"], json!([]), "nothing was published");
        let a = app.post(&format!("/api/v1/organisations/{org}/contacts"), &op, json!({"name": "T", "role": "helpdesk",
            "email": "t@a.fi", "language": "fi", "channels": ["email", "email"]})).await;
        assert_eq!((a.status.as_u16(), a.error_fields()), (422, vec!["channels[1]".to_owned()]), "{}", a.text);
        assert!(a.text.contains("repeats `email`"), "{}", a.text);
        let a = app.patch(&format!("/api/v1/organisations/{org}"), &op, json!({"services": ["prescription-centre", "prescription-centre"]})).await;
        assert_eq!((a.status.as_u16(), a.error_fields()), (422, vec!["services[1]".to_owned()]), "{}", a.text);
    }
}
