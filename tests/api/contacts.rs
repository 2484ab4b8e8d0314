use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

on_both_databases! {
    async fn a_contact_is_created_with_its_phone_normalised_and_defaults_filled(app: TestApp) {
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription", "prescription-centre"]).await;
        let a = app.post(&format!("/api/v1/organisations/{org}/contacts"), &app.operator, json!({
            "name": "Helpdesk", "role": "helpdesk", "email": "Tuki@Apteekki.fi", "phone": "040 123 4567",
            "language": "sv", "channels": ["sms", "email"]
        })).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        assert_eq!(a.body["phone"], "+358401234567");
        assert_eq!(a.body["email"], "Tuki@Apteekki.fi", "stored as given");
        assert_eq!(a.body["channels"], json!(["email", "sms"]));
        assert_eq!(a.body["services"], json!(["prescription", "prescription-centre"]));
        assert_eq!(a.body["all_services"], true);
        assert_eq!(a.body["kinds"], json!(["fault", "maintenance", "instruction"]));
        assert_eq!(a.body["source"], "operator");
        assert_eq!(a.body["org_id"], org.as_str());
        let id = a.body["id"].as_str().unwrap();
        let g = app.get(&format!("/api/v1/organisations/{org}/contacts/{id}"), &app.operator).await;
        assert_eq!(g.body, a.body);
    }

    async fn invalid_contacts_are_refused_naming_each_field(app: TestApp) {
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        let a = app.post(&path, &app.operator, json!({
            "name": "X", "role": "boss", "email": "not-an-address", "phone": "09 123 4567",
            "language": "de", "channels": ["email", "fax"], "services": ["mykanta"], "kinds": ["gossip"]
        })).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.error_fields(), ["role", "email", "phone", "language", "channels[1]", "services[0]", "kinds[0]"]);
        assert!(!a.text.contains("09 123 4567"), "the rejected value is not echoed");
        let sms_without_phone = app.post(&path, &app.operator, json!({"name": "X", "role": "on-call", "language": "fi", "channels": ["sms"]})).await;
        assert_eq!(sms_without_phone.error_fields(), ["phone"]);
        assert_eq!(app.get(&path, &app.operator).await.body["items"].as_array().unwrap().len(), 0);
    }

    async fn a_change_keeps_what_it_leaves_out_and_confirms_the_contact(app: TestApp) {
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription", "prescription-centre"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        let c = app.post(&path, &app.operator, json!({"name": "Tuki", "role": "helpdesk", "email": "tuki@a.fi", "language": "fi", "channels": ["email"]})).await;
        let id = c.body["id"].as_str().unwrap();
        app.clock.advance(chrono::Duration::days(30));
        let p = app.patch(&format!("{path}/{id}"), &app.operator, json!({"phone": "+46 70 123 45 67", "channels": ["email", "sms"], "services": ["prescription"], "kinds": ["fault"]})).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_eq!(p.body["phone"], "+46701234567");
        assert_eq!(p.body["email"], "tuki@a.fi");
        assert_eq!(p.body["services"], json!(["prescription"]));
        assert_eq!(p.body["kinds"], json!(["fault"]));
        assert_ne!(p.body["reviewed_at"], c.body["reviewed_at"], "a change confirms the contact");
        let drop_email = app.patch(&format!("{path}/{id}"), &app.operator, json!({"email": null})).await;
        assert_eq!(drop_email.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(drop_email.error_fields(), ["email"]);
        let back_to_all = app.patch(&format!("{path}/{id}"), &app.operator, json!({"services": null})).await;
        assert_eq!(back_to_all.body["all_services"], true);
    }

    async fn deleting_a_contact_erases_it(app: TestApp) {
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        let body = json!({"name": "Canary Person", "role": "manager", "email": "canary.person@erase.example", "phone": "0401112233", "language": "en", "channels": ["email"]});
        let c = app.http.post(app.url(&path)).bearer_auth(&app.operator).header("idempotency-key", "erase-1").json(&body).send().await.unwrap();
        assert_eq!(c.status(), StatusCode::CREATED);
        let c: serde_json::Value = c.json().await.unwrap();
        let id = c["id"].as_str().unwrap();
        assert!(app.database_dump().await.iter().any(|t| t.contains("canary.person@erase.example")), "the canary is stored at first");
        assert_eq!(app.delete(&format!("{path}/{id}"), &app.operator).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&format!("{path}/{id}"), &app.operator).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.delete(&format!("{path}/{id}"), &app.operator).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&path, &app.operator).await.body["items"].as_array().unwrap().len(), 0);
        for text in app.database_dump().await {
            for canary in ["canary.person@erase.example", "+358401112233", "Canary Person"] {
                assert!(!text.contains(canary), "{canary} survives the deletion in the database files");
            }
        }
    }

    async fn an_org_admin_keeps_its_own_contacts(app: TestApp) {
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let admin = app.org_admin(&org).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        let c = app.post(&path, &admin, json!({"name": "Päivystys", "role": "on-call", "phone": "050 765 4321", "language": "fi", "channels": ["sms"]})).await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
        assert_eq!(c.body["source"], "self-service");
        let id = c.body["id"].as_str().unwrap();
        assert_eq!(app.patch(&format!("{path}/{id}"), &admin, json!({"language": "sv"})).await.body["language"], "sv");
        assert_eq!(app.get(&path, &admin).await.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(app.delete(&format!("{path}/{id}"), &admin).await.status, StatusCode::NO_CONTENT);
    }

    async fn contacts_of_a_deleted_organisation_are_gone(app: TestApp) {
        let org = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription"]).await;
        let path = format!("/api/v1/organisations/{org}/contacts");
        let c = app.post(&path, &app.operator, json!({"name": "Tuki", "role": "helpdesk", "email": "tuki@a.fi", "language": "fi", "channels": ["email"]})).await;
        let id = c.body["id"].as_str().unwrap();
        app.delete(&format!("/api/v1/organisations/{org}"), &app.operator).await;
        assert_eq!(app.get(&format!("{path}/{id}"), &app.operator).await.status, StatusCode::NOT_FOUND);
        let count = app.intake.store().all_contacts(faultcast::registry::OrgId::parse(&org).unwrap()).await.unwrap().len();
        assert_eq!(count, 0);
    }
}
