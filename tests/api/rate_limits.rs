//! Rate limits (S4 of delivery.md), on the test's manual clock: per token, per client
//! address without a token, per address for failed authentications, and separate
//! allowances for the SMS gateway's receipts and the health endpoints. A refusal is a
//! problem+json 429 with `Retry-After`.

use crate::support::{Answer, Backend, TestApp, spawn_app_with};
use reqwest::{Method, StatusCode};

/// A daemon whose allowances are `rate` per second with a burst of `burst`, every kind.
async fn limited(
    backend: Backend,
    rate: u32,
    burst: u32,
    extra: &[(&str, String)],
) -> Option<TestApp> {
    let mut env: Vec<(&str, String)> = Vec::new();
    for k in ["TOKEN", "CLIENT", "AUTH_FAILURES", "RECEIPTS", "HEALTH"] {
        env.push((
            leak(format!("FAULTCAST__LIMITS__{k}_PER_SECOND")),
            rate.to_string(),
        ));
        env.push((
            leak(format!("FAULTCAST__LIMITS__{k}_BURST")),
            burst.to_string(),
        ));
    }
    env.extend(extra.iter().cloned());
    spawn_app_with(backend, &env).await
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn is_429(a: &Answer, retry_after: &str) {
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.text);
    assert_eq!(a.headers["retry-after"], retry_after);
    assert_eq!(a.headers["content-type"], "application/problem+json");
    assert_eq!(a.body["code"], "rate_limited");
}

/// A limited daemon with `n` operator tokens of its own, its allowances whole again.
async fn limited_with_tokens(
    backend: Backend,
    rate: u32,
    burst: u32,
    n: usize,
) -> Option<(TestApp, Vec<String>)> {
    let app = limited(backend, rate, burst, &[]).await?;
    let t = tokens(&app, n).await;
    app.clock.advance(chrono::Duration::seconds(60));
    Some((app, t))
}

/// The harness made its operator token before the limits counted; tokens made over the
/// API spend the operator's allowance, so they are made first.
async fn tokens(app: &TestApp, n: usize) -> Vec<String> {
    let op = app.operator.clone();
    let mut out = Vec::new();
    for i in 0..n {
        let a = app
            .post(
                "/api/v1/tokens",
                &op,
                serde_json::json!({"role": "operator", "label": format!("t{i}")}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        out.push(a.body["token"].as_str().unwrap().to_owned());
    }
    out
}

async fn one_flooding_token_leaves_the_others_unaffected(backend: Backend) {
    let Some((app, t)) = limited_with_tokens(backend, 2, 5, 2).await else {
        return;
    };
    for _ in 0..5 {
        assert_eq!(app.get("/api/v1/audit", &t[0]).await.status, StatusCode::OK);
    }
    for _ in 0..20 {
        is_429(&app.get("/api/v1/audit", &t[0]).await, "1");
    }
    for _ in 0..5 {
        assert_eq!(
            app.get("/api/v1/audit", &t[1]).await.status,
            StatusCode::OK,
            "another token, same address"
        );
    }
    assert_eq!(
        app.public_get("/api/v1/services").await.status,
        StatusCode::OK,
        "the address's own allowance"
    );
    app.clock.advance(chrono::Duration::milliseconds(500));
    assert_eq!(
        app.get("/api/v1/audit", &t[0]).await.status,
        StatusCode::OK,
        "half a second refills one"
    );
    is_429(&app.get("/api/v1/audit", &t[0]).await, "1");
    // A refused request changes nothing: the token it would have made does not exist.
    let refused = app
        .post(
            "/api/v1/tokens",
            &t[0],
            serde_json::json!({"role": "operator", "label": "refused"}),
        )
        .await;
    is_429(&refused, "1");
    app.clock.advance(chrono::Duration::seconds(60));
    let audit = app.get("/api/v1/audit?limit=500", &t[1]).await;
    assert_eq!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == "token.create")
            .count(),
        3
    );
}

async fn requests_without_a_token_are_limited_per_address(backend: Backend) {
    let Some((app, t)) = limited_with_tokens(backend, 1, 3, 1).await else {
        return;
    };
    for _ in 0..3 {
        assert_eq!(
            app.public_get("/api/v1/notices").await.status,
            StatusCode::OK
        );
    }
    is_429(&app.public_get("/api/v1/notices").await, "1");
    is_429(
        &app.call(Method::GET, "/api/v1/audit", None, None).await,
        "1",
    );
    assert_eq!(
        app.get("/api/v1/notices", &t[0]).await.status,
        StatusCode::OK,
        "a token has its own allowance"
    );
    // Pages and feeds are rendered once and served from memory: not limited.
    for _ in 0..10 {
        assert_eq!(app.public_get("/feed.rss").await.status, StatusCode::OK);
    }
}

async fn failed_authentications_are_limited_before_the_next_token_is_looked_up(backend: Backend) {
    let Some((app, t)) = limited_with_tokens(backend, 1, 3, 1).await else {
        return;
    };
    for _ in 0..3 {
        assert_eq!(
            app.get("/api/v1/audit", "fc_not-a-token").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    is_429(&app.get("/api/v1/audit", "fc_another-guess").await, "1");
    is_429(&app.get("/api/v1/audit", &t[0]).await, "1");
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        app.get("/api/v1/audit", &t[0]).await.status,
        StatusCode::OK,
        "a second later the address may try again"
    );
}

async fn receipts_and_health_checks_have_allowances_of_their_own(backend: Backend) {
    let extra = [
        ("FAULTCAST__SMS__GATEWAY", "http".to_owned()),
        (
            "FAULTCAST__SMS__HTTP__URL",
            "http://127.0.0.1:9/".to_owned(),
        ),
        ("FAULTCAST__SMS__HTTP__RECEIPT_SECRET", "secret".to_owned()),
    ];
    let Some(app) = limited(backend, 1, 2, &extra).await else {
        return;
    };
    let receipt = || {
        app.send_raw(
            Method::POST,
            "/api/v1/sms/receipts/generic",
            None,
            "application/json",
            b"{}".to_vec(),
        )
    };
    for _ in 0..2 {
        assert_eq!(
            receipt().await.status,
            StatusCode::UNAUTHORIZED,
            "unsigned: refused, but not limited yet"
        );
    }
    is_429(&receipt().await, "1");
    for _ in 0..2 {
        assert_eq!(app.public_get("/healthz").await.status, StatusCode::OK);
    }
    is_429(&app.public_get("/healthz").await, "1");
    is_429(&app.public_get("/metrics").await, "1");
    assert_eq!(
        app.public_get("/api/v1/services").await.status,
        StatusCode::OK,
        "the API's allowance is untouched"
    );
}

async fn forwarded_addresses_count_only_from_a_trusted_proxy(backend: Backend) {
    let from = |app: &TestApp, xff: &'static str| {
        let req = app
            .http
            .get(app.url("/api/v1/services"))
            .header("x-forwarded-for", xff);
        async move { req.send().await.unwrap().status() }
    };
    let Some(direct) = limited(backend, 1, 1, &[]).await else {
        return;
    };
    assert_eq!(from(&direct, "192.0.2.1").await, StatusCode::OK);
    assert_eq!(
        from(&direct, "192.0.2.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a client cannot pick its bucket"
    );
    let proxied = [("FAULTCAST__SERVER__TRUSTED_PROXIES", "127.0.0.1".to_owned())];
    let Some(behind) = limited(backend, 1, 1, &proxied).await else {
        return;
    };
    assert_eq!(from(&behind, "192.0.2.1").await, StatusCode::OK);
    assert_eq!(
        from(&behind, "192.0.2.2").await,
        StatusCode::OK,
        "two clients behind the proxy"
    );
    assert_eq!(
        from(&behind, "203.0.113.9, 192.0.2.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the last hop names the client"
    );
}

crate::on_both_backends!(
    one_flooding_token_leaves_the_others_unaffected,
    requests_without_a_token_are_limited_per_address,
    failed_authentications_are_limited_before_the_next_token_is_looked_up,
    receipts_and_health_checks_have_allowances_of_their_own,
    forwarded_addresses_count_only_from_a_trusted_proxy,
);
