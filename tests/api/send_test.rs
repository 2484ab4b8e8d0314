//! `faultcast send-test`: one message through the configured channel to a real SMTP server
//! and a real HTTP SMS gateway, with the answer on one line; a refusal is a one-line
//! failure (exit 1), a missing or doubled target a usage error (exit 2).

use crate::cli::{faultcast, run};
use crate::support::sms_sink::{GatewayReply, SmsSink};
use crate::support::smtp_sink::{Reply, SmtpSink};
use std::process::Command;
use std::sync::Arc;

/// The binary with its channels pointed at `smtp` and `sms`, on a throwaway database.
fn with_channels(dir: &std::path::Path, smtp: &SmtpSink, sms: &SmsSink) -> Command {
    let db = format!("sqlite://{}", dir.join("fc.db").display());
    let mut c = faultcast(dir, &db);
    c.envs([
        ("FAULTCAST__EMAIL__TRANSPORT", "smtp".to_owned()),
        ("FAULTCAST__EMAIL__SMTP__HOST", "127.0.0.1".to_owned()),
        ("FAULTCAST__EMAIL__SMTP__PORT", smtp.addr.port().to_string()),
        ("FAULTCAST__EMAIL__SMTP__TLS", "none".to_owned()),
        ("FAULTCAST__SMS__GATEWAY", "http".to_owned()),
        ("FAULTCAST__SMS__HTTP__URL", sms.url()),
    ])
    .arg("send-test");
    c
}

async fn blocking(mut c: Command) -> (i32, String, String) {
    tokio::task::spawn_blocking(move || run(&mut c))
        .await
        .unwrap()
}

#[tokio::test]
async fn send_test_drills_each_channel_end_to_end_and_says_what_the_other_side_answered() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = SmtpSink::start(
        Arc::new(|rcpt: &str, _| {
            if rcpt.starts_with("nobody") {
                Reply::Reject
            } else {
                Reply::Accept
            }
        }),
        true,
    )
    .await;
    let sms = SmsSink::start(Arc::new(|to: &str, _| {
        if to.ends_with('9') {
            GatewayReply::BadRequest
        } else {
            GatewayReply::Accept
        }
    }))
    .await;

    let mut c = with_channels(dir.path(), &smtp, &sms);
    c.args(["--email", "tuki@apteekki.fi"]);
    let (code, out, err) = blocking(c).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "email to tuki@apteekki.fi: accepted");
    let mail = &smtp.received()[0];
    assert_eq!(mail.rcpt, ["tuki@apteekki.fi"]);
    assert!(
        mail.header("Subject").unwrap().contains("test"),
        "{:?}",
        mail.header("Subject")
    );

    let mut c = with_channels(dir.path(), &smtp, &sms);
    c.args(["--sms", "040 123 4567"]);
    let (code, out, err) = blocking(c).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("sms to +358401234567: accepted (gateway id "),
        "{out}"
    );
    assert_eq!(sms.requests()[0].to, ["+358401234567"]);
    assert!(
        sms.requests()[0].body["text"]
            .as_str()
            .unwrap()
            .contains("test")
    );

    let mut c = with_channels(dir.path(), &smtp, &sms);
    c.args(["--email", "nobody@apteekki.fi"]);
    let (code, _, err) = blocking(c).await;
    assert_eq!(code, 1);
    assert!(
        err.starts_with("faultcast: email to nobody@apteekki.fi failed (permanent"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");

    let mut c = with_channels(dir.path(), &smtp, &sms);
    c.args(["--sms", "040 123 4569"]);
    let (code, _, err) = blocking(c).await;
    assert_eq!(code, 1);
    assert!(err.contains("refused for this recipient"), "{err}");

    let mut c = with_channels(dir.path(), &smtp, &sms);
    c.args(["--email", "not an address"]);
    let (code, _, err) = blocking(c).await;
    assert_eq!(code, 1);
    assert!(err.starts_with("faultcast: --email: the address"), "{err}");

    for args in [&[][..], &["--email", "a@b.fi", "--sms", "0401234567"][..]] {
        let mut c = with_channels(dir.path(), &smtp, &sms);
        c.args(args);
        assert_eq!(blocking(c).await.0, 2, "usage error for {args:?}");
    }
}
