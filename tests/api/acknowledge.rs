//! "Received and passed on": the emails of critical faults and instructions carry a link
//! signed for their delivery, their SMS a short one when it fits in the parts the text takes;
//! a GET shows what would be acknowledged, the POST records it once; a link altered, made for
//! something else or past its month is refused. Every notice email links to the portal.

use crate::console::browser;
use crate::notices::{contact, fault};
use crate::on_both_databases;
use crate::support::TestApp;
use crate::support::inspect::readable;
use reqwest::StatusCode;
use reqwest::header::ORIGIN;
use serde_json::{Value, json};

/// The newest notice email to `to` (not faultcast's own messages), as a reader sees it.
fn mail_to(app: &TestApp, to: &str) -> String {
    let mail = app
        .emails()
        .into_iter()
        .rev()
        .find(|m| m.contains(&format!("To: {to}")) && !m.contains("Message-ID: <system."))
        .expect("an email");
    readable(&mail)
}

/// The path and query of the first link in `text` that starts with `prefix`.
fn link_in(text: &str, prefix: &str) -> Option<String> {
    let at = text.find(prefix)?;
    let start = text[..at].rfind("http").unwrap_or(at);
    let url: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !"\"<>".contains(*c))
        .collect();
    Some(url.split_once("//").map_or(url.clone(), |(_, rest)| {
        rest.find('/')
            .map_or(String::new(), |i| rest[i..].to_owned())
    }))
}

async fn audit_actions(app: &TestApp, action: &str) -> usize {
    let a = app.get("/api/v1/audit?limit=200", &app.operator).await;
    a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .count()
}

async fn post_from_page(app: &TestApp, path: &str, origin: &str) -> reqwest::Response {
    browser()
        .post(app.url(path))
        .header(ORIGIN, origin)
        .send()
        .await
        .unwrap()
}

fn critical_with_sms() -> Value {
    let mut n = fault("critical", &["prescription-centre"]);
    n["sms"] = json!({"fi": "Reseptikeskus ei toimi.", "sv": "Receptcentret fungerar inte."});
    n
}

on_both_databases! {
    async fn a_critical_fault_carries_an_acknowledgement_that_only_its_button_records_once(app: TestApp) {
        let org = app.pharmacy().await;
        contact(&app, &org, Some("tuki@apteekki.fi"), Some("040 123 4567"), "sv", json!({})).await;
        let published = app.post("/api/v1/notices", &app.operator, critical_with_sms()).await;
        assert_eq!(published.status, StatusCode::ACCEPTED);
        app.drain().await;

        let mail = mail_to(&app, "tuki@apteekki.fi");
        assert!(mail.contains("Kvittera: mottaget och vidarebefordrat"), "{mail}");
        assert!(mail.contains("/portal?lang=sv"), "every notice email links to the portal: {mail}");
        let ack = link_in(&mail, "/links/ack?t=").expect("an acknowledgement link");
        let sms = app.sms();
        let text = sms[0]["text"].as_str().unwrap().to_owned();
        assert!(text.starts_with("Receptcentret fungerar inte. http"), "{text}");
        let short = link_in(&text, "/a/").expect("a short link in the SMS");
        assert_eq!(short.len(), "/a/".len() + 20, "{short}");

        for _ in 0..2 {
            let shown = browser().get(app.url(&ack)).send().await.unwrap();
            assert_eq!(shown.status(), StatusCode::OK, "a GET, as a scanner makes, records nothing");
            assert_eq!(shown.headers()["cache-control"], "no-store");
            let page = shown.text().await.unwrap();
            assert!(page.contains("Störning i Receptcentret") && page.contains("Apteekki") && page.contains("Mottaget och vidarebefordrat"), "{page}");
        }
        assert_eq!(audit_actions(&app, "notice.acknowledge").await, 0);
        assert_eq!(post_from_page(&app, &ack, "https://evil.example").await.status(), StatusCode::FORBIDDEN);

        let done = post_from_page(&app, &ack, &app.url("")).await;
        assert_eq!(done.status(), StatusCode::OK);
        let page = done.text().await.unwrap();
        assert!(page.contains("Tack. Kvitterat som mottaget"), "{page}");
        let again = post_from_page(&app, &ack, &app.url("")).await;
        assert_eq!(again.status(), StatusCode::OK);
        assert!(again.text().await.unwrap().contains("Tack."));
        assert_eq!(audit_actions(&app, "notice.acknowledge").await, 1, "recorded once");

        // The SMS's short link acknowledges its own delivery.
        assert_eq!(browser().get(app.url(&short)).send().await.unwrap().status(), StatusCode::OK);
        assert_eq!(post_from_page(&app, &short, &app.url("")).await.status(), StatusCode::OK);
        assert_eq!(audit_actions(&app, "notice.acknowledge").await, 2);
        let log = app.get("/api/v1/audit?limit=200", &app.operator).await;
        assert!(log.text.contains("\"actor\":\"contact:"), "in the contact's name: {}", log.text);
    }
}

on_both_databases! {
    async fn an_altered_foreign_or_old_acknowledgement_link_records_nothing(app: TestApp) {
        let org = app.pharmacy().await;
        let id = contact(&app, &org, Some("tuki@apteekki.fi"), Some("040 123 4567"), "en", json!({})).await;
        app.post("/api/v1/notices", &app.operator, critical_with_sms()).await;
        app.drain().await;
        let ack = link_in(&mail_to(&app, "tuki@apteekki.fi"), "/links/ack?t=").unwrap();
        let short = link_in(app.sms()[0]["text"].as_str().unwrap(), "/a/").unwrap();

        let token = ack.split("t=").nth(1).unwrap().split('&').next().unwrap().to_owned();
        let mut bad = token.clone().into_bytes();
        let mid = bad.len() / 2;
        bad[mid] = if bad[mid] == b'A' { b'B' } else { b'A' };
        let altered = format!("/links/ack?t={}&lang=en", String::from_utf8(bad).unwrap());
        let still = app.intake.still_current_link(
            faultcast::registry::OrgId::parse(&org).unwrap(),
            faultcast::registry::ContactId::parse(&id).unwrap(),
        ).unwrap();
        let foreign = format!("/links/ack?t={}", still.split("t=").nth(1).unwrap());
        let code = short.trim_start_matches("/a/");
        let mut bad_code = code.to_owned().into_bytes();
        bad_code[0] = if bad_code[0] == b'A' { b'B' } else { b'A' };
        let altered_code = format!("/a/{}", String::from_utf8(bad_code).unwrap());
        for path in [&altered, &foreign, &altered_code, &"/a/nonsense".to_owned(), &format!("/a/{token}")] {
            assert_eq!(browser().get(app.url(path)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
            assert_eq!(post_from_page(&app, path, &app.url("")).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        app.clock.advance(chrono::Duration::days(31));
        for path in [&ack, &short] {
            let shown = browser().get(app.url(path)).send().await.unwrap();
            assert_eq!(shown.status(), StatusCode::GONE, "{path}");
            let text = shown.text().await.unwrap();
            assert!(text.contains("has expired") || text.contains("on vanhentunut"), "in the link's language, or the browser's: {text}");
            assert_eq!(post_from_page(&app, path, &app.url("")).await.status(), StatusCode::GONE);
        }
        assert_eq!(audit_actions(&app, "notice.acknowledge").await, 0);
    }
}

on_both_databases! {
    async fn only_critical_faults_and_instructions_ask_for_an_acknowledgement_and_an_sms_link_never_adds_a_part(app: TestApp) {
        let org = app.pharmacy().await;
        contact(&app, &org, Some("tuki@apteekki.fi"), Some("040 123 4567"), "fi", json!({})).await;
        let mut minor = fault("minor", &["prescription-centre"]);
        minor["sms"] = json!({"fi": "Pieni häiriö.", "sv": "Liten störning."});
        app.post("/api/v1/notices", &app.operator, minor).await;
        app.drain().await;
        let mail = mail_to(&app, "tuki@apteekki.fi");
        assert!(mail.contains("/portal?lang=fi") && !mail.contains("/links/ack"), "{mail}");
        assert!(app.sms().iter().all(|m| !m["text"].as_str().unwrap().contains("/a/")));

        // A critical SMS that fills its one part exactly keeps it: no link.
        let full = "Reseptikeskus ei toimi. ".repeat(7);
        let full = &full[..160];
        let mut critical = fault("critical", &["prescription-centre"]);
        critical["sms"] = json!({"fi": full, "sv": "Receptcentret fungerar inte."});
        app.post("/api/v1/notices", &app.operator, critical).await;
        app.drain().await;
        let last = app.sms().last().unwrap()["text"].as_str().unwrap().to_owned();
        assert!(!last.contains("/a/"), "{last}");
        assert!(mail_to(&app, "tuki@apteekki.fi").contains("/links/ack?t="), "the email still asks");

        let mut instruction = fault("critical", &["prescription-centre"]);
        instruction["kind"] = json!("instruction");
        instruction.as_object_mut().unwrap().remove("severity");
        instruction["issuer"] = json!("THL");
        let sent = app.post("/api/v1/notices", &app.operator, instruction).await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
        app.drain().await;
        assert!(mail_to(&app, "tuki@apteekki.fi").contains("/links/ack?t="), "an instruction asks");
    }
}

on_both_databases! {
    async fn the_acknowledgement_pages_pass_axe_in_all_three_languages(app: TestApp) {
        if !crate::browser::browser_available() {
            return;
        }
        let org = app.pharmacy().await;
        contact(&app, &org, Some("tuki@apteekki.fi"), Some("040 123 4567"), "fi", json!({})).await;
        app.post("/api/v1/notices", &app.operator, critical_with_sms()).await;
        app.drain().await;
        let ack = link_in(&mail_to(&app, "tuki@apteekki.fi"), "/links/ack?t=").unwrap();
        let short = link_in(app.sms()[0]["text"].as_str().unwrap(), "/a/").unwrap();
        let base = ack.split("&lang=").next().unwrap().to_owned();
        post_from_page(&app, &short, &app.url("")).await;
        let mut paths: Vec<String> = ["fi", "sv", "en"].iter().map(|l| format!("{base}&lang={l}")).collect();
        paths.push(format!("{short}?lang=sv"));
        paths.push("/a/nonsense?lang=en".to_owned());
        let report = crate::browser::run_script("axe_pages.mjs", vec![app.url(""), serde_json::to_string(&paths).unwrap()]).await;
        let results = report["results"].as_array().unwrap();
        assert_eq!(results.len(), 5);
        crate::browser::assert_pages_pass(results);
        assert_eq!(results[4]["status"], 404);
    }
}
