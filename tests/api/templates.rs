//! Notice templates: the shipped set carries the standing procedures and makes a correct
//! bilingual notice, placeholders filled per language in Helsinki time; templates change in
//! versions, each audited; a bad template file stops the daemon naming the file and field.

use crate::cli::{faultcast, run};
use crate::notices::contact;
use crate::on_both_databases;
use crate::support::TestApp;
use crate::support::app::settings_with;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

const RX: &str = "/api/v1/templates/prescription-centre-fault-start";

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> crate::support::app::Answer {
    app.call(Method::PUT, path, Some(token), Some(body)).await
}

on_both_databases! {
    async fn support_publishes_a_bilingual_fault_from_a_template_with_the_standing_procedures(app: TestApp) {
        let pharmacy = app.pharmacy().await;
        contact(&app, &pharmacy, Some("tuki@apteekki.fi"), Some("040 123 4567"), "sv", json!({})).await;

        let list = app.get("/api/v1/templates?service=prescription-centre&phase=start", &app.operator).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let ids: Vec<&str> = list.body["items"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
        assert!(ids.contains(&"prescription-centre-fault-start") && ids.contains(&"fault-start"), "{ids:?}");
        assert!(!ids.contains(&"mykanta-sign-in-fault-start") && !ids.contains(&"fault-end"), "{ids:?}");

        // The template as a notice body: complete it with the estimate and publish.
        let mut body = app.get(&format!("{RX}/notice"), &app.operator).await.body;
        assert_eq!(body["kind"], "fault");
        assert_eq!(body["services"], json!(["prescription-centre"]));
        assert!(body["title"]["fi"].as_str().unwrap().contains("{service}"));
        body["started_at"] = json!("2026-11-22T10:05:00Z");
        body["estimated_end_at"] = json!("2026-11-22T14:00:00Z");
        let published = app.post("/api/v1/notices", &app.operator, body).await;
        assert_eq!(published.status, StatusCode::ACCEPTED, "{}", published.text);
        let id = published.body["id"].as_str().unwrap().to_owned();
        let link = format!("/notices/{id}");

        let notice = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
        assert_eq!((notice["usage_break"].clone(), notice["impact"].clone()), (json!(true), json!({"prescription-centre": "down"})), "the template says use is prevented");
        let title = &notice["title"];
        assert_eq!(title["fi"], "Häiriö: Reseptikeskus ei ole käytettävissä");
        assert_eq!(title["sv"], "Störning: Receptcentret kan inte användas");
        let fi = notice["body"]["fi"].as_str().unwrap();
        assert!(fi.contains("22.11.2026 klo 12.05 (UTC+02:00)") && fi.contains("22.11.2026 klo 16.00 (UTC+02:00)"), "{fi}");
        assert!(fi.contains("Seuraava tilannetieto viimeistään ei vielä tiedossa") && fi.contains(&link), "{fi}");
        let sv = notice["body"]["sv"].as_str().unwrap();
        assert!(sv.contains("22.11.2026 kl. 12.05 (UTC+02:00)") && sv.contains("Beräknat slut: 22.11.2026 kl. 16.00"), "{sv}");
        assert!(!fi.contains('{') && !sv.contains('{'), "every placeholder filled");
        let pharmacies = notice["instructions"]["pharmacy"]["sv"].as_str().unwrap();
        assert!(pharmacies.contains("nödvändiga läkemedel tryggas"), "{pharmacies}");
        let prescribers = notice["instructions"]["healthcare"]["fi"].as_str().unwrap();
        assert!(prescribers.contains("puhelinreseptillä") && prescribers.contains("huumausainelomakkeella"), "{prescribers}");

        app.drain().await;
        let sms = app.sms();
        assert_eq!(sms.len(), 1, "critical: the pharmacy's phone too: {sms:?}");
        let text = sms[0]["text"].as_str().unwrap();
        assert!(text.starts_with("Störning: Receptcentret ur bruk sedan 22.11.2026 kl. 12.05") && text.contains(&link), "{text}");

        // The update template revises the notice; the new estimate shows in each language.
        let mut update = app.get("/api/v1/templates/prescription-centre-fault-update/notice", &app.operator).await.body;
        assert_eq!(update["action"], "update");
        for field in ["kind", "services", "audiences", "severity"] {
            update.as_object_mut().unwrap().remove(field);
        }
        update["estimated_end_at"] = json!("2026-11-22T16:30:00Z");
        update["next_update_at"] = json!("2026-11-22T15:00:00Z");
        let revised = app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator, update).await;
        assert_eq!(revised.status, StatusCode::ACCEPTED, "{}", revised.text);
        let notice = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
        let en = notice["body"]["en"].as_str().unwrap();
        assert!(en.contains("Estimated end: 22 Nov 2026 18:30 (UTC+02:00). Next update by 22 Nov 2026 17:00"), "{en}");
        assert_eq!(notice["title"]["sv"], "Störningen fortsätter: Receptcentret");
    }

    async fn templates_change_in_versions_each_audited_and_checked_as_a_notice_would_be(app: TestApp) {
        let t = json!({
            "id": "kelain-fault-start", "kind": "fault", "phase": "start", "services": ["kelain"], "severity": "major",
            "name": {"fi": "Kelain-häiriö", "sv": "Kelain-störning"},
            "title": {"fi": "Häiriö: {service}", "sv": "Störning: {service}"},
            "body": {"fi": "Kelain ei toimi {start} alkaen. {link}", "sv": "Kelain fungerar inte sedan {start}. {link}"}
        });
        let created = app.post("/api/v1/templates", &app.operator, t.clone()).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        assert_eq!((created.body["version"].as_i64(), created.body["source"].as_str()), (Some(1), Some("api")));
        let again = app.post("/api/v1/templates", &app.operator, t.clone()).await;
        assert_eq!(again.error_fields(), ["id"]);

        let mut changed = t.clone();
        changed["title"]["fi"] = json!("Kelain-häiriö: {service}");
        let second = put(&app, "/api/v1/templates/kelain-fault-start", &app.operator, changed).await;
        assert_eq!(second.status, StatusCode::OK, "{}", second.text);
        assert_eq!(second.body["version"], 2);
        let latest = app.get("/api/v1/templates/kelain-fault-start", &app.operator).await.body;
        assert_eq!(latest["title"]["fi"], "Kelain-häiriö: {service}");
        let versions: Vec<i64> = latest["versions"].as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
        assert_eq!(versions, [2, 1]);
        assert_eq!(latest["versions"][0]["actor"], latest["updated_by"]);
        let first = app.get("/api/v1/templates/kelain-fault-start?version=1", &app.operator).await.body;
        assert_eq!(first["title"]["fi"], "Häiriö: {service}");

        let audit = app.get("/api/v1/audit", &app.operator).await.body;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter(|a| a["target_id"] == "kelain-fault-start").map(|a| a["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["template.change", "template.create"]);

        // Checked as a notice: a misspelt placeholder, an SMS too long once filled.
        let mut typo = t.clone();
        typo["body"]["sv"] = json!("Började {strat}.");
        typo["sms"] = json!({"fi": format!("{} {{link}}", "x".repeat(440)), "sv": "Störning {link}"});
        let bad = put(&app, "/api/v1/templates/kelain-fault-start", &app.operator, typo).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["body.sv", "sms.fi"], "{}", bad.text);
        assert_eq!(app.get("/api/v1/templates/kelain-fault-start", &app.operator).await.body["version"], 2, "nothing written");
        let mut renamed = t.clone();
        renamed["id"] = json!("other");
        assert_eq!(put(&app, "/api/v1/templates/kelain-fault-start", &app.operator, renamed).await.error_fields(), ["id"]);
        let mut unnamed = t.clone();
        unnamed.as_object_mut().unwrap().remove("id");
        assert_eq!(put(&app, "/api/v1/templates/no-such", &app.operator, unnamed).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/templates/no-such", &app.operator).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/templates/kelain-fault-start?version=9", &app.operator).await.status, StatusCode::NOT_FOUND);

        let org = app.pharmacy().await;
        let admin = app.org_admin(&org).await;
        assert_eq!(app.get("/api/v1/templates", &admin).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.post("/api/v1/templates", &admin, t).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.public_get("/api/v1/templates").await.status, StatusCode::UNAUTHORIZED);
    }

    async fn an_edited_template_file_becomes_a_new_version_at_the_next_start_and_an_unchanged_one_does_not(app: TestApp) {
        let files = tempfile::tempdir().unwrap();
        let file = files.path().join("ours.toml");
        std::fs::write(&file, GOOD).unwrap();
        let dir_env = [("FAULTCAST__TEMPLATES__DIR", files.path().display().to_string())];
        let start = || async {
            let scratch = tempfile::tempdir().unwrap();
            let settings = settings_with(scratch.path(), &app.database_url, &dir_env);
            let clock = Arc::new(faultcast::clock::SystemClock) as Arc<dyn faultcast::clock::Clock>;
            faultcast::app::App::build(&settings, clock).await.expect("the daemon starts");
        };
        start().await;
        start().await;
        let read = app.get("/api/v1/templates/ours-start", &app.operator).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert_eq!(read.body["versions"].as_array().unwrap().len(), 1, "an unchanged file adds no version");
        assert_eq!(read.body["source"], "file:ours.toml");
        std::fs::write(&file, GOOD.replace("Alkoi", "Alkanut")).unwrap();
        start().await;
        let read = app.get("/api/v1/templates/ours-start", &app.operator).await.body;
        assert_eq!(read["version"], 2);
        assert_eq!(read["body"]["fi"], "Alkanut {start}. {link}");
    }
}

const GOOD: &str = r#"
[[template]]
id = "ours-start"
kind = "fault"
phase = "start"
name = { fi = "Oma", sv = "Egen" }
title = { fi = "Häiriö: {service}", sv = "Störning: {service}" }
body = { fi = "Alkoi {start}. {link}", sv = "Började {start}. {link}" }
"#;

#[test]
fn a_bad_template_file_stops_the_daemon_naming_the_file_the_template_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("ours.toml"), GOOD).unwrap();
    let check = |dir: &std::path::Path| {
        let mut c = faultcast(dir, "sqlite://x.db");
        c.args(["config", "check"])
            .env("FAULTCAST__TEMPLATES__DIR", &templates);
        run(&mut c)
    };
    let (code, out, err) = check(dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 notice templates"), "{out}");
    std::fs::write(
        templates.join("ours.toml"),
        GOOD.replace(", sv = \"Störning: {service}\"", ""),
    )
    .unwrap();
    let (code, _, err) = check(dir.path());
    assert_eq!(code, 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("ours.toml: template[0] (ours-start): title.sv is required"),
        "{err}"
    );
    let mut serve = faultcast(dir.path(), "sqlite://x.db?mode=rwc");
    serve
        .arg("serve")
        .env("FAULTCAST__TEMPLATES__DIR", &templates)
        .env("FAULTCAST__SERVER__LISTEN", "127.0.0.1:0");
    let (code, _, err) = run(&mut serve);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("title.sv is required"), "{err}");
}

on_both_databases! {
    async fn support_changes_a_template_in_the_console_as_a_new_version(app: TestApp) {
        use crate::console::{browser, hidden, session};
        use reqwest::header::{COOKIE, ORIGIN};
        let anna = session(&app, "Anna (tuki)").await;
        let list = browser().get(app.url("/console/templates?lang=en")).header(COOKIE, &anna).send().await.unwrap().text().await.unwrap();
        assert!(list.contains("Prescription Centre down – start of the fault") && list.contains("/console/templates/fault-start?lang=en"), "{list}");
        let page = browser().get(app.url("/console/templates/fault-start?lang=en")).header(COOKIE, &anna).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Häiriö: {service}"), "the current texts in the form");
        let mut fields: Vec<(String, String)> = vec![("csrf".into(), hidden(&page, "csrf"))];
        for (k, v) in [("name_fi", "Häiriö – alku"), ("name_sv", "Störning – början"), ("title_fi", "Häiriö palvelussa {service}"),
                       ("title_sv", "Störning: {service}"), ("body_fi", "Alkoi {start}. {link}"), ("body_sv", "Började {start}. {link}")] {
            fields.push((k.into(), v.into()));
        }
        let saved = browser().post(app.url("/console/templates/fault-start?lang=en")).header(COOKIE, &anna).header(ORIGIN, app.url("")).form(&fields).send().await.unwrap();
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let v = app.get("/api/v1/templates/fault-start", &app.operator).await.body;
        assert_eq!((v["version"].as_i64(), v["source"].as_str(), v["updated_by"].as_str()), (Some(2), Some("console"), Some("console:Anna (tuki)")));
        assert_eq!(v["title"]["fi"], "Häiriö palvelussa {service}");
        assert_eq!(v["severity"], "major", "what the form does not show is kept");

        fields.retain(|(k, _)| k != "body_sv");
        fields.push(("body_sv".into(), "Började {strat}.".into()));
        let refused = browser().post(app.url("/console/templates/fault-start?lang=en")).header(COOKIE, &anna).header(ORIGIN, app.url("")).form(&fields).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.text().await.unwrap();
        assert!(page.contains("{strat} is not a placeholder") && page.contains("Började {strat}."), "marked, and what was typed kept");
        assert_eq!(app.get("/api/v1/templates/fault-start", &app.operator).await.body["version"], 2);
    }
}
