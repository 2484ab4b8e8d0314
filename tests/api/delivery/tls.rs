//! Email over TLS and SMTP AUTH against a real TLS-speaking relay: nothing goes out in
//! clear text when TLS is required, and a relay that cannot prove its name gets nothing.

use super::{assert_paused, deliveries, email_contacts, publish};
use crate::support::certificates::{Identity, tls_file};
use crate::support::smtp_sink::{Reply, SinkOptions, SinkTls, SmtpSink};
use crate::support::{Backend, TestApp, spawn_app_with};
use std::sync::Arc;

const USER: &str = "faultcast";
const PASSWORD: &str = "relay-canary-password";

/// A relay on localhost speaking `tls`, asking for our credentials when `auth`.
async fn relay(tls: SinkTls, auth: Option<(&'static str, &'static str)>) -> SmtpSink {
    let options = SinkOptions {
        greet: true,
        tls,
        auth,
    };
    SmtpSink::with(Arc::new(|_, _| Reply::Accept), options).await
}

/// The app sending to `sink` as `mode` (starttls|implicit), trusting the test CA when
/// `trust_ca`, authenticating with `password` when given.
async fn app_for(
    backend: Backend,
    sink: &SmtpSink,
    mode: &str,
    trust_ca: bool,
    password: Option<&str>,
) -> Option<TestApp> {
    let mut env = vec![
        ("FAULTCAST__EMAIL__TRANSPORT", "smtp".to_owned()),
        ("FAULTCAST__EMAIL__SMTP__HOST", "localhost".into()),
        ("FAULTCAST__EMAIL__SMTP__PORT", sink.addr.port().to_string()),
        ("FAULTCAST__EMAIL__SMTP__TLS", mode.into()),
        ("FAULTCAST__EMAIL__SMTP__TIMEOUT_SECS", "2".into()),
        ("FAULTCAST__EMAIL__SMTP__POOL_SIZE", "2".into()),
    ];
    if trust_ca {
        env.push(("FAULTCAST__EMAIL__SMTP__CA_FILE", tls_file("ca.pem")));
    }
    if let Some(p) = password {
        env.push(("FAULTCAST__EMAIL__SMTP__USERNAME", USER.into()));
        env.push(("FAULTCAST__EMAIL__SMTP__PASSWORD", p.into()));
    }
    spawn_app_with(backend, &env).await
}

/// Publishes to 3 email contacts, drains, and checks that nothing reached the relay and
/// every delivery waits (the channel paused) instead of failing; returns the last error.
async fn nothing_sent(app: &TestApp, sink: &SmtpSink) -> String {
    email_contacts(app, 3).await;
    let id = publish(app, "minor").await;
    app.drain().await;
    assert!(sink.received().is_empty(), "no message reached the relay");
    assert_eq!(
        sink.attempts("user0@a.example"),
        0,
        "no RCPT TO in any form"
    );
    let s = deliveries(app, &id, "").await;
    assert_paused(&s, "email", 3);
    s["items"][0]["last_error"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn starttls_with_auth_reaches_a_relay_signed_by_a_private_ca(backend: Backend) {
    let sink = relay(
        SinkTls::Starttls(Identity::Localhost),
        Some((USER, PASSWORD)),
    )
    .await;
    let Some(app) = app_for(backend, &sink, "starttls", true, Some(PASSWORD)).await else {
        return;
    };
    email_contacts(&app, 3).await;
    let id = publish(&app, "minor").await;
    app.drain().await;
    let got = sink.received();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|m| m.encrypted), "every message over TLS");
    assert!(got.iter().all(|m| m.user.as_deref() == Some(USER)));
    assert!(sink.handshakes() >= 1);
    let s = deliveries(&app, &id, "").await;
    assert_eq!(s["summary"]["email"]["sent"], 3, "{s}");
}

async fn implicit_tls_reaches_a_relay_speaking_tls_from_the_first_byte(backend: Backend) {
    let sink = relay(
        SinkTls::Implicit(Identity::Localhost),
        Some((USER, PASSWORD)),
    )
    .await;
    let Some(app) = app_for(backend, &sink, "implicit", true, Some(PASSWORD)).await else {
        return;
    };
    email_contacts(&app, 2).await;
    publish(&app, "minor").await;
    app.drain().await;
    let got = sink.received();
    assert_eq!(got.len(), 2);
    assert!(
        got.iter()
            .all(|m| m.encrypted && m.user.as_deref() == Some(USER))
    );
}

async fn required_starttls_sends_nothing_in_clear_to_a_relay_without_it(backend: Backend) {
    let sink = relay(SinkTls::None, None).await;
    let Some(app) = app_for(backend, &sink, "starttls", true, None).await else {
        return;
    };
    let error = nothing_sent(&app, &sink).await;
    assert!(error.contains("STARTTLS"), "{error}");
    assert!(
        sink.connections() >= 1,
        "it did talk to the relay, and stopped at EHLO"
    );
}

async fn a_relay_certificate_naming_another_host_is_refused(backend: Backend) {
    let sink = relay(SinkTls::Starttls(Identity::Elsewhere), None).await;
    let Some(app) = app_for(backend, &sink, "starttls", true, None).await else {
        return;
    };
    nothing_sent(&app, &sink).await;
    assert_eq!(sink.handshakes(), 0);
}

async fn a_relay_certificate_from_an_unknown_authority_is_refused(backend: Backend) {
    let sink = relay(SinkTls::Implicit(Identity::Localhost), None).await;
    let Some(app) = app_for(backend, &sink, "implicit", false, None).await else {
        return;
    };
    nothing_sent(&app, &sink).await;
    assert_eq!(sink.handshakes(), 0);
}

async fn a_wrong_smtp_password_pauses_email_without_failing_anyone(backend: Backend) {
    let sink = relay(
        SinkTls::Starttls(Identity::Localhost),
        Some((USER, PASSWORD)),
    )
    .await;
    let Some(app) = app_for(backend, &sink, "starttls", true, Some("not-the-password")).await
    else {
        return;
    };
    let error = nothing_sent(&app, &sink).await;
    assert!(error.contains("535"), "{error}");
    assert!(
        !error.contains("not-the-password"),
        "no secret in the error"
    );
}

crate::on_both_backends!(
    starttls_with_auth_reaches_a_relay_signed_by_a_private_ca,
    implicit_tls_reaches_a_relay_speaking_tls_from_the_first_byte,
    required_starttls_sends_nothing_in_clear_to_a_relay_without_it,
    a_relay_certificate_naming_another_host_is_refused,
    a_relay_certificate_from_an_unknown_authority_is_refused,
    a_wrong_smtp_password_pauses_email_without_failing_anyone,
);
