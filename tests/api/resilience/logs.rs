//! S3 for the SMTP client: the daemon at its most talkative (`RUST_LOG=trace`) writes no
//! recipient's address and no SMTP command, though its protocol client logs every
//! command it writes.

use super::{Node, address, email_registry, publish, wait_until};
use crate::support::smtp_sink::SmtpSink;
use std::time::Duration;

const CONTACTS: usize = 3;

#[tokio::test]
async fn a_daemon_logging_at_trace_names_no_recipient_and_no_smtp_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = super::database(crate::support::Backend::Sqlite, dir.path())
        .await
        .unwrap();
    let sink = SmtpSink::accepting().await;
    let token = email_registry(dir.path(), &db, CONTACTS).await;
    let node = Node::start(dir.path(), &db, sink.addr, &[("RUST_LOG", "trace")]).await;
    publish(&node.addr, &token).await;
    wait_until(
        "every message at the sink",
        Duration::from_secs(30),
        || async { sink.count() == CONTACTS },
    )
    .await;
    let (_, log) = node.stop().await;
    assert!(
        log.lines().count() > 50,
        "the daemon logged at trace level:\n{log}"
    );
    for i in 0..CONTACTS {
        assert!(!log.contains(&address(i)), "an address in the log:\n{log}");
    }
    for command in ["RCPT TO", "MAIL FROM", "EHLO"] {
        assert!(!log.contains(command), "{command} in the log:\n{log}");
    }
}
