//! Bounces, first part: every notice email is sent with a VERP envelope sender that names its
//! delivery (`[email] bounce_address = "bounces@example.fi"` → `bounces+<code>@example.fi`),
//! short enough for RFC 5321's 64-octet local part and in any case; faultcast's own
//! messages keep the plain sender.

use crate::delivery::email_contacts;
use crate::on_both_backends;
use crate::support::smtp_sink::SmtpSink;
use crate::support::{Backend, spawn_app_with};
use faultcast::access::{LinkKey, LinkPurpose};
use reqwest::StatusCode;

async fn each_notice_email_names_its_delivery_in_its_envelope_sender(backend: Backend) {
    let sink = SmtpSink::accepting().await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__EMAIL__TRANSPORT", "smtp".into()),
            ("FAULTCAST__EMAIL__SMTP__HOST", "127.0.0.1".into()),
            ("FAULTCAST__EMAIL__SMTP__PORT", sink.addr.port().to_string()),
            ("FAULTCAST__EMAIL__SMTP__TLS", "none".into()),
            (
                "FAULTCAST__EMAIL__BOUNCE_ADDRESS",
                "bounces@example.fi".into(),
            ),
            (
                "FAULTCAST__LINKS__SECRET",
                "a test secret of at least thirty-two characters".into(),
            ),
        ],
    )
    .await
    else {
        return;
    };
    email_contacts(&app, 3).await;
    let published = app
        .post(
            "/api/v1/notices",
            &app.operator,
            crate::notices::fault("major", &["prescription-centre"]),
        )
        .await;
    assert_eq!(published.status, StatusCode::ACCEPTED, "{}", published.text);
    app.drain().await;
    let got = sink.received();
    assert_eq!(got.len(), 3);
    let key = LinkKey::from_secret("a test secret of at least thirty-two characters").unwrap();
    let mut ids = Vec::new();
    for r in &got {
        let (local, domain) = r.mail_from.split_once('@').expect("an envelope sender");
        assert_eq!(domain, "example.fi");
        assert!(local.len() <= 64, "RFC 5321: {local}");
        let code = local.strip_prefix("bounces+").expect(&r.mail_from);
        let id = key
            .verify_short_hex(LinkPurpose::Bounce, code)
            .expect("a code of ours");
        assert_eq!(
            key.verify_short_hex(LinkPurpose::Bounce, &code.to_uppercase()),
            Some(id)
        );
        ids.push(id);
        assert!(
            r.header("From").unwrap().contains("noreply@localhost"),
            "the From stays"
        );
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 3, "one delivery each");
}

on_both_backends!(each_notice_email_names_its_delivery_in_its_envelope_sender);
