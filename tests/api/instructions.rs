//! An authority's instruction end to end: it needs its issuer, reaches the contacts that take
//! instructions (by email and, always, by SMS, the SMS led by the issuer), and every output —
//! emails, the page, RSS and Atom (feedparser), CAP (validated against the schema) and the
//! JSON — names the authority it comes from.

use crate::notices::contact;
use crate::on_both_databases;
use crate::support::TestApp;
use crate::support::inspect::readable;
use crate::support::parsers::{cap_infos, feed_entries, python_has};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn instruction() -> Value {
    json!({
        "kind": "instruction", "issuer": "thl", "services": ["patient-data-repository"],
        "title": {"fi": "Varajärjestelyt käyttöön", "sv": "Reservrutinerna tas i bruk", "en": "Switch to contingency procedures"},
        "body": {"fi": "Ottakaa paperiset varajärjestelyt käyttöön.", "sv": "Ta reservrutinerna på papper i bruk.", "en": "Switch to the paper procedures."}
    })
}

async fn text(app: &TestApp, path: &str) -> String {
    reqwest::get(app.url(path))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

on_both_databases! {
    async fn an_authoritys_instruction_reaches_its_recipients_and_names_the_authority_everywhere(app: TestApp) {
        let hospital = app.organisation("Sairaala", "2331972-7", "healthcare", &["patient-data-repository"]).await;
        contact(&app, &hospital, Some("paivystys@sairaala.fi"), Some("040 111 2222"), "fi", json!({})).await;
        contact(&app, &hospital, Some("huolto@sairaala.fi"), None, "sv", json!({"kinds": ["maintenance"]})).await;
        let pharmacy = app.pharmacy().await;
        contact(&app, &pharmacy, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;

        let mut missing = instruction();
        missing.as_object_mut().unwrap().remove("issuer");
        assert_eq!(app.post("/api/v1/notices", &app.operator, missing).await.error_fields(), ["issuer"]);
        let mut on_a_fault = crate::notices::fault("major", &["prescription-centre"]);
        on_a_fault["issuer"] = json!("THL");
        assert_eq!(app.post("/api/v1/notices", &app.operator, on_a_fault).await.error_fields(), ["issuer"]);

        let a = app.post("/api/v1/notices", &app.operator, instruction()).await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
        let id = a.body["id"].as_str().unwrap().to_owned();
        app.drain().await;

        let mails: Vec<String> = app.emails().into_iter().map(|m| readable(&m)).collect();
        assert_eq!(mails.len(), 1, "only the contact that takes instructions, of the organisation using the service");
        assert!(mails[0].contains("To: paivystys@sairaala.fi"));
        assert!(mails[0].contains("Ohjeen antaja") && mails[0].contains("Terveyden ja hyvinvoinnin laitos (THL)"), "{}", mails[0]);
        let sms = app.sms();
        assert_eq!(sms.len(), 1, "an instruction always goes by SMS too: {sms:?}");
        assert!(sms[0]["text"].as_str().unwrap().starts_with("THL: Varajärjestelyt käyttöön"), "{sms:?}");

        let page = text(&app, &format!("/notices/{id}?lang=sv")).await;
        assert!(page.contains("Anvisningen ges av") && page.contains("Institutet för hälsa och välfärd (THL)"), "the page");
        let json = app.public_get(&format!("/api/v1/notices/{id}")).await;
        assert_eq!(json.body["issuer"]["code"], "THL");
        assert_eq!(json.body["issuer"]["names"]["en"], "Finnish Institute for Health and Welfare (THL)");

        if !python_has("feedparser") || !python_has("lxml") {
            return;
        }
        let rss = feed_entries(text(&app, "/feed.rss?lang=en").await).await;
        assert!(rss[0]["summary"].as_str().unwrap().contains("Issued by: Finnish Institute for Health and Welfare (THL)"), "{rss}");
        let atom = feed_entries(text(&app, "/feed.atom?lang=fi").await).await;
        assert_eq!(atom[0]["author"], "Terveyden ja hyvinvoinnin laitos (THL)", "{atom}");
        let cap = cap_infos(text(&app, "/cap.xml").await).await;
        let infos = cap.as_array().unwrap();
        assert_eq!(infos.len(), 3, "one info per language: {cap}");
        assert!(infos.iter().all(|i| i["parameters"].as_array().unwrap().contains(&json!(["issuer", "THL"]))), "{cap}");
        let sv = infos.iter().find(|i| i["language"] == "sv-FI").unwrap();
        assert_eq!(sv["senderName"], "Institutet för hälsa och välfärd (THL)");
    }
}
