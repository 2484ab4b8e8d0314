//! The SMS channel against a real HTTP gateway: R7 and the concurrency cap.

use super::*;

/// Messages sent in the rate test: 21 messages make 20 gaps.
const GAPS: f64 = 20.0;
/// The configured messages per second in the rate test.
const RATE: f64 = 20.0;

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
    assert_paused(&s, "sms", 3);
    assert!(sink.requests().len() <= 3);
    // The console's dashboard says so, and what to check.
    let cookie = crate::console::session(&app, "Anna (support)").await;
    let dashboard = |cookie: String| {
        let app = &app;
        async move {
            let res = crate::console::browser()
                .get(app.url("/console?lang=en"))
                .header(reqwest::header::COOKIE, cookie)
                .send()
                .await
                .unwrap();
            res.text().await.unwrap()
        }
    };
    let page = dashboard(cookie.clone()).await;
    assert!(
        page.contains("Channel paused (1)") && page.contains("<strong>SMS</strong> paused"),
        "{page}"
    );
    healthy.store(true, std::sync::atomic::Ordering::SeqCst);
    app.clock.advance(Duration::seconds(31));
    app.drain().await;
    assert_eq!(deliveries(&app, &id, "").await["summary"]["sms"]["sent"], 3);
    assert!(
        !dashboard(cookie).await.contains("Channel paused"),
        "the pause is over"
    );
}

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

crate::on_both_backends!(
    a_gateway_429_is_honoured_before_any_new_request,
    gateway_errors_are_retried_or_failed_by_kind,
    a_gateway_401_pauses_the_channel_without_failing_recipients,
    the_gateway_rate_limit_holds,
    the_gateway_concurrency_cap_holds,
);
