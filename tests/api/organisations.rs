use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases! {
    async fn an_operator_registers_reads_changes_and_deletes_an_organisation(app: TestApp) {
        let op = app.operator.clone();
        let a = app.post("/api/v1/organisations", &op, json!({
            "name": "Sairaala Oy", "business_id": " 0112038-9 ", "oid": "1.2.246.10.1234567",
            "audience": "healthcare", "services": ["patient-data-repository", "prescription"]
        })).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let id = a.body["id"].as_str().unwrap().to_owned();
        assert_eq!(a.body["business_id"], "0112038-9");
        assert_eq!(a.body["state"], "active");
        assert_eq!(a.body["services"], json!(["patient-data-repository", "prescription"]));

        let g = app.get(&format!("/api/v1/organisations/{id}"), &op).await;
        assert_eq!(g.status, StatusCode::OK);
        assert_eq!(g.body["oid"], "1.2.246.10.1234567");

        let p = app.patch(&format!("/api/v1/organisations/{id}"), &op, json!({"name": "Sairaala Oyj", "oid": null, "state": "closed"})).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_eq!(p.body["name"], "Sairaala Oyj");
        assert!(p.body["oid"].is_null());
        assert_eq!(p.body["state"], "closed");
        assert_eq!(p.body["business_id"], "0112038-9", "fields left out stay");
        assert_eq!(app.get(&format!("/api/v1/organisations/{id}"), &op).await.body["name"], "Sairaala Oyj");

        assert_eq!(app.delete(&format!("/api/v1/organisations/{id}"), &op).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&format!("/api/v1/organisations/{id}"), &op).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.delete(&format!("/api/v1/organisations/{id}"), &op).await.status, StatusCode::NOT_FOUND);
    }

    async fn every_invalid_field_is_named_in_one_422(app: TestApp) {
        let a = app.post("/api/v1/organisations", &app.operator, json!({
            "name": "", "business_id": "0112038-8", "oid": "not an oid", "audience": "pirates", "services": ["prescription", "teleport"]
        })).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.headers["content-type"], "application/problem+json");
        assert_eq!(a.body["code"], "invalid");
        assert_eq!(a.error_fields(), ["name", "business_id", "oid", "audience", "services[1]"]);
        let missing = app.post("/api/v1/organisations", &app.operator, json!({})).await;
        assert_eq!(missing.error_fields(), ["name", "business_id", "audience", "services"]);
    }

    async fn malformed_or_mistyped_bodies_get_our_problem_shape(app: TestApp) {
        let op = app.operator.clone();
        let broken = app.send_raw(Method::POST, "/api/v1/organisations", Some(&op), "application/json", b"{\"name\": ".to_vec()).await;
        assert_eq!(broken.status, StatusCode::BAD_REQUEST);
        assert_eq!(broken.body["code"], "malformed_json");
        let typed = app.post("/api/v1/organisations", &op, json!({"name": 5, "business_id": "0112038-9", "audience": "healthcare", "services": []})).await;
        assert_eq!(typed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(typed.error_fields(), ["name"]);
        let unknown = app.post("/api/v1/organisations", &op, json!({"nmae": "x"})).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unknown.error_fields(), ["nmae"]);
        let not_json = app.send_raw(Method::POST, "/api/v1/organisations", Some(&op), "text/plain", b"hello".to_vec()).await;
        assert_eq!(not_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(not_json.body["code"], "unsupported_media_type");
        let huge = app.send_raw(Method::POST, "/api/v1/organisations", Some(&op), "application/json", vec![b' '; 5 * 1024 * 1024]).await;
        assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
        let list = app.get("/api/v1/organisations", &op).await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 0, "nothing was stored");
    }

    async fn a_business_id_can_be_registered_only_once(app: TestApp) {
        app.organisation("A", "0112038-9", "healthcare", &[]).await;
        let again = app.post("/api/v1/organisations", &app.operator, json!({"name": "B", "business_id": "0112038-9", "audience": "pharmacy", "services": []})).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(again.error_fields(), ["business_id"]);
        assert_eq!(again.body["errors"][0]["message"], "is already registered");
    }

    async fn the_list_is_paged_and_searchable(app: TestApp) {
        let op = app.operator.clone();
        app.organisation("Apteekki Ässä", "0112038-9", "pharmacy", &[]).await;
        app.organisation("Sairaala", "0246246-0", "healthcare", &[]).await;
        app.organisation("Terveysasema 100%_", "0921536-6", "healthcare", &[]).await;
        let first = app.get("/api/v1/organisations?limit=2", &op).await;
        assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
        let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
        let second = app.get(&format!("/api/v1/organisations?limit=2&cursor={cursor}"), &op).await;
        assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
        assert!(second.body["next_cursor"].is_null());
        let found = app.get("/api/v1/organisations?q=%C3%A4ss%C3%A4", &op).await;
        assert_eq!(found.body["items"][0]["name"], "Apteekki Ässä", "case-insensitive beyond ASCII");
        let by_id = app.get("/api/v1/organisations?q=0246246", &op).await;
        assert_eq!(by_id.body["items"][0]["name"], "Sairaala");
        let literal = app.get("/api/v1/organisations?q=%25_", &op).await;
        assert_eq!(literal.body["items"].as_array().unwrap().len(), 1, "% and _ are matched literally");
        let bad = app.get("/api/v1/organisations?limit=lots", &op).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["limit"]);
    }

    async fn an_org_admin_sees_and_edits_only_its_own_record_and_not_its_status(app: TestApp) {
        let mine = app.organisation("Oma", "0112038-9", "pharmacy", &["prescription"]).await;
        app.organisation("Muu", "0246246-0", "pharmacy", &["prescription"]).await;
        let admin = app.org_admin(&mine).await;
        let list = app.get("/api/v1/organisations", &admin).await;
        let items = list.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], mine.as_str());
        let rename = app.patch(&format!("/api/v1/organisations/{mine}"), &admin, json!({"name": "Oma Apteekki", "services": ["prescription", "prescription-centre"]})).await;
        assert_eq!(rename.status, StatusCode::OK, "{}", rename.text);
        let close = app.patch(&format!("/api/v1/organisations/{mine}"), &admin, json!({"state": "closed"})).await;
        assert_eq!(close.status, StatusCode::FORBIDDEN);
        assert_eq!(close.body["code"], "forbidden");
        let same = app.patch(&format!("/api/v1/organisations/{mine}"), &admin, json!({"business_id": "0112038-9"})).await;
        assert_eq!(same.status, StatusCode::OK, "restating an unchanged value is fine");
        assert_eq!(app.delete(&format!("/api/v1/organisations/{mine}"), &admin).await.status, StatusCode::FORBIDDEN);
        let create = app.post("/api/v1/organisations", &admin, json!({"name": "X", "business_id": "0921536-6", "audience": "pharmacy", "services": []})).await;
        assert_eq!(create.status, StatusCode::FORBIDDEN);
    }

    async fn dropping_a_service_from_an_organisation_drops_it_from_its_contacts(app: TestApp) {
        let op = app.operator.clone();
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription", "prescription-centre"]).await;
        let c = app.post(&format!("/api/v1/organisations/{org}/contacts"), &op, json!({
            "name": "Tuki", "role": "helpdesk", "email": "tuki@apteekki.fi", "language": "fi", "channels": ["email"],
            "services": ["prescription", "prescription-centre"]
        })).await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
        let cid = c.body["id"].as_str().unwrap();
        app.patch(&format!("/api/v1/organisations/{org}"), &op, json!({"services": ["prescription"]})).await;
        let after = app.get(&format!("/api/v1/organisations/{org}/contacts/{cid}"), &op).await;
        assert_eq!(after.body["services"], json!(["prescription"]));
        assert_eq!(after.body["all_services"], false);
    }
}
