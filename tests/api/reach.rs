//! Reach per organisation: for a critical fault or an instruction, each organisation it was
//! sent to is unreached, reached (an SMTP 250 or an SMS receipt `delivered` for any of its
//! contacts) or acknowledged; one not acknowledged within `[reach] escalate_after_minutes`
//! is escalated once — by SMS to its contacts with a phone that did not get the revision by
//! SMS, and by email to its portal admins — once across daemons.

use crate::console::browser;
use crate::notices::{contact, fault};
use crate::on_both_databases;
use crate::support::inspect::readable;
use crate::support::{Backend, TestApp, spawn_app, spawn_node_of};
use reqwest::StatusCode;
use reqwest::header::ORIGIN;
use serde_json::{Value, json};

fn critical() -> Value {
    let mut n = fault("critical", &["prescription-centre"]);
    n["sms"] = json!({"fi": "Reseptikeskus ei toimi.", "sv": "Receptcentret fungerar inte."});
    n
}

async fn publish(app: &TestApp, body: Value) -> String {
    let a = app.post("/api/v1/notices", &app.operator, body).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    a.body["id"].as_str().unwrap().to_owned()
}

async fn reach(app: &TestApp, id: &str) -> Value {
    let a = app
        .get(&format!("/api/v1/notices/{id}/reach"), &app.operator)
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

fn state_of<'a>(board: &'a Value, name: &str) -> &'a Value {
    board["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("{name} on the board: {board}"))
}

/// The acknowledgement link in the newest email to `to`.
fn ack_link(app: &TestApp, to: &str) -> String {
    let mail = app
        .emails()
        .into_iter()
        .rev()
        .find(|m| m.contains(&format!("To: {to}")))
        .unwrap();
    let text = readable(&mail);
    let at = text.find("/links/ack?t=").unwrap();
    text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !"\"<>".contains(*c))
        .collect()
}

on_both_databases! {
    async fn each_organisation_goes_from_unreached_to_reached_to_acknowledged(app: TestApp) {
        let a = app.organisation("Apteekki A", "0112038-9", "pharmacy", &["prescription-centre"]).await;
        let b = app.organisation("Apteekki B", "1572860-0", "pharmacy", &["prescription-centre"]).await;
        let c = app.organisation("Apteekki C", "2617416-4", "pharmacy", &["prescription-centre"]).await;
        contact(&app, &a, Some("a@a.fi"), None, "fi", json!({})).await;
        contact(&app, &b, None, Some("040 111 2222"), "fi", json!({"name": "B night"})).await;
        contact(&app, &c, Some("c@c.fi"), None, "sv", json!({})).await;
        let id = publish(&app, critical()).await;
        app.drain().await;

        let board = reach(&app, &id).await;
        assert_eq!(board["asks_acknowledgement"], true);
        assert_eq!(board["counts"], json!({"organisations": 3, "unreached": 1, "reached": 2, "acknowledged": 0, "escalated": 0}), "{board}");
        assert_eq!(state_of(&board, "Apteekki B")["state"], "unreached", "an SMS without a receipt has not reached anyone yet");
        assert_eq!(state_of(&board, "Apteekki B")["phones"], json!([{"name": "B night", "phone": "+358401112222"}]));
        assert_eq!(board["organisations"][0]["name"], "Apteekki B", "who has not heard comes first");

        let ack = ack_link(&app, "a@a.fi");
        let res = browser().post(app.url(&ack)).header(ORIGIN, app.url("")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let board = reach(&app, &id).await;
        assert_eq!(state_of(&board, "Apteekki A")["state"], "acknowledged");
        assert!(state_of(&board, "Apteekki A")["acknowledged_at"].is_string());
        assert_eq!(board["counts"]["acknowledged"], 1);

        let csv = app.http.get(app.url(&format!("/api/v1/notices/{id}/reach"))).bearer_auth(&app.operator).header("accept", "text/csv").send().await.unwrap();
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        assert!(text.starts_with("organisation,business_id,state,acknowledged_at,escalated_at,phones\n"), "{text}");
        assert!(text.contains("Apteekki B,1572860-0,unreached,,,B night '+358401112222"), "{text}");

        let admin = app.post("/api/v1/tokens", &app.operator, json!({"role": "org_admin", "org_id": a, "label": "A"})).await;
        let token = admin.body["token"].as_str().unwrap().to_owned();
        let refused = app.get(&format!("/api/v1/notices/{id}/reach"), &token).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "operators only: {}", refused.text);
        assert_eq!(app.get("/api/v1/notices/01a23598-0935-70cb-876f-895fe067f370/reach", &app.operator).await.status, StatusCode::NOT_FOUND);
    }
}

on_both_databases! {
    async fn an_organisation_that_does_not_acknowledge_is_escalated_once(app: TestApp) {
        let org = app.pharmacy().await;
        crate::portal::portal_admin(&app, &org, "admin@apteekki.fi", "fi").await;
        // Hears by email only, but has a phone: the escalation texts it.
        contact(&app, &org, Some("desk@apteekki.fi"), Some("040 123 4567"), "sv", json!({"channels": ["email"], "name": "Desk"})).await;
        // Got the SMS already: not texted again.
        contact(&app, &org, None, Some("040 765 4321"), "fi", json!({"name": "Night"})).await;
        let quiet = app.organisation("Hiljainen", "1572860-0", "pharmacy", &["prescription-centre"]).await;
        contact(&app, &quiet, Some("q@q.fi"), None, "fi", json!({})).await;
        let start = faultcast::clock::Clock::now_micros(&*app.clock);
        let id = publish(&app, critical()).await;
        app.drain().await;
        let ack = ack_link(&app, "q@q.fi");
        browser().post(app.url(&ack)).header(ORIGIN, app.url("")).send().await.unwrap();
        let texts_before = app.sms().len();
        assert_eq!(texts_before, 1);

        app.housekeep_at(start + chrono::Duration::minutes(29)).await;
        assert_eq!(reach(&app, &id).await["counts"]["escalated"], 0, "not yet");
        app.housekeep_at(start + chrono::Duration::minutes(31)).await;
        let board = reach(&app, &id).await;
        assert_eq!(board["counts"]["escalated"], 1, "{board}");
        assert!(state_of(&board, "Apteekki")["escalated_at"].is_string());
        assert!(state_of(&board, "Hiljainen")["escalated_at"].is_null(), "an acknowledged organisation is left alone");
        let sms = app.sms();
        assert_eq!(sms.len(), 2, "{sms:?}");
        assert_eq!(sms[1]["to"], "+358401234567");
        assert!(sms[1]["text"].as_str().unwrap().starts_with("Receptcentret fungerar inte."), "the notice's own SMS, in the contact's language");
        let to_admin = app.emails().into_iter().rev().find(|m| m.contains("To: admin@apteekki.fi")).unwrap();
        let to_admin = readable(&to_admin);
        assert!(to_admin.contains("ei ole kuitannut") && to_admin.contains("/links/ack?t="), "{to_admin}");
        // The admin's link acknowledges for the organisation.
        let admin_ack = ack_link(&app, "admin@apteekki.fi");
        let res = browser().post(app.url(&admin_ack)).header(ORIGIN, app.url("")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(state_of(&reach(&app, &id).await, "Apteekki")["state"], "acknowledged");

        app.housekeep_at(start + chrono::Duration::hours(3)).await;
        assert_eq!(app.sms().len(), 2, "once");
        assert_eq!(reach(&app, &id).await["counts"]["escalated"], 1);
        let log = app.get("/api/v1/audit?limit=200", &app.operator).await;
        assert_eq!(log.text.matches("notice.escalate").count(), 1, "{}", log.text);
    }
}

#[tokio::test]
async fn three_daemons_escalate_each_organisation_once() {
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    let others = [spawn_node_of(&app).await, spawn_node_of(&app).await];
    let mut ids = Vec::new();
    for i in 0..5 {
        let org = app
            .organisation(
                &format!("Apteekki {i:02}"),
                &crate::crash::business_id(1_000_000 + i),
                "pharmacy",
                &["prescription-centre"],
            )
            .await;
        contact(
            &app,
            &org,
            Some(&format!("desk{i}@a.fi")),
            Some(&format!("040 100 {i:04}")),
            "fi",
            json!({"channels": ["email"]}),
        )
        .await;
    }
    let start = faultcast::clock::Clock::now_micros(&*app.clock);
    for _ in 0..20 {
        ids.push(publish(&app, critical()).await);
    }
    app.drain().await;
    let later = start + chrono::Duration::minutes(31);
    for node in std::iter::once(&app).chain(others.iter()) {
        node.clock.set(later);
    }
    let (a, b, c) = tokio::join!(
        app.scheduler.round(),
        others[0].scheduler.round(),
        others[1].scheduler.round()
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    for id in &ids {
        let board = reach(&app, id).await;
        assert_eq!(board["counts"]["escalated"], 5, "{board}");
    }
    app.drain().await;
    assert_eq!(
        app.sms().len(),
        100,
        "one text per organisation and notice, whichever daemon escalated"
    );
}

on_both_databases! {
    async fn the_console_shows_a_live_reach_board_with_phones_to_call(app: TestApp) {
        let org = app.pharmacy().await;
        contact(&app, &org, None, Some("040 111 2222"), "fi", json!({"name": "Yöpäivystys"})).await;
        let id = publish(&app, critical()).await;
        app.drain().await;
        let cookie = crate::console::session(&app, "Anna (support)").await;
        let (status, page) = crate::console_registry::page(&app, &cookie, &format!("/console/notices/{id}/reach?lang=en")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("href=\"tel:+358401112222\"") && page.contains("Yöpäivystys"), "{page}");
        assert!(page.contains("data-live"), "live while someone has not acknowledged: {page}");
        let (_, notice) = crate::console_registry::page(&app, &cookie, &format!("/console/notices/{id}?lang=en")).await;
        assert!(notice.contains(&format!("/console/notices/{id}/reach?lang=en")), "the notice page links to it");

        if crate::browser::browser_available() {
            let paths: Vec<String> = ["fi", "sv", "en"].iter().map(|l| format!("/console/notices/{id}/reach?lang={l}")).collect();
            let report = crate::browser::run_script("axe_pages.mjs", vec![app.url(""), serde_json::to_string(&paths).unwrap(), cookie.clone()]).await;
            let results = report["results"].as_array().unwrap();
            assert_eq!(results.len(), 3);
            crate::browser::assert_pages_pass(results);
            assert!(results.iter().all(|r| r["status"] == 200), "{results:?}");
        }
    }
}
