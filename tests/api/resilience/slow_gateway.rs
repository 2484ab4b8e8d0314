//! A channel slower than the lease: an SMS gateway that takes ten messages a second, and a
//! fan-out that keeps deliveries in the daemon's send queue three times as long as their
//! lease. The daemon renews the leases of what it holds, so no delivery is claimed a second
//! time while it waits, and every SMS goes out once.

use super::{Ledger, Node, publish, wait_until};
use crate::support::Backend;
use crate::support::sms_sink::{GatewayReply, SmsSink};
use crate::support::smtp_sink::SmtpSink;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Messages a second the gateway takes.
const RATE: usize = 10;
/// Three times the lease (2 s) at that rate: most of them wait longer than a lease.
const SMS: usize = 6 * RATE;

async fn a_gateway_slower_than_the_lease_gets_every_sms_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = super::database(backend, dir.path()).await else {
        return;
    };
    let smtp = SmtpSink::accepting().await;
    let gateway = SmsSink::start(Arc::new(|_, _| GatewayReply::Accept)).await;
    let (d, url) = (dir.path().to_owned(), db.clone());
    let token = tokio::task::spawn_blocking(move || crate::crash::registry(&d, &url, SMS))
        .await
        .unwrap();
    let (gateway_url, rate) = (gateway.url(), RATE.to_string());
    let node = Node::start(
        dir.path(),
        &db,
        smtp.addr,
        &[
            ("FAULTCAST__DELIVERY__LEASE_SECS", "2"),
            ("FAULTCAST__SMS__GATEWAY", "http"),
            ("FAULTCAST__SMS__HTTP__URL", &gateway_url),
            ("FAULTCAST__SMS__HTTP__MESSAGES_PER_SECOND", &rate),
        ],
    )
    .await;
    publish(&node.addr, &token).await;
    let ledger = Ledger::open(&db).await;
    wait_until("every SMS to be sent", Duration::from_secs(60), || {
        ledger.settled(SMS)
    })
    .await;
    let (status, log) = node.stop().await;
    assert!(status.success(), "{status:?}: {log}");

    let mut per_number: HashMap<String, usize> = HashMap::new();
    for r in gateway.requests() {
        for to in r.to {
            *per_number.entry(to).or_default() += 1;
        }
    }
    let twice: Vec<_> = per_number.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(per_number.len(), SMS, "every number got its SMS");
    assert_eq!(ledger.states().await.get("sent"), Some(&(SMS as i64)));
    assert!(
        !log.contains("leases ran out"),
        "no lease ran out while the daemon ran: {log}"
    );
}

crate::on_both_backends_threaded!(a_gateway_slower_than_the_lease_gets_every_sms_once);
