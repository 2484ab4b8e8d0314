//! A fault handled from the console end to end, in Debian's chromium, through a real SMTP
//! server and a real SMS gateway on loopback: signed in with a link, published from the form
//! through its preview, updated, a refused delivery re-sent, and ended — on SQLite and on
//! PostgreSQL.

use crate::browser::{browser_available, run_script};
use crate::support::sms_sink::{GatewayReply, SmsSink};
use crate::support::smtp_sink::{Reply, SmtpSink};
use crate::support::{Backend, spawn_app_with};
use faultcast::access::Actor;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The messages the SMTP sink took for `rcpt`.
/// The notice emails to `rcpt` (not faultcast's own messages, such as address verification).
fn mail_to(sink: &SmtpSink, rcpt: &str) -> Vec<String> {
    sink.received()
        .into_iter()
        .filter(|r| r.rcpt.iter().any(|x| x == rcpt))
        .map(|r| r.data)
        .filter(|data| !data.contains("Message-ID: <system."))
        .collect()
}

/// The SMS texts the gateway took.
fn texts(sink: &SmsSink) -> Vec<String> {
    sink.requests().iter().map(|r| r.body.to_string()).collect()
}

async fn a_fault_is_published_updated_redriven_and_ended_from_the_console(backend: Backend) {
    if !browser_available() {
        return;
    }
    // The relay refuses one mailbox until it is fixed; the gateway takes everything.
    let fixed = Arc::new(AtomicBool::new(false));
    let f = fixed.clone();
    let smtp = SmtpSink::start(
        Arc::new(move |rcpt: &str, _| {
            if rcpt == "kassa@apteekki.fi" && !f.load(Ordering::SeqCst) {
                Reply::Reject
            } else {
                Reply::Accept
            }
        }),
        true,
    )
    .await;
    let sms = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let extra = [
        ("FAULTCAST__EMAIL__TRANSPORT", "smtp".to_owned()),
        ("FAULTCAST__EMAIL__SMTP__HOST", "127.0.0.1".to_owned()),
        ("FAULTCAST__EMAIL__SMTP__PORT", smtp.addr.port().to_string()),
        ("FAULTCAST__EMAIL__SMTP__TLS", "none".to_owned()),
        ("FAULTCAST__SMS__GATEWAY", "http".to_owned()),
        ("FAULTCAST__SMS__HTTP__URL", sms.url()),
        ("FAULTCAST__SMS__HTTP__TOKEN", "gw-token".to_owned()),
    ];
    let Some(app) = spawn_app_with(backend, &extra).await else {
        return;
    };
    let org = app.pharmacy().await;
    crate::notices::contact(
        &app,
        &org,
        Some("tuki@apteekki.fi"),
        Some("+358401234567"),
        "fi",
        json!({}),
    )
    .await;
    crate::notices::contact(&app, &org, Some("kassa@apteekki.fi"), None, "sv", json!({})).await;
    let (token, _) = app
        .intake
        .issue_login_link(&Actor::cli(), "Anna (support)")
        .await
        .unwrap();
    let link = app.url(&format!("/console/login/link?token={}", token.reveal()));

    // Published from the form, after its preview.
    let r: Value = run_script("e2e_console.mjs", vec!["publish".into(), app.url(""), link]).await;
    assert_eq!(r["policyErrors"], json!([]));
    assert!(
        r["preview"]
            .as_str()
            .unwrap()
            .contains("Recipients per channel and language"),
        "{r}"
    );
    assert!(
        r["dashboard"]
            .as_str()
            .unwrap()
            .contains("Reseptikeskus ei vastaa"),
        "{r}"
    );
    let cookie = r["cookie"].as_str().unwrap().to_owned();
    app.drain().await;
    let to_tuki = mail_to(&smtp, "tuki@apteekki.fi");
    assert_eq!(to_tuki.len(), 1);
    assert!(
        to_tuki[0].contains("Reseptej=C3=A4 ei voi tallentaa")
            || to_tuki[0].contains("Reseptejä ei voi tallentaa"),
        "{}",
        to_tuki[0]
    );
    let sent = texts(&sms);
    assert_eq!(sent.len(), 1, "a critical fault goes by SMS too");
    assert!(
        sent[0].contains("+358401234567") && sent[0].contains("Reseptikeskus ei vastaa"),
        "{sent:?}"
    );
    assert!(
        mail_to(&smtp, "kassa@apteekki.fi").is_empty(),
        "refused by the relay"
    );

    // Updated from the form filled in from the notice.
    let r = run_script(
        "e2e_console.mjs",
        vec!["update".into(), app.url(""), cookie.clone()],
    )
    .await;
    assert_eq!(r["policyErrors"], json!([]));
    assert!(
        r["notice"]
            .as_str()
            .unwrap()
            .contains("Vika on paikannettu"),
        "{r}"
    );
    app.drain().await;
    let to_tuki = mail_to(&smtp, "tuki@apteekki.fi");
    assert_eq!(to_tuki.len(), 2, "the update reached the helpdesk");

    // The relay is fixed: the refused delivery is re-sent, then the fault ended.
    fixed.store(true, Ordering::SeqCst);
    let r = run_script(
        "e2e_console.mjs",
        vec!["redrive".into(), app.url(""), cookie.clone()],
    )
    .await;
    assert!(
        r["before"]
            .as_str()
            .unwrap()
            .contains("Re-send the failed ones (1)"),
        "{r}"
    );
    assert!(
        !r["redriven"]
            .as_str()
            .unwrap()
            .contains("Re-send the failed ones"),
        "{r}"
    );
    app.drain().await;
    let to_kassa = mail_to(&smtp, "kassa@apteekki.fi");
    assert_eq!(
        to_kassa.len(),
        1,
        "the re-sent update reached the cashier's desk"
    );
    assert!(
        to_kassa[0].contains("Felet =C3=A4r lokaliserat")
            || to_kassa[0].contains("Felet är lokaliserat"),
        "{}",
        to_kassa[0]
    );
    let r = run_script("e2e_console.mjs", vec!["end".into(), app.url(""), cookie]).await;
    assert_eq!(r["policyErrors"], json!([]));
    assert!(
        r["preview"]
            .as_str()
            .unwrap()
            .contains("Häiriö on korjattu."),
        "{r}"
    );
    assert!(r["notice"].as_str().unwrap().contains("Ended"), "{r}");
    app.drain().await;
    let to_kassa = mail_to(&smtp, "kassa@apteekki.fi");
    assert_eq!(to_kassa.len(), 2, "and then the end");
    assert_eq!(
        mail_to(&smtp, "tuki@apteekki.fi").len(),
        3,
        "publish, update, end"
    );
    let sent = texts(&sms);
    assert!(
        sent.len() >= 2,
        "the end of a critical fault goes by SMS too: {sent:?}"
    );
}

mod a_fault_is_published_updated_redriven_and_ended_from_the_console {
    #[tokio::test]
    async fn on_sqlite() {
        super::a_fault_is_published_updated_redriven_and_ended_from_the_console(
            crate::support::Backend::Sqlite,
        )
        .await;
    }

    #[tokio::test]
    async fn on_postgres() {
        super::a_fault_is_published_updated_redriven_and_ended_from_the_console(
            crate::support::Backend::Postgres,
        )
        .await;
    }
}

/// One JSON line of a script's output, within 30 s.
async fn json_line(
    lines: &mut tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
) -> Value {
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .expect("the script answers within 30 s")
        .unwrap()
        .expect("a line");
    serde_json::from_str(&line).unwrap()
}

#[tokio::test]
async fn the_dashboard_progress_updates_by_itself_while_a_fan_out_runs() {
    use tokio::io::AsyncBufReadExt;
    if !browser_available() {
        return;
    }
    let app = crate::support::spawn_app(Backend::Sqlite).await.unwrap();
    let org = app.pharmacy().await;
    crate::notices::contact(&app, &org, Some("tuki@apteekki.fi"), None, "fi", json!({})).await;
    let published = app
        .post(
            "/api/v1/notices",
            &app.operator,
            crate::notices::fault("major", &["prescription-centre"]),
        )
        .await;
    assert_eq!(published.status, reqwest::StatusCode::ACCEPTED);
    let cookie = crate::console::session(&app, "Anna (support)").await;
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/live_progress.mjs");
    let mut child = tokio::process::Command::new("node")
        .arg(script)
        .args([app.url(""), cookie])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = json_line(&mut lines).await;
    assert_eq!(
        first["live"], true,
        "a fan-out not yet done is marked live: {first}"
    );
    assert!(
        first["before"].as_str().unwrap().contains("not sent yet"),
        "{first}"
    );
    // The workers run while the page stays open; nobody reloads it.
    app.drain().await;
    let second = json_line(&mut lines).await;
    assert_eq!(
        second["done"], true,
        "the page saw the fan-out finish: {second}"
    );
    assert!(
        second["after"].as_str().unwrap().contains("1 / 1 done"),
        "{second}"
    );
    assert_eq!(
        second["policyErrors"],
        json!([]),
        "the refresh runs under the CSP"
    );
    assert!(
        second["url"]
            .as_str()
            .unwrap()
            .ends_with("/console?lang=en"),
        "not reloaded"
    );
    let _ = child.wait().await;
}
