//! The delivery contract against a real SMTP server and a real HTTP SMS gateway
//! (delivery.md R3–R7, R12, S7), and SMS receipts.

use crate::notices::{contact, fault};
use crate::support::sms_sink::{GatewayReply, SmsSink};
use crate::support::smtp_sink::{Reply, Script, SmtpSink};
use crate::support::{Backend, TestApp, spawn_app_with};
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

pub(crate) async fn app_with_smtp(backend: Backend, sink: &SmtpSink) -> Option<TestApp> {
    spawn_app_with(
        backend,
        &[
            ("FAULTCAST__EMAIL__TRANSPORT", "smtp".into()),
            ("FAULTCAST__EMAIL__SMTP__HOST", "127.0.0.1".into()),
            ("FAULTCAST__EMAIL__SMTP__PORT", sink.addr.port().to_string()),
            ("FAULTCAST__EMAIL__SMTP__TLS", "none".into()),
            ("FAULTCAST__EMAIL__SMTP__TIMEOUT_SECS", "1".into()),
            ("FAULTCAST__EMAIL__SMTP__POOL_SIZE", "2".into()),
        ],
    )
    .await
}

pub(super) async fn app_with_gateway(
    backend: Backend,
    sink: &SmsSink,
    per_second: u32,
) -> Option<TestApp> {
    spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__URL", sink.url()),
            ("FAULTCAST__SMS__HTTP__TOKEN", "gw-canary-token".into()),
            (
                "FAULTCAST__SMS__HTTP__MESSAGES_PER_SECOND",
                per_second.to_string(),
            ),
        ],
    )
    .await
}

/// One pharmacy with `n` contacts; `address(i)` gives contact i's email and phone.
async fn pharmacy_contacts(
    app: &TestApp,
    n: usize,
    address: impl Fn(usize) -> (Option<String>, Option<String>),
) {
    let org = app.pharmacy().await;
    for i in 0..n {
        let (email, phone) = address(i);
        contact(
            app,
            &org,
            email.as_deref(),
            phone.as_deref(),
            "fi",
            json!({}),
        )
        .await;
    }
}

/// `n` email contacts user0@…user{n-1}@ in one pharmacy.
pub(crate) async fn email_contacts(app: &TestApp, n: usize) {
    pharmacy_contacts(app, n, |i| (Some(format!("user{i}@a.example")), None)).await;
}

/// `n` SMS contacts +358400000000… in one pharmacy.
pub(super) async fn sms_contacts(app: &TestApp, n: usize) {
    pharmacy_contacts(app, n, |i| (None, Some(format!("+3584000000{i:02}")))).await;
}

/// An SMTP script: recipients starting with one of `prefixes` get `reply` on their first
/// `through_attempt` attempts; everything else is accepted.
pub(super) fn failing(
    prefixes: &'static [&'static str],
    reply: Reply,
    through_attempt: u32,
) -> Script {
    Arc::new(move |rcpt: &str, attempt| {
        if attempt <= through_attempt && prefixes.iter().any(|p| rcpt.starts_with(p)) {
            reply
        } else {
            Reply::Accept
        }
    })
}

pub(crate) async fn publish(app: &TestApp, severity: &str) -> String {
    let a = app
        .post(
            "/api/v1/notices",
            &app.operator,
            fault(severity, &["prescription-centre"]),
        )
        .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    a.body["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn deliveries(app: &TestApp, id: &str, query: &str) -> Value {
    let a = app
        .get(
            &format!("/api/v1/notices/{id}/deliveries?limit=500{query}"),
            &app.operator,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

pub(super) fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Asserts that `channel`'s `n` deliveries were paused by a configuration fault: pending,
/// none failed, and no attempt counted against any recipient.
pub(super) fn assert_paused(s: &Value, channel: &str, n: u64) {
    assert_eq!(
        s["summary"][channel]["pending"], n,
        "paused, not failed: {s}"
    );
    assert_eq!(s["summary"][channel]["failed"], 0);
    assert!(
        s["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["attempts"] == 0),
        "a configuration fault is no recipient's attempt: {s}"
    );
}

mod email;
mod gateway;
mod receipts;
mod tls;
