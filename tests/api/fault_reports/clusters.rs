//! On-duty paging and clusters: a critical report pages the on-duty operators by email and
//! SMS through the real sinks; reports on one service from three organisations within the
//! window raise one alert, a fourth joins it without another, two are not a cluster.

use super::{mail_to, report};
use crate::on_both_backends;
use crate::support::TestApp;
use crate::support::sms_sink::{GatewayReply, SmsSink};
use crate::support::smtp_sink::SmtpSink;
use crate::support::{Backend, spawn_app_with};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;

const ON_DUTY: &str = "paivystys@kanta.example";
const ON_DUTY_PHONE: &str = "+358401234567";
const BUSINESS_IDS: [&str; 5] = [
    "1234560-4",
    "1234561-2",
    "1234562-0",
    "1234563-9",
    "1234564-7",
];

async fn reports_of(app: &TestApp, n: usize, service: &str) {
    for b in &BUSINESS_IDS[..n] {
        let body = report(json!({"business_id": b, "services": [service]}));
        let a = app.post("/api/v1/fault-reports", &app.operator, body).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    }
}

/// An app that pages `ON_DUTY` by email (to files).
async fn with_on_duty_email(backend: Backend) -> Option<TestApp> {
    spawn_app_with(
        backend,
        &[("FAULTCAST__INTAKE__ON_DUTY_EMAILS", ON_DUTY.into())],
    )
    .await
}

fn alerts(app: &TestApp) -> Vec<String> {
    mail_to(app, ON_DUTY)
        .into_iter()
        .filter(|m| m.contains("probable national fault"))
        .collect()
}

async fn critical_report_pages_the_on_duty_operators_by_email_and_sms(backend: Backend) {
    let smtp = SmtpSink::accepting().await;
    let sms = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let Some(app) = spawn_app_with(
        backend,
        &[
            ("FAULTCAST__EMAIL__TRANSPORT", "smtp".into()),
            ("FAULTCAST__EMAIL__SMTP__HOST", "127.0.0.1".into()),
            ("FAULTCAST__EMAIL__SMTP__PORT", smtp.addr.port().to_string()),
            ("FAULTCAST__EMAIL__SMTP__TLS", "none".into()),
            ("FAULTCAST__SMS__GATEWAY", "http".into()),
            ("FAULTCAST__SMS__HTTP__URL", sms.url()),
            ("FAULTCAST__SMS__HTTP__MESSAGES_PER_SECOND", "1000".into()),
            ("FAULTCAST__INTAKE__ON_DUTY_EMAILS", ON_DUTY.into()),
            ("FAULTCAST__INTAKE__ON_DUTY_PHONES", "040 123 4567".into()),
        ],
    )
    .await
    else {
        return;
    };
    let calm = app
        .post("/api/v1/fault-reports", &app.operator, report(json!({})))
        .await;
    assert_eq!(calm.status, StatusCode::CREATED);
    app.drain().await;
    assert!(
        smtp.received()
            .iter()
            .all(|m| !m.rcpt.contains(&ON_DUTY.to_owned())),
        "a report that is not critical pages nobody"
    );
    assert!(sms.requests().is_empty());

    let body = report(json!({"criteria": ["patient-safety"], "language": "fi"}));
    let a = app.post("/api/v1/fault-reports", &app.operator, body).await;
    let reference = a.body["reference"].as_str().unwrap().to_owned();
    app.drain().await;
    let mails = smtp.received();
    let page = mails
        .iter()
        .find(|m| m.rcpt == [ON_DUTY])
        .expect("the on-duty email");
    let subject = page.header("Subject").unwrap();
    assert!(
        subject.contains(&reference)
            || crate::support::inspect::readable(&page.data).contains(&reference)
    );
    let texts = sms.requests();
    assert_eq!(texts.len(), 1, "one SMS to the one on-duty phone");
    assert_eq!(texts[0].to, [ON_DUTY_PHONE]);
    assert!(texts[0].body["text"].as_str().unwrap().contains(&reference));
    let ack = mails
        .iter()
        .find(|m| {
            m.rcpt == ["tuki@apteekki.fi"]
                && crate::support::inspect::readable(&m.data).contains(&reference)
        })
        .expect("the acknowledgement");
    let ack = crate::support::inspect::readable(&ack.data);
    assert!(
        ack.contains("soita lisäksi tekniseen tukeen") && ack.contains("020 634 7787"),
        "{ack}"
    );
    assert!(
        ack.contains("Fimea") && ack.contains("Valvira"),
        "the incident-report duty of patient safety: {ack}"
    );
}

async fn three_organisations_make_one_cluster_and_a_fourth_joins_it(backend: Backend) {
    let Some(app) = with_on_duty_email(backend).await else {
        return;
    };
    reports_of(&app, 2, "prescription-centre").await;
    // The same organisation again is still two organisations.
    reports_of(&app, 1, "prescription-centre").await;
    app.drain().await;
    assert!(
        alerts(&app).is_empty(),
        "two organisations are not a cluster"
    );

    app.clock.advance(chrono::Duration::minutes(10));
    let third =
        report(json!({"business_id": BUSINESS_IDS[2], "services": ["prescription-centre"]}));
    app.post("/api/v1/fault-reports", &app.operator, third)
        .await;
    app.drain().await;
    let raised = alerts(&app);
    assert_eq!(
        raised.len(),
        1,
        "three organisations within 30 minutes: one alert"
    );
    assert!(
        raised[0].contains("Prescription Centre") || raised[0].contains("prescription-centre"),
        "{}",
        raised[0]
    );

    app.clock.advance(chrono::Duration::minutes(5));
    let fourth =
        report(json!({"business_id": BUSINESS_IDS[3], "services": ["prescription-centre"]}));
    app.post("/api/v1/fault-reports", &app.operator, fourth)
        .await;
    app.drain().await;
    assert_eq!(
        alerts(&app).len(),
        1,
        "a fourth joins the cluster without a second alert"
    );

    let clustered = app
        .get(
            "/api/v1/fault-reports?service=prescription-centre",
            &app.operator,
        )
        .await;
    assert_eq!(clustered.body["items"].as_array().unwrap().len(), 5);

    // Another service is counted on its own; reports spread over more than the window are
    // no cluster.
    reports_of(&app, 1, "mykanta").await;
    app.clock.advance(chrono::Duration::minutes(31));
    let b = report(json!({"business_id": BUSINESS_IDS[1], "services": ["mykanta"]}));
    app.post("/api/v1/fault-reports", &app.operator, b).await;
    app.clock.advance(chrono::Duration::minutes(31));
    let c = report(json!({"business_id": BUSINESS_IDS[2], "services": ["mykanta"]}));
    app.post("/api/v1/fault-reports", &app.operator, c).await;
    app.drain().await;
    assert_eq!(
        alerts(&app).len(),
        1,
        "three reports an hour apart are no cluster"
    );
}

async fn a_page_goes_out_ahead_of_a_fan_out_in_progress(backend: Backend) {
    let Some(app) = with_on_duty_email(backend).await else {
        return;
    };
    crate::delivery::email_contacts(&app, 40).await;
    crate::delivery::publish(&app, "major").await;
    app.deliverer.fan_out().await.unwrap();
    let critical = report(json!({"criteria": ["data-protection"]}));
    assert_eq!(
        app.post("/api/v1/fault-reports", &app.operator, critical)
            .await
            .status,
        StatusCode::CREATED
    );
    // What the sender does between its claims while a fan-out runs: only urgent messages.
    assert_eq!(app.deliverer.send_urgent_messages().await.unwrap(), 1);
    let sent = app.emails();
    assert_eq!(
        sent.len(),
        1,
        "the page alone, ahead of 40 notice emails and the acknowledgement"
    );
    assert!(sent[0].contains(&format!("To: {ON_DUTY}")));
    app.drain().await;
    assert_eq!(app.emails().len(), 1 + 40 + 1, "then everything else");
}

on_both_backends!(
    a_page_goes_out_ahead_of_a_fan_out_in_progress,
    critical_report_pages_the_on_duty_operators_by_email_and_sms,
    three_organisations_make_one_cluster_and_a_fourth_joins_it,
);
