//! The delivery contract against a real SMTP server and a real HTTP SMS gateway
//! (delivery.md R3–R7, R12, S7).

use crate::notices::{contact, fault};
use crate::support::sms_sink::{GatewayReply, SmsSink};
use crate::support::smtp_sink::{Reply, SmtpSink};
use crate::support::{Backend, TestApp, spawn_app_with};
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

/// Runs each case on SQLite and on PostgreSQL.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[tokio::test]
            async fn on_sqlite() { super::$name(crate::support::Backend::Sqlite).await }
            #[tokio::test]
            async fn on_postgres() { super::$name(crate::support::Backend::Postgres).await }
        })*
    };
}

async fn app_with_smtp(backend: Backend, sink: &SmtpSink) -> Option<TestApp> {
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

async fn app_with_gateway(backend: Backend, sink: &SmsSink, per_second: u32) -> Option<TestApp> {
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

/// `n` email contacts user0@…user{n-1}@ in one pharmacy.
async fn email_contacts(app: &TestApp, n: usize) {
    let org = app
        .organisation(
            "Apteekki",
            "0112038-9",
            "pharmacy",
            &["prescription-centre"],
        )
        .await;
    for i in 0..n {
        contact(
            app,
            &org,
            Some(&format!("user{i}@a.example")),
            None,
            "fi",
            json!({}),
        )
        .await;
    }
}

async fn sms_contacts(app: &TestApp, n: usize) {
    let org = app
        .organisation(
            "Apteekki",
            "0112038-9",
            "pharmacy",
            &["prescription-centre"],
        )
        .await;
    for i in 0..n {
        contact(
            app,
            &org,
            None,
            Some(&format!("+3584000000{i:02}")),
            "fi",
            json!({}),
        )
        .await;
    }
}

async fn publish(app: &TestApp, severity: &str) -> String {
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

async fn deliveries(app: &TestApp, id: &str, query: &str) -> Value {
    let a = app
        .get(
            &format!("/api/v1/notices/{id}/deliveries?limit=500{query}"),
            &app.operator,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// R3: 451 on the first k attempts for 20 % of recipients.
async fn temporary_failures_are_retried_with_backoff_exactly_k_plus_one_times(backend: Backend) {
    const K: u32 = 2;
    let sink = SmtpSink::start(
        Arc::new(|rcpt: &str, attempt| {
            if rcpt.starts_with("user0@") || rcpt.starts_with("user1@") {
                if attempt <= K {
                    Reply::TempFail
                } else {
                    Reply::Accept
                }
            } else {
                Reply::Accept
            }
        }),
        true,
    )
    .await;
    let Some(app) = app_with_smtp(backend, &sink).await else {
        return;
    };
    email_contacts(&app, 10).await;
    let id = publish(&app, "minor").await;
    app.drain().await;
    for round in 1..=K {
        let now = app.clock_now();
        let waiting = deliveries(&app, &id, "&status=retry").await;
        let items = waiting["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "round {round}");
        let nominal = 5.0 * 2f64.powi(round as i32 - 1);
        let mut latest = now;
        for d in items {
            let delay = (time(&d["next_attempt_at"]) - now).num_milliseconds() as f64 / 1000.0;
            assert!(
                delay >= nominal * 0.8 - 0.01 && delay <= nominal * 1.2 + 0.01,
                "round {round}: delay {delay}s for nominal {nominal}s"
            );
            assert!(d["last_error"].as_str().unwrap().contains("451"), "{d}");
            latest = latest.max(time(&d["next_attempt_at"]));
        }
        assert_eq!(app.drain().await, 0, "nothing is retried before it is due");
        app.clock.set(latest);
        app.drain().await;
    }
    let s = deliveries(&app, &id, "").await;
    assert_eq!(s["summary"]["email"]["sent"], 10, "lost = 0");
    assert_eq!(sink.attempts("user0@a.example"), K + 1);
    assert_eq!(sink.attempts("user1@a.example"), K + 1);
    assert_eq!(sink.attempts("user5@a.example"), 1, "no retry storm");
    assert_eq!(sink.received().len(), 10);
}

/// R4: 550 for some recipients.
async fn permanent_failures_are_tried_once_and_kept_with_the_reply(backend: Backend) {
    let sink = SmtpSink::start(
        Arc::new(|rcpt: &str, _| {
            if rcpt.starts_with("user3@") {
                Reply::Reject
            } else {
                Reply::Accept
            }
        }),
        true,
    )
    .await;
    let Some(app) = app_with_smtp(backend, &sink).await else {
        return;
    };
    email_contacts(&app, 20).await;
    let id = publish(&app, "minor").await;
    app.drain().await;
    app.clock.advance(Duration::hours(1));
    app.drain().await;
    let s = deliveries(&app, &id, "&status=failed").await;
    assert_eq!(s["summary"]["email"]["failed"], 1);
    assert_eq!(s["summary"]["email"]["sent"], 19, "0 collateral failures");
    assert!(
        s["items"][0]["last_error"]
            .as_str()
            .unwrap()
            .contains("550"),
        "{}",
        s["items"][0]
    );
    assert_eq!(s["items"][0]["attempts"], 1);
    assert_eq!(sink.attempts("user3@a.example"), 1);
}

/// R5: the connection drops after the final dot for 10 %.
async fn a_dropped_connection_after_data_is_retried_and_the_duplicate_shares_its_message_id(
    backend: Backend,
) {
    let sink = SmtpSink::start(
        Arc::new(|rcpt: &str, attempt| {
            if rcpt.starts_with("user7@") && attempt == 1 {
                Reply::DropAfterData
            } else {
                Reply::Accept
            }
        }),
        true,
    )
    .await;
    let Some(app) = app_with_smtp(backend, &sink).await else {
        return;
    };
    email_contacts(&app, 10).await;
    let id = publish(&app, "minor").await;
    app.drain().await;
    app.clock.advance(Duration::seconds(10));
    app.drain().await;
    assert_eq!(
        deliveries(&app, &id, "").await["summary"]["email"]["sent"],
        10,
        "lost = 0"
    );
    let to7: Vec<_> = sink
        .received()
        .into_iter()
        .filter(|m| m.rcpt == ["user7@a.example"])
        .collect();
    assert_eq!(to7.len(), 2, "the ambiguous send was repeated");
    assert_eq!(to7[0].header("Message-ID"), to7[1].header("Message-ID"));
    assert!(
        to7[0]
            .header("Message-ID")
            .unwrap()
            .starts_with(&format!("<{id}.1.email."))
    );
}

/// R6: a server that never greets is detected within the timeout + 1 s; no worker is stuck.
async fn a_silent_smtp_server_is_detected_within_the_timeout(backend: Backend) {
    let sink = SmtpSink::start(Arc::new(|_, _| Reply::Accept), false).await;
    let Some(app) = app_with_smtp(backend, &sink).await else {
        return;
    };
    email_contacts(&app, 2).await;
    let id = publish(&app, "minor").await;
    let started = std::time::Instant::now();
    app.drain().await;
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_millis(2_500),
        "took {took:?} with a 1 s timeout"
    );
    let s = deliveries(&app, &id, "").await;
    assert_eq!(
        s["summary"]["email"]["pending"], 2,
        "waiting to retry, not failed"
    );
    assert!(
        s["items"][0]["last_error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("time"),
        "{}",
        s["items"][0]
    );
}

/// R6: a server that stalls after DATA.
async fn a_stall_after_data_is_detected_within_the_timeout(backend: Backend) {
    let sink = SmtpSink::start(Arc::new(|_, _| Reply::StallAfterData), true).await;
    let Some(app) = app_with_smtp(backend, &sink).await else {
        return;
    };
    email_contacts(&app, 1).await;
    let id = publish(&app, "minor").await;
    let started = std::time::Instant::now();
    app.drain().await;
    assert!(started.elapsed() < std::time::Duration::from_millis(2_500));
    assert_eq!(
        deliveries(&app, &id, "").await["summary"]["email"]["pending"],
        1
    );
}

/// S7: header-like text and lone dots cannot inject headers or recipients.
async fn header_injection_attempts_reach_one_recipient_unchanged(backend: Backend) {
    let sink = SmtpSink::accepting().await;
    let Some(app) = app_with_smtp(backend, &sink).await else {
        return;
    };
    email_contacts(&app, 1).await;
    let crlf = app.post("/api/v1/notices", &app.operator, json!({"kind": "fault", "severity": "minor", "services": ["prescription-centre"],
        "title": {"fi": "Häiriö\r\nBcc: victim@evil.example", "sv": "x"}, "body": {"fi": "x", "sv": "x"}})).await;
    assert_eq!(
        crlf.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a line break in a title is refused"
    );
    let a = app.post("/api/v1/notices", &app.operator, json!({"kind": "fault", "severity": "minor", "services": ["prescription-centre"],
        "title": {"fi": "Bcc: victim@evil.example To: x@evil.example", "sv": "Rubrik \u{2028} Bcc: y@evil.example"},
        "body": {"fi": "rivi\n.\nBcc: z@evil.example\n..\nloppu", "sv": "x"}})).await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    app.drain().await;
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt, ["user0@a.example"], "one RCPT per message");
    let headers: Vec<&str> = got[0]
        .data
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .split("\r\n")
        .collect();
    assert!(
        !headers
            .iter()
            .any(|h| h.to_ascii_lowercase().starts_with("bcc:")),
        "{headers:?}"
    );
    assert_eq!(headers.iter().filter(|h| h.starts_with("To:")).count(), 1);
    assert!(
        got[0]
            .data
            .contains("\r\n.\r\nBcc: z@evil.example\r\n..\r\nloppu")
            || got[0].data.contains("quoted-printable"),
        "the body arrives whole"
    );
}

/// R7: 429 with Retry-After is honoured: no request before it.
async fn a_gateway_429_is_honoured_before_any_new_request(backend: Backend) {
    let sink = SmsSink::start(Arc::new(|_, attempt| {
        if attempt == 1 {
            GatewayReply::Throttle(120)
        } else {
            GatewayReply::Accept
        }
    }))
    .await;
    let Some(app) = app_with_gateway(backend, &sink, 1000).await else {
        return;
    };
    sms_contacts(&app, 1).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    assert_eq!(sink.requests().len(), 1);
    let d = deliveries(&app, &id, "").await;
    let wait = time(&d["items"][0]["next_attempt_at"]) - app.clock_now();
    assert!(wait >= Duration::seconds(120), "retry after {wait}");
    app.clock.advance(Duration::seconds(119));
    app.drain().await;
    assert_eq!(sink.requests().len(), 1, "0 requests before Retry-After");
    app.clock.advance(Duration::seconds(2));
    app.drain().await;
    assert_eq!(sink.requests().len(), 2);
    assert_eq!(deliveries(&app, &id, "").await["summary"]["sms"]["sent"], 1);
    assert_eq!(
        sink.requests()[0].authorization.as_deref(),
        Some("Bearer gw-canary-token")
    );
    assert_eq!(
        sink.requests()[1].body["reference"],
        sink.requests()[0].body["reference"],
        "the same reference on a retry"
    );
}

/// R7: 5xx is retried until delivered; 400 is tried once.
async fn gateway_errors_are_retried_or_failed_by_kind(backend: Backend) {
    let sink = SmsSink::start(Arc::new(|to: &str, attempt| match to {
        "+358400000000" if attempt <= 2 => GatewayReply::ServerError,
        "+358400000001" => GatewayReply::BadRequest,
        _ => GatewayReply::Accept,
    }))
    .await;
    let Some(app) = app_with_gateway(backend, &sink, 1000).await else {
        return;
    };
    sms_contacts(&app, 3).await;
    let id = publish(&app, "critical").await;
    for _ in 0..4 {
        app.drain().await;
        app.clock.advance(Duration::seconds(30));
    }
    let s = deliveries(&app, &id, "").await;
    assert_eq!(s["summary"]["sms"]["sent"], 2);
    assert_eq!(s["summary"]["sms"]["failed"], 1);
    let to = |n: &str| sink.requests().iter().filter(|r| r.body["to"] == n).count();
    assert_eq!(to("+358400000000"), 3);
    assert_eq!(to("+358400000001"), 1, "400 → one attempt");
}

/// R7: 401 pauses the channel; recipients are not failed and nothing is lost.
async fn a_gateway_401_pauses_the_channel_without_failing_recipients(backend: Backend) {
    let healthy = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let h = healthy.clone();
    let sink = SmsSink::start(Arc::new(move |_, _| {
        if h.load(std::sync::atomic::Ordering::SeqCst) {
            GatewayReply::Accept
        } else {
            GatewayReply::Unauthorized
        }
    }))
    .await;
    let Some(app) = app_with_gateway(backend, &sink, 1000).await else {
        return;
    };
    sms_contacts(&app, 3).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    let s = deliveries(&app, &id, "").await;
    assert_eq!(s["summary"]["sms"]["pending"], 3, "paused, not failed");
    assert_eq!(s["summary"]["sms"]["failed"], 0);
    assert!(sink.requests().len() <= 3);
    assert!(
        s["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["attempts"] == 0),
        "a configuration fault does not use up attempts"
    );
    healthy.store(true, std::sync::atomic::Ordering::SeqCst);
    app.clock.advance(Duration::seconds(31));
    app.drain().await;
    assert_eq!(deliveries(&app, &id, "").await["summary"]["sms"]["sent"], 3);
}

/// Messages sent in the rate test: 21 messages make 20 gaps.
const GAPS: f64 = 20.0;
/// The configured messages per second in the rate test.
const RATE: f64 = 20.0;

/// R7: the gateway sees at most the configured rate.
async fn the_gateway_rate_limit_holds(backend: Backend) {
    let sink = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let Some(app) = app_with_gateway(backend, &sink, 20).await else {
        return;
    };
    sms_contacts(&app, 21).await;
    publish(&app, "critical").await;
    app.drain().await;
    let times: Vec<_> = sink.requests().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 21);
    let span = (*times.iter().max().unwrap() - *times.iter().min().unwrap()).as_secs_f64();
    assert!(
        span >= GAPS / RATE * 0.95,
        "21 messages at 20/s took {span:.3}s"
    );
}

/// R12: start, update and end while "start" keeps failing: only the newest goes out.
async fn revisions_never_arrive_out_of_order_and_old_ones_expire(backend: Backend) {
    let sink = SmtpSink::start(
        Arc::new(|_, attempt| {
            if attempt == 1 {
                Reply::TempFail
            } else {
                Reply::Accept
            }
        }),
        true,
    )
    .await;
    let Some(app) = app_with_smtp(backend, &sink).await else {
        return;
    };
    email_contacts(&app, 3).await;
    let id = publish(&app, "minor").await;
    app.drain().await;
    let path = format!("/api/v1/notices/{id}/revisions");
    app.post(
        &path,
        &app.operator,
        json!({"action": "update", "state": "identified"}),
    )
    .await;
    app.post(&path, &app.operator, json!({"action": "end"}))
        .await;
    app.clock.advance(Duration::seconds(10));
    app.drain().await;
    let got = sink.received();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(|m| m
            .header("Message-ID")
            .unwrap()
            .contains(&format!("{id}.3.email"))),
        "only the end went out"
    );
    assert_eq!(
        deliveries(&app, &id, "&revision=1").await["summary"]["email"]["superseded"],
        3
    );
    assert_eq!(
        deliveries(&app, &id, "&revision=2").await["summary"]["email"]["superseded"],
        3
    );

    let late = publish(&app, "minor").await;
    app.clock.advance(Duration::hours(7));
    app.drain().await;
    assert_eq!(
        deliveries(&app, &late, "").await["summary"]["email"]["expired"],
        3,
        "expired sent 0"
    );
    assert_eq!(sink.received().len(), 3);
}

/// Dead deliveries can be re-driven by an operator.
async fn dead_deliveries_are_listed_and_can_be_redriven(backend: Backend) {
    let up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let u = up.clone();
    let sink = SmtpSink::start(
        Arc::new(move |_, _| {
            if u.load(std::sync::atomic::Ordering::SeqCst) {
                Reply::Accept
            } else {
                Reply::TempFail
            }
        }),
        true,
    )
    .await;
    let Some(app) = app_with_smtp(backend, &sink).await else {
        return;
    };
    email_contacts(&app, 2).await;
    let id = publish(&app, "minor").await;
    for _ in 0..40 {
        app.drain().await;
        app.clock.advance(Duration::minutes(10));
    }
    let s = deliveries(&app, &id, "&status=dead").await;
    assert_eq!(s["summary"]["email"]["dead"], 2, "{s}");
    up.store(true, std::sync::atomic::Ordering::SeqCst);
    let r = app
        .post(
            &format!("/api/v1/notices/{id}/deliveries/retry"),
            &app.operator,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["requeued"], 2);
    app.drain().await;
    assert_eq!(
        deliveries(&app, &id, "").await["summary"]["email"]["sent"],
        2
    );
}

on_both!(
    temporary_failures_are_retried_with_backoff_exactly_k_plus_one_times,
    permanent_failures_are_tried_once_and_kept_with_the_reply,
    a_dropped_connection_after_data_is_retried_and_the_duplicate_shares_its_message_id,
    a_silent_smtp_server_is_detected_within_the_timeout,
    a_stall_after_data_is_detected_within_the_timeout,
    header_injection_attempts_reach_one_recipient_unchanged,
    a_gateway_429_is_honoured_before_any_new_request,
    gateway_errors_are_retried_or_failed_by_kind,
    a_gateway_401_pauses_the_channel_without_failing_recipients,
    the_gateway_rate_limit_holds,
    revisions_never_arrive_out_of_order_and_old_ones_expire,
    dead_deliveries_are_listed_and_can_be_redriven,
);

fn hmac_hex(key: &str, data: &[u8]) -> String {
    use hmac::Mac;
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(data);
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hs256_jwt(key: &str, claims: &Value) -> String {
    use base64::Engine;
    use hmac::Mac;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let signing = format!(
        "{}.{}",
        b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(signing.as_bytes());
    format!("{signing}.{}", b64.encode(m.finalize().into_bytes()))
}

/// Delivery receipts move `sent` to `delivered`/`undeliverable`, only with a valid signature,
/// and never move a final state back.
async fn signed_sms_receipts_mark_deliveries_and_unsigned_ones_are_refused(backend: Backend) {
    let sink = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__URL", sink.url()),
            (
                "FAULTCAST__SMS__HTTP__RECEIPT_SECRET",
                "receipt-canary".into(),
            ),
        ],
    )
    .await
    else {
        return;
    };
    sms_contacts(&app, 2).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    let refs: Vec<String> = sink
        .requests()
        .iter()
        .map(|r| r.body["reference"].as_str().unwrap().to_owned())
        .collect();
    let post = |body: Vec<u8>, sig: Option<String>| {
        let mut r = app
            .http
            .post(app.url("/api/v1/sms/receipts/generic"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = sig {
            r = r.header("x-faultcast-signature", s);
        }
        r.send()
    };
    let ok = serde_json::to_vec(&json!({"reference": refs[0], "status": "delivered"})).unwrap();
    assert_eq!(
        post(ok.clone(), None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(
            ok.clone(),
            Some(format!("sha256={}", hmac_hex("wrong-key", &ok)))
        )
        .await
        .unwrap()
        .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        deliveries(&app, &id, "").await["summary"]["sms"]["delivered"],
        0,
        "unsigned receipts change nothing"
    );
    assert_eq!(
        post(
            ok.clone(),
            Some(format!("sha256={}", hmac_hex("receipt-canary", &ok)))
        )
        .await
        .unwrap()
        .status(),
        StatusCode::NO_CONTENT
    );
    let bad =
        serde_json::to_vec(&json!({"reference": refs[1], "status": "undeliverable"})).unwrap();
    post(
        bad.clone(),
        Some(format!("sha256={}", hmac_hex("receipt-canary", &bad))),
    )
    .await
    .unwrap();
    let back =
        serde_json::to_vec(&json!({"reference": refs[0], "status": "undeliverable"})).unwrap();
    post(
        back.clone(),
        Some(format!("sha256={}", hmac_hex("receipt-canary", &back))),
    )
    .await
    .unwrap();
    let s = deliveries(&app, &id, "").await;
    assert_eq!(
        s["summary"]["sms"]["delivered"], 1,
        "a final state never changes back: {s}"
    );
    assert_eq!(s["summary"]["sms"]["undeliverable"], 1);
    let unknown = app
        .http
        .post(app.url("/api/v1/sms/receipts/twilio"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        unknown.status(),
        StatusCode::NOT_FOUND,
        "no key for a profile that is not configured"
    );
}

/// GatewayAPI: one request carries every recipient of the same text; receipts carry an
/// HS256 JWT whose claims (message id and MSISDN) name the delivery.
async fn gatewayapi_batches_recipients_and_its_receipts_are_verified_as_hs256_jwts(
    backend: Backend,
) {
    let sink = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__PROFILE", "gatewayapi".into()),
            ("FAULTCAST__SMS__HTTP__URL", sink.url()),
            ("FAULTCAST__SMS__HTTP__TOKEN", "gw-token".into()),
            ("FAULTCAST__SMS__HTTP__RECEIPT_SECRET", "jwt-secret".into()),
        ],
    )
    .await
    else {
        return;
    };
    sms_contacts(&app, 3).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    let requests = sink.requests();
    assert_eq!(
        requests.len(),
        1,
        "one request for the three recipients of one text"
    );
    assert_eq!(
        requests[0].to,
        ["+358400000000", "+358400000001", "+358400000002"]
    );
    let message_id = 0;
    let receipt = |msisdn: u64, status: &str| json!({"id": message_id, "msisdn": msisdn, "status": status, "userref": requests[0].body["userref"]});
    let forged = hs256_jwt("not-the-secret", &receipt(358400000000, "DELIVERED"));
    let r = app
        .http
        .post(app.url("/api/v1/sms/receipts/gatewayapi"))
        .header("x-gwapi-signature", forged)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    for (msisdn, status) in [
        (358400000000u64, "DELIVERED"),
        (358400000001, "UNDELIVERABLE"),
        (358400000002, "ENROUTE"),
    ] {
        let claims = receipt(msisdn, status);
        let r = app
            .http
            .post(app.url("/api/v1/sms/receipts/gatewayapi"))
            .header("x-gwapi-signature", hs256_jwt("jwt-secret", &claims))
            .json(&claims)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let s = deliveries(&app, &id, "").await["summary"]["sms"].clone();
    assert_eq!(
        (
            s["delivered"].as_i64(),
            s["undeliverable"].as_i64(),
            s["sent"].as_i64()
        ),
        (Some(1), Some(1), Some(1)),
        "{s}"
    );
}

/// The gateway never has more requests in flight than `sms.http.max_in_flight`.
async fn the_gateway_concurrency_cap_holds(backend: Backend) {
    let sink = SmsSink::start(Arc::new(|_, _| GatewayReply::Slow(100))).await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__URL", sink.url()),
            ("FAULTCAST__SMS__HTTP__MESSAGES_PER_SECOND", "1000".into()),
            ("FAULTCAST__SMS__HTTP__MAX_IN_FLIGHT", "2".into()),
        ],
    )
    .await
    else {
        return;
    };
    sms_contacts(&app, 8).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    assert_eq!(deliveries(&app, &id, "").await["summary"]["sms"]["sent"], 8);
    assert_eq!(
        sink.max_in_flight(),
        2,
        "8 workers, but at most 2 requests at once"
    );
}

/// Twilio: a form POST with Basic auth; its receipts are signed over the URL and the
/// sorted form parameters with the auth token, and name the message by its SID.
async fn twilio_sends_by_form_and_its_signed_receipts_are_verified(backend: Backend) {
    use base64::Engine;
    use hmac::Mac;
    let sink = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__PROFILE", "twilio".into()),
            (
                "FAULTCAST__SMS__HTTP__URL",
                format!(
                    "http://{}/2010-04-01/Accounts/AC123/Messages.json",
                    sink.addr
                ),
            ),
            (
                "FAULTCAST__SMS__HTTP__TOKEN",
                "AC123:twilio-auth-canary".into(),
            ),
        ],
    )
    .await
    else {
        return;
    };
    sms_contacts(&app, 2).await;
    let id = publish(&app, "critical").await;
    app.drain().await;
    let requests = sink.requests();
    assert_eq!(requests.len(), 2);
    let basic = base64::engine::general_purpose::STANDARD.encode("AC123:twilio-auth-canary");
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some(format!("Basic {basic}").as_str())
    );
    assert_eq!(requests[0].body["From"], "faultcast");
    let sid = "SM0"; // the sink's id of the first message it took
    let form = format!("MessageSid={sid}&MessageStatus=delivered&To=%2B358400000000");
    let signed = format!(
        "http://127.0.0.1:8080/api/v1/sms/receipts/twilioMessageSid{sid}MessageStatusdeliveredTo+358400000000"
    );
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(b"twilio-auth-canary").unwrap();
    mac.update(signed.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let post = |sig: String| {
        app.http
            .post(app.url("/api/v1/sms/receipts/twilio"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(form.clone())
            .send()
    };
    assert_eq!(
        post("bm90IGl0".into()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(signature).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let s = deliveries(&app, &id, "").await["summary"]["sms"].clone();
    assert_eq!(
        (s["delivered"].as_i64(), s["sent"].as_i64()),
        (Some(1), Some(1)),
        "{s}"
    );
}

on_both!(
    twilio_sends_by_form_and_its_signed_receipts_are_verified,
    the_gateway_concurrency_cap_holds,
    signed_sms_receipts_mark_deliveries_and_unsigned_ones_are_refused,
    gatewayapi_batches_recipients_and_its_receipts_are_verified_as_hs256_jwts,
);
