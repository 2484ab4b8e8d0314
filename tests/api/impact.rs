//! Impact: a notice says whether use is prevented and how each service is hit, and the
//! services that work through an affected one show as affected too — on the page, in
//! RSS/Atom (feedparser), in CAP (parameters and responseType, against the schema) and in
//! the public JSON.

use crate::notices::fault;
use crate::on_both_databases;
use crate::support::TestApp;
use crate::support::parsers::{cap_infos, feed_entries, python_has};
use reqwest::StatusCode;
use serde_json::json;

async fn text(app: &TestApp, path: &str) -> String {
    reqwest::get(app.url(path))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

on_both_databases! {
    async fn a_reader_sees_at_once_whether_the_service_can_be_used_and_what_else_is_affected(app: TestApp) {
        let mut bad = fault("critical", &["prescription-centre"]);
        bad["impact"] = json!({"mykanta": "down", "prescription-centre": "gone"});
        let refused = app.post("/api/v1/notices", &app.operator, bad).await;
        assert_eq!(refused.error_fields(), ["impact.mykanta", "impact.prescription-centre"], "{}", refused.text);

        let mut n = fault("critical", &["prescription-centre"]);
        n["impact"] = json!({"prescription-centre": "down"});
        n["estimated_end_at"] = json!("2036-11-22T14:00:00Z");
        n["next_update_at"] = json!("2036-11-22T12:00:00Z");
        let published = app.post("/api/v1/notices", &app.operator, n).await;
        assert_eq!(published.status, StatusCode::ACCEPTED, "{}", published.text);
        let id = published.body["id"].as_str().unwrap().to_owned();

        let json = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
        assert_eq!(json["usage_break"], true, "a service down is a usage break: {json}");
        assert_eq!(json["impact"], json!({"prescription-centre": "down"}));
        assert_eq!(json["affected_through"], json!([{"service": "mykanta", "through": "prescription-centre",
            "part": {"fi": "reseptit", "sv": "recept", "en": "prescriptions"}}]));

        let page = text(&app, "/?lang=fi").await;
        for line in ["Käyttökatko: </strong>kyllä, palvelua ei voi käyttää", "Vaikutus: </strong>Reseptikeskus: ei käytettävissä",
                     "Vaikuttaa myös: </strong>OmaKanta, reseptit (riippuu palvelusta Reseptikeskus)",
                     "Arvioitu päättyminen: <time datetime=\"2036-11-22T14:00:00+00:00\">22.11.2036 klo 16.00",
                     "Seuraava päivitys viimeistään: <time datetime=\"2036-11-22T12:00:00+00:00\">22.11.2036 klo 14.00"] {
            assert!(page.contains(line), "the page says {line:?}");
        }
        let sv = text(&app, &format!("/notices/{id}?lang=sv")).await;
        assert!(sv.contains("Avbrott: </strong>ja, tjänsten kan inte användas") && sv.contains("MittKanta, recept (beror på Receptcentret)"), "the notice page in Swedish");

        // An update that says use is possible again.
        let update = app.post(&format!("/api/v1/notices/{id}/revisions"), &app.operator, json!({
            "action": "update", "usage_break": false, "impact": {"prescription-centre": "degraded"},
            "body": {"fi": "Palvelu toimii hitaasti.", "sv": "Tjänsten är långsam."}})).await;
        assert_eq!(update.status, StatusCode::ACCEPTED, "{}", update.text);
        let json = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
        assert_eq!((json["usage_break"].clone(), json["impact"].clone()), (json!(false), json!({"prescription-centre": "degraded"})));

        assert!(python_has("feedparser") && python_has("lxml"), "the feeds and CAP are read by their own parsers");
        let rss = feed_entries(text(&app, "/feed.rss?lang=en").await).await;
        let newest = rss[0]["summary"].as_str().unwrap();
        assert!(newest.contains("Service break: no, the service can be used") && newest.contains("Impact: Prescription Centre: slow or partly failing"), "{newest}");
        assert!(newest.contains("Also affected: MyKanta, prescriptions (through Prescription Centre)") && newest.contains("Estimated end: 22 Nov 2036 16:00"), "{newest}");
        let atom = feed_entries(text(&app, "/feed.atom?lang=fi").await).await;
        assert!(atom[1]["summary"].as_str().unwrap().contains("Käyttökatko: kyllä"), "{atom}");

        let cap = cap_infos(text(&app, "/cap.xml").await).await;
        let infos = cap.as_array().unwrap();
        let first = infos.iter().rev().find(|i| i["language"] == "en-GB").unwrap();
        assert_eq!(first["responseType"], "Execute", "a fault that prevents use: follow the procedures");
        let params = first["parameters"].as_array().unwrap();
        for p in [json!(["usage_break", "true"]), json!(["impact", "prescription-centre=down"]),
                  json!(["affected_through", "mykanta<prescription-centre"]), json!(["estimated_end", "2036-11-22T16:00:00+02:00"]),
                  json!(["next_update", "2036-11-22T14:00:00+02:00"])] {
            assert!(params.contains(&p), "{p} in {params:?}");
        }
        let latest = &infos[0];
        assert!(latest["parameters"].as_array().unwrap().contains(&json!(["usage_break", "false"])), "{latest}");
    }
}

on_both_databases! {
    async fn a_planned_change_without_a_break_is_announced_like_maintenance(app: TestApp) {
        let org = app.pharmacy().await;
        crate::notices::contact(&app, &org, Some("huolto@apteekki.fi"), None, "fi", json!({"kinds": ["maintenance"]})).await;
        crate::notices::contact(&app, &org, Some("vika@apteekki.fi"), None, "fi", json!({"kinds": ["fault"], "name": "Vika"})).await;
        let refused = app.post(&format!("/api/v1/organisations/{org}/contacts"), &app.operator,
            json!({"name": "X", "role": "helpdesk", "email": "x@apteekki.fi", "language": "fi", "channels": ["email"], "kinds": ["change"]})).await;
        assert_eq!(refused.error_fields(), ["kinds[0]"], "changes come with maintenance");

        let now = faultcast::clock::Clock::now_micros(&*app.clock);
        let mut change = fault("minor", &["prescription-centre"]);
        change["kind"] = json!("change");
        change.as_object_mut().unwrap().remove("severity");
        change["window_start"] = json!((now + chrono::Duration::days(3)).to_rfc3339());
        change["window_end"] = json!((now + chrono::Duration::days(3) + chrono::Duration::hours(2)).to_rfc3339());
        let mut broken = change.clone();
        broken["usage_break"] = json!(true);
        assert_eq!(app.post("/api/v1/notices", &app.operator, broken).await.error_fields(), ["usage_break"]);
        let published = app.post("/api/v1/notices", &app.operator, change).await;
        assert_eq!(published.status, StatusCode::ACCEPTED, "{}", published.text);
        assert_eq!(published.body["state"], "scheduled");
        let id = published.body["id"].as_str().unwrap().to_owned();
        app.scheduler.round().await.unwrap();
        app.drain().await;
        let to: Vec<String> = app.emails().iter().filter_map(|m| m.lines().find(|l| l.starts_with("To: ")).map(str::to_owned)).collect();
        assert_eq!(to, ["To: huolto@apteekki.fi"], "announced at once (short notice) to those who take maintenance notices");

        let json = app.public_get(&format!("/api/v1/notices/{id}")).await.body;
        assert_eq!((json["kind"].as_str(), json["usage_break"].clone()), (Some("change"), json!(false)));
        assert!(json["reminders"].as_array().is_some_and(|r| !r.is_empty()), "planned like maintenance: {json}");
        let page = text(&app, "/?lang=fi").await;
        assert!(page.contains("Muutostiedote") && page.contains("Käyttökatko: </strong>ei, palvelua voi käyttää"), "upcoming, without a break");
        assert!(text(&app, "/maintenance.ics").await.contains(&id), "in the maintenance calendar");
        assert!(python_has("lxml"));
        let cap = cap_infos(text(&app, "/cap.xml").await).await;
        let info = cap.as_array().unwrap().iter().find(|i| i["language"] == "en-GB").unwrap();
        assert_eq!(info["responseType"], "Monitor");
    }
}
