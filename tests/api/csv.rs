use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases! {
    async fn re_importing_an_unchanged_export_touches_nothing(app: TestApp) {
        let op = app.operator.clone();
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription", "prescription-centre"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        app.post(&path, &op, json!({"name": "Tuki", "role": "helpdesk", "email": "tuki@a.fi", "phone": "040 123 4567", "language": "sv", "channels": ["email", "sms"], "services": ["prescription"], "kinds": ["fault"]})).await;
        app.post(&path, &op, json!({"name": "Päivystys, yö", "role": "on-call", "phone": "0501234567", "language": "fi", "channels": ["sms"]})).await;
        let before = app.get(&path, &op).await.body;
        let audit_before = app.get("/api/v1/audit?limit=500", &op).await.body["items"].as_array().unwrap().len();
        app.clock.advance(chrono::Duration::hours(1));
        let csv = app.get(&format!("{path}.csv"), &op).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        assert!(csv.text.starts_with("id,name,role,email,phone,language,channels,services,kinds,portal_admin,source,reviewed_at\n"), "{}", csv.text);
        assert!(csv.text.contains("'+358401234567"), "a leading + is defused: {}", csv.text);
        assert!(csv.text.contains("\"Päivystys, yö\""), "{}", csv.text);
        let put = app.send_raw(Method::PUT, &format!("{path}.csv"), Some(&op), "text/csv", csv.text.into_bytes()).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text);
        assert_eq!(put.body, json!({"created": 0, "updated": 0, "deleted": 0, "unchanged": 2, "total": 2}));
        let after = app.get(&path, &op).await.body;
        assert_eq!(before, after, "every field, updated_at and reviewed_at included, is as it was");
        let audit_after = app.get("/api/v1/audit?limit=500", &op).await.body["items"].as_array().unwrap().len();
        assert_eq!(audit_before, audit_after, "a no-op import writes no audit record");
        // One changed row among unchanged ones: only that row is updated.
        let csv = app.get(&format!("{path}.csv"), &op).await.text.replacen("Tuki", "Tuki 2", 1);
        let put = app.send_raw(Method::PUT, &format!("{path}.csv"), Some(&op), "text/csv", csv.into_bytes()).await;
        assert_eq!(put.body, json!({"created": 0, "updated": 1, "deleted": 0, "unchanged": 1, "total": 2}));
        let again = app.get(&path, &op).await.body;
        let night = before["items"].as_array().unwrap().iter().find(|c| c["role"] == "on-call").unwrap();
        let night_again = again["items"].as_array().unwrap().iter().find(|c| c["role"] == "on-call").unwrap();
        assert_eq!(night, night_again, "the unchanged row keeps its times");
    }

    async fn an_import_replaces_the_list(app: TestApp) {
        let op = app.operator.clone();
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        let keep = app.post(&path, &op, json!({"name": "Keep", "role": "helpdesk", "email": "keep@a.fi", "language": "fi", "channels": ["email"]})).await.body["id"].as_str().unwrap().to_owned();
        app.post(&path, &op, json!({"name": "Drop", "role": "helpdesk", "email": "drop@a.fi", "language": "fi", "channels": ["email"]})).await;
        let csv = format!("id,name,role,email,language,channels\n{keep},Kept,manager,keep@a.fi,en,email\n,New,technical,new@a.fi,sv,email\n");
        let put = app.send_raw(Method::PUT, &format!("{path}.csv"), Some(&op), "text/csv", csv.into_bytes()).await;
        assert_eq!(put.body, json!({"created": 1, "updated": 1, "deleted": 1, "unchanged": 0, "total": 2}), "{}", put.text);
        let items = app.get(&path, &op).await.body["items"].clone();
        let names: Vec<&str> = items.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Kept", "New"]);
        assert_eq!(items[0]["id"], keep.as_str(), "an updated row keeps its id");
        assert_eq!(items[1]["source"], "import");
    }

    async fn one_bad_row_changes_nothing_and_every_error_is_reported_by_row(app: TestApp) {
        let op = app.operator.clone();
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        app.post(&path, &op, json!({"name": "Tuki", "role": "helpdesk", "email": "tuki@a.fi", "language": "fi", "channels": ["email"]})).await;
        let before = app.get(&format!("{path}.csv"), &op).await.text;
        let csv = "name,role,email,phone,language,channels,services\nOk,helpdesk,ok@a.fi,,fi,email,\nBad,helpdesk,,040,xx,email sms,mykanta\n,boss,x@a.fi,,fi,email,\n";
        let put = app.send_raw(Method::PUT, &format!("{path}.csv"), Some(&op), "text/csv", csv.as_bytes().to_vec()).await;
        assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(put.error_fields(), ["rows[2].phone", "rows[2].language", "rows[2].email", "rows[2].services[0]", "rows[3].name", "rows[3].role"]);
        assert_eq!(app.get(&format!("{path}.csv"), &op).await.text, before, "nothing changed");
    }

    async fn a_malformed_file_is_refused_as_a_whole(app: TestApp) {
        let op = app.operator.clone();
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let url = format!("/api/v1/organisations/{org}/contacts.csv");
        let wrong_header = app.send_raw(Method::PUT, &url, Some(&op), "text/csv", b"nimi,rooli\nA,B\n".to_vec()).await;
        assert_eq!(wrong_header.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong_header.error_fields().iter().all(|f| f == "header"));
        let binary = app.send_raw(Method::PUT, &url, Some(&op), "text/csv", vec![0xff, 0xfe, 0x00]).await;
        assert_eq!(binary.error_fields(), ["file"]);
        let empty = app.send_raw(Method::PUT, &url, Some(&op), "text/csv", Vec::new()).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn formula_cells_are_defused_on_export(app: TestApp) {
        let op = app.operator.clone();
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        app.post(&path, &op, json!({"name": "=HYPERLINK(\"http://evil\",\"x\")", "role": "helpdesk", "email": "a@a.fi", "language": "fi", "channels": ["email"]})).await;
        app.post(&path, &op, json!({"name": "@SUM(1)", "role": "helpdesk", "email": "b@a.fi", "language": "fi", "channels": ["email"]})).await;
        let csv = app.get(&format!("{path}.csv"), &op).await.text;
        let mut r = ::csv::Reader::from_reader(csv.as_bytes());
        for rec in r.records() {
            let rec = rec.unwrap();
            for cell in rec.iter() {
                assert!(!cell.starts_with(['=', '+', '-', '@']), "a live formula cell: {cell}");
            }
        }
    }
}
