//! Publishing, revising and delivering notices, with the file transports.

use crate::on_both_databases;
use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub fn fault(severity: &str, services: &[&str]) -> Value {
    json!({
        "kind": "fault", "severity": severity, "services": services,
        "title": {"fi": "Reseptikeskuksessa häiriö", "sv": "Störning i Receptcentret", "en": "Prescription Centre disruption"},
        "body": {"fi": "Reseptejä ei voi tallentaa.", "sv": "Recept kan inte sparas.", "en": "Prescriptions cannot be saved."},
        "instructions": {"pharmacy": {"fi": "Käytä varajärjestelyä.", "sv": "Använd reservrutinen."}}
    })
}

/// An organisation with one contact; returns the contact's id.
pub async fn contact(
    app: &TestApp,
    org: &str,
    email: Option<&str>,
    phone: Option<&str>,
    language: &str,
    extra: Value,
) -> String {
    let channels: Vec<&str> = [email.map(|_| "email"), phone.map(|_| "sms")]
        .into_iter()
        .flatten()
        .collect();
    let mut body = json!({"name": "Tuki", "role": "helpdesk", "email": email, "phone": phone, "language": language, "channels": channels});
    if let (Some(b), Some(x)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(x.clone());
    }
    let a = app
        .post(
            &format!("/api/v1/organisations/{org}/contacts"),
            &app.operator,
            body,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.body["id"].as_str().unwrap().to_owned()
}

async fn publish(app: &TestApp, body: Value) -> String {
    let a = app.post("/api/v1/notices", &app.operator, body).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    a.body["id"].as_str().unwrap().to_owned()
}

async fn summary(app: &TestApp, id: &str) -> Value {
    let a = app
        .get(&format!("/api/v1/notices/{id}/deliveries"), &app.operator)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

fn to(emails: &[String]) -> Vec<String> {
    let mut v: Vec<String> = emails
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.starts_with("To: "))
                .map(|l| l[4..].to_owned())
        })
        .collect();
    v.sort();
    v
}

on_both_databases! {
    async fn a_published_fault_reaches_every_subscribed_contact_in_their_language(app: TestApp) {
        let pharmacy = app.organisation("Apteekki", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        contact(&app, &pharmacy, Some("sv@apteekki.example"), Some("040 111 2222"), "sv", json!({})).await;
        contact(&app, &pharmacy, Some("en@apteekki.example"), None, "en", json!({})).await;
        let id = publish(&app, fault("critical", &["prescription-centre"])).await;
        let before = summary(&app, &id).await;
        assert_eq!(before["summary"]["email"]["total"], 0, "nothing is sent in the request");
        app.drain().await;
        let s = summary(&app, &id).await;
        assert_eq!(s["fanout_complete"], true);
        assert_eq!(s["summary"]["email"]["sent"], 2);
        assert_eq!(s["summary"]["sms"]["sent"], 1);
        let mails = app.emails();
        assert_eq!(to(&mails), ["en@apteekki.example", "sv@apteekki.example"]);
        let sv = mails.iter().find(|m| m.contains("To: sv@apteekki.example")).unwrap();
        assert!(sv.contains("Content-Language: sv"));
        assert!(sv.contains("Auto-Submitted: auto-generated"));
        assert!(sv.contains(&format!("Message-ID: <{id}.1.email.")), "{sv}");
        assert!(sv.contains("Anv=C3=A4nd reservrutinen."), "pharmacy instructions in Swedish: {sv}");
        let en = mails.iter().find(|m| m.contains("To: en@apteekki.example")).unwrap();
        assert!(en.contains("Content-Language: en"));
        assert!(en.contains("Prescriptions cannot be saved."));
        let metrics = app.call(reqwest::Method::GET, "/metrics", None, None).await.text;
        assert!(metrics.contains(r#"faultcast_delivery_attempts_total{channel="email",outcome="sent"} 2"#), "{metrics}");
        assert!(metrics.contains(r#"faultcast_delivery_attempts_total{channel="sms",outcome="sent"} 1"#), "{metrics}");
        assert!(metrics.contains("faultcast_fanout_deliveries_total 3"), "{metrics}");
        let sms = app.sms();
        assert_eq!(sms.len(), 1);
        assert_eq!(sms[0]["to"], "+358401112222");
        assert!(sms[0]["text"].as_str().unwrap().starts_with("Störning i Receptcentret http"), "{}", sms[0]);
        assert_eq!(sms[0]["reference"], format!("{id}.1.sms.{}", sms[0]["reference"].as_str().unwrap().rsplit('.').next().unwrap()));
    }

    async fn targeting_follows_service_kind_audience_and_organisation_state(app: TestApp) {
        let yes = app.organisation("Kyllä", "0112038-9", "pharmacy", &["prescription-centre", "mykanta"]).await;
        let other_service = app.organisation("Muu palvelu", "0246246-0", "pharmacy", &["mykanta"]).await;
        let other_audience = app.organisation("Kansalainen", "0921536-6", "citizen", &["prescription-centre"]).await;
        let closed = app.organisation("Suljettu", "0201256-6", "pharmacy", &["prescription-centre"]).await;
        app.patch(&format!("/api/v1/organisations/{closed}"), &app.operator, json!({"state": "closed"})).await;
        contact(&app, &yes, Some("all@yes.example"), None, "fi", json!({})).await;
        contact(&app, &yes, Some("own-service@yes.example"), None, "fi", json!({"services": ["prescription-centre"]})).await;
        contact(&app, &yes, Some("wrong-service@yes.example"), None, "fi", json!({"services": ["mykanta"]})).await;
        contact(&app, &yes, Some("no-faults@yes.example"), None, "fi", json!({"kinds": ["maintenance"]})).await;
        contact(&app, &other_service, Some("x@other.example"), None, "fi", json!({})).await;
        contact(&app, &other_audience, Some("x@citizen.example"), None, "fi", json!({})).await;
        contact(&app, &closed, Some("x@closed.example"), None, "fi", json!({})).await;
        publish(&app, fault("minor", &["prescription-centre"])).await;
        app.drain().await;
        assert_eq!(to(&app.emails()), ["all@yes.example", "own-service@yes.example"]);
        assert!(app.sms().is_empty(), "a minor fault goes by email only");
    }

    async fn one_address_registered_by_several_organisations_gets_one_message(app: TestApp) {
        let a = app.organisation("A", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        let b = app.organisation("B", "0246246-0", "healthcare", &["prescription-centre"]).await;
        contact(&app, &a, Some("shared@supplier.example"), Some("0401234567"), "fi", json!({})).await;
        contact(&app, &b, Some("Shared@Supplier.example"), Some("+358 40 123 4567"), "fi", json!({})).await;
        let id = publish(&app, fault("major", &["prescription-centre"])).await;
        app.drain().await;
        assert_eq!(app.emails().len(), 1);
        assert_eq!(app.sms().len(), 1);
        assert_eq!(summary(&app, &id).await["summary"]["email"]["total"], 1);
    }

    async fn sms_follows_the_fault_rules_across_revisions(app: TestApp) {
        let org = app.organisation("A", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        contact(&app, &org, Some("a@a.example"), Some("0401234567"), "fi", json!({})).await;
        let id = publish(&app, fault("major", &["prescription-centre"])).await;
        app.drain().await;
        let path = format!("/api/v1/notices/{id}/revisions");
        let revise = |body: Value| app.post(&path, &app.operator, body);
        let text_only = revise(json!({"action": "update", "state": "identified", "body": {"fi": "Syy löytyi.", "sv": "Orsaken hittad."}})).await;
        assert_eq!(text_only.status, StatusCode::ACCEPTED, "{}", text_only.text);
        assert_eq!(text_only.body["sms"], false);
        app.drain().await;
        let worse = revise(json!({"action": "update", "severity": "critical"})).await;
        assert_eq!(worse.body["sms"], true);
        app.drain().await;
        let end = revise(json!({"action": "end"})).await;
        assert_eq!(end.body["state"], "resolved");
        assert_eq!(end.body["revision"], 4);
        app.drain().await;
        assert_eq!(app.emails().len(), 4, "email for every revision");
        let refs: Vec<String> = app.sms().iter().map(|s| s["reference"].as_str().unwrap().split('.').nth(1).unwrap().to_owned()).collect();
        assert_eq!(refs, ["1", "3", "4"], "SMS at start, severity change and end");
        let after_end = revise(json!({"action": "update"})).await;
        assert_eq!(after_end.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(after_end.error_fields(), ["action"]);
    }

    async fn a_newer_revision_supersedes_an_undelivered_older_one(app: TestApp) {
        let org = app.organisation("A", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        contact(&app, &org, Some("a@a.example"), None, "fi", json!({})).await;
        let id = publish(&app, fault("minor", &["prescription-centre"])).await;
        app.deliverer.fan_out().await.unwrap();
        let r = app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator, json!({"action": "update", "title": {"fi": "Uusi otsikko", "sv": "Ny rubrik"}})).await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        app.drain().await;
        let mails = app.emails();
        assert_eq!(mails.len(), 1, "only the newest revision is sent");
        assert!(mails[0].contains(&format!("{id}.2.email")));
        let first = app.get(&format!("/api/v1/notices/{id}/deliveries?revision=1"), &app.operator).await;
        assert_eq!(first.body["summary"]["email"]["superseded"], 1);
    }

    async fn invalid_notices_are_refused_naming_each_field(app: TestApp) {
        let a = app.post("/api/v1/notices", &app.operator, json!({"kind": "fault", "services": [], "title": {"fi": "x"}, "body": {"fi": "x", "sv": "x"}, "sms": {"fi": "ж".repeat(250)}})).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.error_fields(), ["severity", "services", "title.sv", "sms.fi"]);
        let parts = &a.body["errors"][3]["message"];
        assert!(parts.as_str().unwrap().contains("4 SMS parts in UCS-2"), "{parts}");
        let list = app.call(reqwest::Method::GET, "/api/v1/notices", None, None).await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 0, "nothing stored");
        let org = app.organisation("A", "0112038-9", "pharmacy", &[]).await;
        let admin = app.org_admin(&org).await;
        assert_eq!(app.post("/api/v1/notices", &admin, fault("minor", &["prescription"])).await.status, StatusCode::FORBIDDEN);
    }

    async fn a_preview_counts_recipients_and_stores_nothing(app: TestApp) {
        let org = app.organisation("A", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        contact(&app, &org, Some("a@a.example"), Some("0401234567"), "sv", json!({})).await;
        contact(&app, &org, Some("b@a.example"), None, "fi", json!({})).await;
        let p = app.post("/api/v1/notices/preview", &app.operator, fault("critical", &["prescription-centre"])).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_eq!(p.body["recipients"]["sv"], json!({"email": 1, "sms": 1}));
        assert_eq!(p.body["recipients"]["fi"], json!({"email": 1, "sms": 0}));
        assert_eq!(p.body["sms_texts"]["fi"]["encoding"], "gsm7");
        assert_eq!(p.body["sms_texts"]["fi"]["parts"], 1);
        assert!(p.body["email"]["sv"]["subject"].as_str().unwrap().starts_with("Störningsmeddelande: "));
        app.drain().await;
        assert!(app.emails().is_empty());
        assert_eq!(app.call(reqwest::Method::GET, "/api/v1/notices", None, None).await.body["items"].as_array().unwrap().len(), 0);
    }

    async fn notices_are_public_with_their_revision_history(app: TestApp) {
        let id = publish(&app, fault("minor", &["prescription-centre"])).await;
        app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator, json!({"action": "end"})).await;
        let m = json!({"kind": "maintenance", "services": ["mykanta"], "title": {"fi": "Huoltokatko", "sv": "Underhåll"}, "body": {"fi": "x", "sv": "y"},
            "window_start": "2030-01-01T06:00:00Z", "window_end": "2030-01-01T08:00:00Z"});
        let upcoming = publish(&app, m).await;
        let n = app.call(reqwest::Method::GET, &format!("/api/v1/notices/{id}"), None, None).await;
        assert_eq!(n.status, StatusCode::OK);
        assert_eq!(n.body["state"], "resolved");
        let revs: Vec<&str> = n.body["revisions"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
        assert_eq!(revs, ["publish", "end"]);
        let ended = app.call(reqwest::Method::GET, "/api/v1/notices?state=ended", None, None).await;
        assert_eq!(ended.body["items"].as_array().unwrap().len(), 1);
        let up = app.call(reqwest::Method::GET, "/api/v1/notices?state=upcoming&lang=sv", None, None).await;
        assert_eq!(up.body["items"][0]["id"], upcoming.as_str());
        assert_eq!(up.body["items"][0]["title"], json!({"sv": "Underhåll"}));
        let by_service = app.call(reqwest::Method::GET, "/api/v1/notices?service=mykanta", None, None).await;
        assert_eq!(by_service.body["items"].as_array().unwrap().len(), 1);
        let bad = app.call(reqwest::Method::GET, "/api/v1/notices?state=soon&kind=x", None, None).await;
        assert_eq!(bad.error_fields(), ["state", "kind"]);
    }

    async fn a_retraction_reaches_everyone_who_received_the_notice_and_no_one_else(app: TestApp) {
        let org = app.organisation("A", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        contact(&app, &org, Some("got-it@a.example"), Some("0401234567"), "fi", json!({})).await;
        let id = publish(&app, fault("critical", &["prescription-centre"])).await;
        app.drain().await;
        // Registered after the notice went out: the retraction is not for them.
        contact(&app, &org, Some("late@a.example"), None, "fi", json!({})).await;
        let r = app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator, json!({"action": "cancel"})).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        assert_eq!(r.body["state"], "cancelled");
        app.drain().await;
        let retraction: Vec<String> = app.emails().into_iter().filter(|m| m.contains(&format!("{id}.2.email"))).collect();
        assert_eq!(retraction.len(), 1);
        assert!(retraction[0].contains("To: got-it@a.example"));
        let sms: Vec<_> = app.sms().into_iter().filter(|s| s["reference"].as_str().unwrap().starts_with(&format!("{id}.2.sms"))).collect();
        assert_eq!(sms.len(), 1, "SMS recipients hear of the retraction by SMS too");
    }

    async fn deleting_a_contact_erases_its_pending_deliveries(app: TestApp) {
        let org = app.organisation("A", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        let c = contact(&app, &org, Some("gone@a.example"), None, "fi", json!({})).await;
        let id = publish(&app, fault("minor", &["prescription-centre"])).await;
        app.deliverer.fan_out().await.unwrap();
        app.delete(&format!("/api/v1/organisations/{org}/contacts/{c}"), &app.operator).await;
        app.drain().await;
        assert!(app.emails().is_empty(), "nothing is sent to a deleted contact");
        let s = summary(&app, &id).await;
        assert_eq!(s["summary"]["email"]["failed"], 1);
        assert_eq!(s["items"][0]["address"], "(erased)");
        for text in app.database_dump().await {
            assert!(!text.contains("gone@a.example"));
        }
    }
}
