//! Bounces: every notice email is sent with a VERP envelope sender that names its delivery
//! (`[email] bounce_address = "bounces@example.fi"` → `bounces+<code>@example.fi`), short
//! enough for RFC 5321's 64-octet local part and in any case. Bounces come back over a real
//! LMTP conversation in the shapes Postfix, Exim, Exchange and Gmail send; a hard bounce
//! marks the delivery, `hard_limit` of them in a row the contact; soft bounces and
//! auto-replies change nothing; hostile messages never stop the listener.

use crate::delivery::email_contacts;
use crate::on_both_backends;
use crate::support::TestApp;
use crate::support::smtp_sink::SmtpSink;
use crate::support::{Backend, spawn_app_with};
use faultcast::access::{LinkKey, LinkPurpose};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const SECRET: &str = "a test secret of at least thirty-two characters";

/// An app that sends over SMTP to `sink` with VERP senders and takes bounces over LMTP.
async fn app_with_bounces(backend: Backend, sink: &SmtpSink) -> Option<TestApp> {
    spawn_app_with(
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
            ("FAULTCAST__LINKS__SECRET", SECRET.into()),
            ("FAULTCAST__BOUNCES__LISTEN", "127.0.0.1:0".into()),
        ],
    )
    .await
}

/// Reads one reply (all its lines); the last line.
async fn reply(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
    loop {
        let mut line = String::new();
        let n = tokio::time::timeout(std::time::Duration::from_secs(20), r.read_line(&mut line))
            .await
            .expect("the listener answers")
            .unwrap();
        assert!(n > 0, "the listener closed the connection");
        if line.as_bytes().get(3) != Some(&b'-') {
            return line.trim_end().to_owned();
        }
    }
}

/// Hands `message` (LF or CRLF lines) to the LMTP listener for `rcpt`; the reply to DATA.
async fn lmtp(addr: SocketAddr, rcpt: &str, message: &[u8]) -> String {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (read, mut w) = stream.into_split();
    let mut r = BufReader::new(read);
    assert!(reply(&mut r).await.starts_with("220"));
    for cmd in [
        "LHLO mx.example.fi".to_owned(),
        "MAIL FROM:<>".to_owned(),
        format!("RCPT TO:<{rcpt}>"),
    ] {
        w.write_all(format!("{cmd}\r\n").as_bytes()).await.unwrap();
        assert!(reply(&mut r).await.starts_with("250"), "{cmd}");
    }
    w.write_all(b"DATA\r\n").await.unwrap();
    assert!(reply(&mut r).await.starts_with("354"));
    let mut body = Vec::new();
    for line in message.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b".") {
            body.push(b'.');
        }
        body.extend_from_slice(line);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b".\r\n");
    w.write_all(&body).await.unwrap();
    let answer = reply(&mut r).await;
    let _ = w.write_all(b"QUIT\r\n").await;
    answer
}

/// The fixture `name` with our VERP address and the failed recipient filled in.
fn dsn(name: &str, to: &str, rcpt: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/dsn/{name}.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .replace("{TO}", to)
        .replace("{RCPT}", rcpt)
        .into_bytes()
}

/// The envelope sender of the newest notice message to `rcpt`.
fn verp(sink: &SmtpSink, rcpt: &str) -> String {
    sink.received()
        .into_iter()
        .rev()
        .find(|r| r.rcpt.iter().any(|x| x == rcpt) && !r.data.contains("Message-ID: <system."))
        .expect("a message")
        .mail_from
}

async fn deliveries_of(app: &TestApp, id: &str) -> Vec<Value> {
    let a = app
        .get(&format!("/api/v1/notices/{id}/deliveries"), &app.operator)
        .await;
    a.body["items"].as_array().unwrap().clone()
}

async fn undeliverable(app: &TestApp, org: &str, id: &str) -> Value {
    let c = app
        .get(
            &format!("/api/v1/organisations/{org}/contacts/{id}"),
            &app.operator,
        )
        .await;
    c.body["undeliverable"].clone()
}

async fn publish(app: &TestApp) -> String {
    let p = app
        .post(
            "/api/v1/notices",
            &app.operator,
            crate::notices::fault("major", &["prescription-centre"]),
        )
        .await;
    assert_eq!(p.status, StatusCode::ACCEPTED, "{}", p.text);
    app.drain().await;
    p.body["id"].as_str().unwrap().to_owned()
}

async fn each_notice_email_names_its_delivery_in_its_envelope_sender(backend: Backend) {
    let sink = SmtpSink::accepting().await;
    let Some(app) = app_with_bounces(backend, &sink).await else {
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
    let key = LinkKey::from_secret(SECRET).unwrap();
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

async fn bounces_as_real_servers_send_them_mark_the_delivery_and_twice_the_contact(
    backend: Backend,
) {
    let sink = SmtpSink::accepting().await;
    let Some(app) = app_with_bounces(backend, &sink).await else {
        return;
    };
    let lmtp_addr = app.lmtp.expect("an LMTP listener");
    let org = app.pharmacy().await;
    crate::portal::portal_admin(&app, &org, "admin@apteekki.fi", "en").await;
    let shapes = ["postfix", "exim", "exchange", "gmail"];
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(
            crate::notices::contact(
                &app,
                &org,
                Some(&format!("dead{i}@apteekki.fi")),
                None,
                "fi",
                json!({"name": format!("Dead {i}")}),
            )
            .await,
        );
    }
    let first = publish(&app).await;
    for (i, shape) in shapes.iter().enumerate() {
        let rcpt = format!("dead{i}@apteekki.fi");
        let to = verp(&sink, &rcpt);
        assert!(
            lmtp(lmtp_addr, &to, &dsn(shape, &to, &rcpt))
                .await
                .starts_with("250"),
            "{shape}"
        );
    }
    let list = deliveries_of(&app, &first).await;
    let bounced: Vec<&Value> = list.iter().filter(|d| d["state"] == "bounced").collect();
    assert_eq!(bounced.len(), 4, "one bounce per shape: {list:?}");
    for d in &bounced {
        assert!(d["last_error"].as_str().unwrap().starts_with("5."), "{d}");
    }
    assert!(
        list.iter().any(|d| d["state"] == "sent"),
        "the admin's own delivery did not bounce"
    );
    // One hard bounce is not yet a dead address.
    assert_eq!(undeliverable(&app, &org, &ids[0]).await, false);

    let second = publish(&app).await;
    // A delay and an auto-reply change nothing; a second hard bounce in a row does.
    let to1 = verp(&sink, "dead1@apteekki.fi");
    let delayed = String::from_utf8(dsn("postfix", &to1, "dead1@apteekki.fi"))
        .unwrap()
        .replace("Action: failed", "Action: delayed")
        .replace("Status: 5.1.1", "Status: 4.4.7");
    assert!(
        lmtp(lmtp_addr, &to1, delayed.as_bytes())
            .await
            .starts_with("250")
    );
    let to2 = verp(&sink, "dead2@apteekki.fi");
    let auto = format!(
        "From: dead2@apteekki.fi\nTo: {to2}\nSubject: Automatic reply: on leave\nAuto-Submitted: auto-replied\n\nBack on Monday.\n"
    );
    assert!(
        lmtp(lmtp_addr, &to2, auto.as_bytes())
            .await
            .starts_with("250")
    );
    let unknown = "bounces+000000000000000000000000000000@example.fi";
    assert!(
        lmtp(lmtp_addr, unknown, &dsn("postfix", unknown, "x@y.fi"))
            .await
            .starts_with("250")
    );
    assert_eq!(
        app.intake.bounces_ignored(),
        2,
        "the auto-reply and the stranger, counted"
    );
    let metrics = app.public_get("/metrics").await;
    assert!(
        metrics.text.contains("faultcast_bounces_ignored 2"),
        "{}",
        metrics.text
    );
    let to0 = verp(&sink, "dead0@apteekki.fi");
    assert!(
        lmtp(lmtp_addr, &to0, &dsn("gmail", &to0, "dead0@apteekki.fi"))
            .await
            .starts_with("250")
    );
    let list = deliveries_of(&app, &second).await;
    assert_eq!(
        list.iter().filter(|d| d["state"] == "bounced").count(),
        1,
        "{list:?}"
    );
    assert_eq!(undeliverable(&app, &org, &ids[0]).await, true);
    assert_eq!(
        undeliverable(&app, &org, &ids[1]).await,
        false,
        "a delay is no bounce"
    );
    app.drain().await;
    let told = sink
        .received()
        .into_iter()
        .find(|r| {
            r.rcpt.iter().any(|x| x == "admin@apteekki.fi")
                && r.data.contains("Address not working")
        })
        .is_some();
    assert!(told, "the portal admin hears of it");
    app.intake
        .report_unreachable(&["ops@operator.example".to_owned()])
        .await
        .unwrap();
    app.drain().await;
    let report = sink
        .received()
        .into_iter()
        .find(|r| r.rcpt.iter().any(|x| x == "ops@operator.example"))
        .expect("the report");
    assert!(
        crate::support::inspect::readable(&report.data).contains("Dead 0 <dead0@apteekki.fi>"),
        "{}",
        report.data
    );

    // A new address starts again.
    let fixed = app
        .patch(
            &format!("/api/v1/organisations/{org}/contacts/{}", ids[0]),
            &app.operator,
            json!({"email": "uusi0@apteekki.fi"}),
        )
        .await;
    assert_eq!(fixed.status, StatusCode::OK);
    assert_eq!(fixed.body["undeliverable"], false);
}

on_both_backends!(bounces_as_real_servers_send_them_mark_the_delivery_and_twice_the_contact);

#[tokio::test]
async fn hostile_messages_never_stop_the_listener() {
    let sink = SmtpSink::accepting().await;
    let app = app_with_bounces(Backend::Sqlite, &sink).await.unwrap();
    let addr = app.lmtp.unwrap();
    let to = "bounces+000000000000000000000000000000@example.fi";
    let mut nested = String::from(
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b0\n\n",
    );
    for i in 0..2_000 {
        nested.push_str(&format!(
            "--b{i}\nContent-Type: multipart/mixed; boundary=b{}\n\n",
            i + 1
        ));
    }
    let huge_part = format!(
        "Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\n{}\n--x--\n",
        "Status: 5.1.1\n".repeat(200_000)
    );
    let broken = "Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n!!!not base64===\n--x";
    let mut binary = b"Content-Type: message/delivery-status\n\n".to_vec();
    binary.extend((0..=255u8).cycle().take(50_000));
    for message in [
        nested.into_bytes(),
        huge_part.into_bytes(),
        broken.as_bytes().to_vec(),
        binary,
        vec![b'x'; 100_000],
    ] {
        let answer = lmtp(addr, to, &message).await;
        assert!(
            answer.starts_with("250") || answer.starts_with("552"),
            "{answer}"
        );
    }
    // Too big: refused, and the listener goes on.
    let too_big = vec![b'y'; 11 * 1024 * 1024]
        .chunks(1_000)
        .flat_map(|c| [c, b"\n"].concat())
        .collect::<Vec<u8>>();
    assert!(lmtp(addr, to, &too_big).await.starts_with("552"));
    assert!(
        lmtp(addr, to, b"Subject: still here\n\nok\n")
            .await
            .starts_with("250")
    );
    assert_eq!(
        app.intake.bounces_ignored(),
        6,
        "every one of them ignored and counted"
    );
}
