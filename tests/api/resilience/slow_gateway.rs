//! A channel slower than the lease: an SMS gateway that takes ten messages a second, and a
//! fan-out that keeps deliveries in the daemon's send queue three times as long as their
//! lease. The daemon renews the leases of what it holds, so no delivery is claimed a second
//! time while it waits, and every SMS goes out once. And a daemon stopped with such a queue
//! sends nothing more, exits within its grace period and hands the queue back.

use super::{Ledger, Node, publish, wait_until};
use crate::support::Backend;
use crate::support::sms_sink::{GatewayReply, SmsSink};
use crate::support::smtp_sink::SmtpSink;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// A database with `n` SMS contacts, an SMTP sink and an accepting SMS gateway.
struct Setup {
    dir: tempfile::TempDir,
    db: String,
    smtp: SmtpSink,
    gateway: SmsSink,
    token: String,
}

async fn setup(backend: Backend, n: usize) -> Option<Setup> {
    let dir = tempfile::tempdir().unwrap();
    let db = super::database(backend, dir.path()).await?;
    let smtp = SmtpSink::accepting().await;
    let gateway = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let (d, url) = (dir.path().to_owned(), db.clone());
    let token = tokio::task::spawn_blocking(move || crate::crash::registry(&d, &url, n))
        .await
        .unwrap();
    Some(Setup {
        dir,
        db,
        smtp,
        gateway,
        token,
    })
}

impl Setup {
    /// A daemon sending SMS to the gateway at `rate` a second, leased for `lease` seconds.
    async fn start(&self, (rate, lease): (usize, u64)) -> Node {
        let (url, rate, lease) = (self.gateway.url(), rate.to_string(), lease.to_string());
        Node::start(
            self.dir.path(),
            &self.db,
            self.smtp.addr,
            &[
                ("FAULTCAST__DELIVERY__LEASE_SECS", &lease),
                ("FAULTCAST__SERVER__SHUTDOWN_GRACE_SECS", "2"),
                ("FAULTCAST__SMS__GATEWAY", "http"),
                ("FAULTCAST__SMS__HTTP__URL", &url),
                ("FAULTCAST__SMS__HTTP__MESSAGES_PER_SECOND", &rate),
            ],
        )
        .await
    }
}

/// How many requests reached the gateway for each number.
fn per_number(gateway: &SmsSink) -> HashMap<String, usize> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in gateway.requests() {
        for to in r.to {
            *seen.entry(to).or_default() += 1;
        }
    }
    seen
}

/// Messages a second the gateway takes.
const RATE: usize = 10;
/// Three times the lease (2 s) at that rate: most of them wait longer than a lease.
const SMS: usize = 6 * RATE;

async fn a_gateway_slower_than_the_lease_gets_every_sms_once(backend: Backend) {
    let Some(ready) = setup(backend, SMS).await else {
        return;
    };
    let node = ready.start((RATE, 2)).await;
    publish(&node.addr, &ready.token).await;
    let ledger = Ledger::open(&ready.db).await;
    wait_until("every SMS to be sent", Duration::from_secs(60), || {
        ledger.settled(SMS)
    })
    .await;
    let (status, log) = node.stop().await;
    assert!(status.success(), "{status:?}: {log}");

    let per_number = per_number(&ready.gateway);
    let twice: Vec<_> = per_number.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(per_number.len(), SMS, "every number got its SMS");
    assert_eq!(ledger.states().await.get("sent"), Some(&(SMS as i64)));
    assert!(
        !log.contains("leases ran out"),
        "no lease ran out while the daemon ran: {log}"
    );
}

/// A fan-out of 100 SMS at 20 a second, stopped after 10: the queue would take 4 s more
/// than the 2 s grace period. The daemon finishes only the sends under way, exits in time,
/// and what it had claimed and not started is sent by the next daemon at once (not after
/// the 60 s lease), once.
async fn a_stopped_daemon_hands_back_what_it_had_not_started(backend: Backend) {
    const N: usize = 100;
    const FAST: usize = 20;
    let Some(ready) = setup(backend, N).await else {
        return;
    };
    let node = ready.start((FAST, 60)).await;
    publish(&node.addr, &ready.token).await;
    wait_until("the first SMS", Duration::from_secs(30), || async {
        ready.gateway.requests().len() >= 10
    })
    .await;
    let (status, log) = node.stop().await;
    assert!(status.success(), "{status:?}: {log}");
    assert!(
        !log.contains("did not finish within the grace period"),
        "{log}"
    );
    assert!(log.contains("handed back"), "{log}");
    let before = ready.gateway.requests().len();
    assert!(before < N, "stopped before the end: {before}");

    let node = ready.start((FAST, 60)).await;
    let ledger = Ledger::open(&ready.db).await;
    wait_until(
        "the rest, well before the lease",
        Duration::from_secs(20),
        || ledger.settled(N),
    )
    .await;
    let (status, log) = node.stop().await;
    assert!(status.success(), "{status:?}: {log}");
    let seen = per_number(&ready.gateway);
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(seen.len(), N, "every number got its SMS");
    assert_eq!(ledger.states().await.get("sent"), Some(&(N as i64)));
}

crate::on_both_backends_threaded!(
    a_gateway_slower_than_the_lease_gets_every_sms_once,
    a_stopped_daemon_hands_back_what_it_had_not_started,
);
