//! The email channel against a real SMTP server: R3–R6, R12, S7, re-drive.

use super::*;

/// R3: 451 on the first k attempts for 20 % of recipients.
async fn temporary_failures_are_retried_with_backoff_exactly_k_plus_one_times(backend: Backend) {
    const K: u32 = 2;
    let sink = SmtpSink::start(failing(&["user0@", "user1@"], Reply::TempFail, K), true).await;
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

/// R4: 550 for some recipients, their RCPT pipelined with MAIL and DATA: the refusal is
/// classified on its own and fails that recipient only.
async fn permanent_failures_are_tried_once_and_kept_with_the_reply(backend: Backend) {
    let sink = SmtpSink::start(failing(&["user3@"], Reply::Reject, u32::MAX), true).await;
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
    assert_eq!(
        sink.pipelined(),
        20,
        "MAIL, RCPT and DATA of each message in one round trip (RFC 2920), the refused one too"
    );
}

/// R5: the connection drops after the final dot for 10 %.
async fn a_dropped_connection_after_data_is_retried_and_the_duplicate_shares_its_message_id(
    backend: Backend,
) {
    let sink = SmtpSink::start(failing(&["user7@"], Reply::DropAfterData, 1), true).await;
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

crate::on_both_backends!(
    temporary_failures_are_retried_with_backoff_exactly_k_plus_one_times,
    permanent_failures_are_tried_once_and_kept_with_the_reply,
    a_dropped_connection_after_data_is_retried_and_the_duplicate_shares_its_message_id,
    a_silent_smtp_server_is_detected_within_the_timeout,
    a_stall_after_data_is_detected_within_the_timeout,
    header_injection_attempts_reach_one_recipient_unchanged,
    revisions_never_arrive_out_of_order_and_old_ones_expire,
    dead_deliveries_are_listed_and_can_be_redriven,
);
