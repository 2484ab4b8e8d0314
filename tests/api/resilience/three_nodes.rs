//! R9: three daemons on one PostgreSQL share a fan-out without sending anything twice; when
//! one is killed at 30 %, the others take its claims over after their lease and the only
//! duplicates are deliveries that were in flight at the kill.

use super::{InFlight, Ledger, Node, email_registry, publish, size, tally, wait_until};
use crate::support::smtp_sink::SmtpSink;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const NODES: usize = 3;
/// When the node is killed, as a share of the fan-out taken by the sink.
const KILL_AT_PERCENT: usize = 30;
/// Slack over the lease for the survivors to take the claims over: a sender waits for
/// work up to its poll interval (2 s) when nothing else is due.
const TAKEOVER_SLACK: Duration = Duration::from_secs(4);

/// The lease of the run without a kill. Sharing without double sends is what it proves;
/// with the kill run's short lease, a node starved of CPU for two seconds by the tests
/// beside it (2 cores) lets its claims lapse, and a lapsed claim is sent again by design.
const CALM_LEASE_SECS: &str = "10";

/// The lease of the run with a kill: short, so the takeover is seen soon, yet longer than a
/// survivor takes to send one claimed batch (256 messages, about 2 s on two busy cores), so
/// that the only repeats are the killed node's. A longer lease set for the bench is kept.
fn kill_lease_secs() -> u64 {
    super::lease_secs().max(5)
}

async fn start_nodes(
    dirs: &[PathBuf],
    db: &str,
    sink: &SmtpSink,
    extra: &[(&str, &str)],
) -> Vec<Node> {
    let mut nodes = Vec::new();
    for d in dirs {
        nodes.push(Node::start(d, db, sink.addr, extra).await);
    }
    nodes
}

/// Which node took how many messages is not visible at the sink; the ledger's states are.
async fn finish(ledger: &Ledger, n_total: usize, nodes: Vec<Node>) -> BTreeMap<String, i64> {
    wait_until(
        "the fan-out to finish",
        super::fan_out_deadline(n_total),
        || ledger.settled(n_total),
    )
    .await;
    for node in nodes {
        let (status, log) = node.stop().await;
        assert!(status.success(), "{status:?}: {log}");
    }
    ledger.states().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_daemons_share_a_fan_out_and_survive_losing_one() {
    let n = size("FAULTCAST_R9_DELIVERIES", 3_000);
    let Some(db) = crate::support::postgres::fresh_database().await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let dirs: Vec<PathBuf> = (0..NODES)
        .map(|i| {
            let d = root.path().join(format!("node{i}"));
            std::fs::create_dir_all(&d).unwrap();
            d
        })
        .collect();
    let sink = SmtpSink::accepting().await;
    let token = email_registry(&dirs[0], &db, n).await;
    let ledger = Ledger::open(&db).await;

    // No kill: three daemons, one fan-out, nothing twice.
    let calm = [("FAULTCAST__DELIVERY__LEASE_SECS", CALM_LEASE_SECS)];
    let nodes = start_nodes(&dirs, &db, &sink, &calm).await;
    let started = Instant::now();
    publish(&nodes[1].addr, &token).await;
    let states = finish(&ledger, n, nodes).await;
    let calm_s = started.elapsed().as_secs_f64();
    let calm = tally(&sink.received(), n);

    // One node killed at 30 %.
    let before = sink.count();
    let kill_lease = kill_lease_secs().to_string();
    let short = [("FAULTCAST__DELIVERY__LEASE_SECS", kill_lease.as_str())];
    let mut nodes = start_nodes(&dirs, &db, &sink, &short).await;
    let started = Instant::now();
    publish(&nodes[1].addr, &token).await;
    wait_until(
        "30 % of the fan-out",
        super::fan_out_deadline(n),
        || async {
            sink.count() - before >= n * KILL_AT_PERCENT / 100 || ledger.settled(2 * n).await
        },
    )
    .await;
    // The node the notice was published to: it is surely sending.
    nodes.remove(1).kill_9().await;
    let killed = Instant::now();
    let at = sink.count() - before;
    let stranded: InFlight = ledger.in_flight().await;
    let takeover = ledger.recovered(&stranded, killed).await;
    let states_after = finish(&ledger, 2 * n, nodes).await;
    let killed_s = started.elapsed().as_secs_f64();
    let after = tally(&sink.received_from(before), n);

    println!(
        "figures: R9 Postgres nodes={NODES} deliveries={n} | no kill (lease {CALM_LEASE_SECS} s): lost={} duplicates={} \
         elapsed_s={calm_s:.1} | kill -9 of one node at {at}: lost={} duplicates={} \
         in_flight_at_kill={} taken_over_within_ms={} lease_s={} elapsed_s={killed_s:.1} \
         differing_message_ids={} states={states_after:?}",
        calm.lost,
        calm.duplicates,
        after.lost,
        after.duplicates,
        stranded.claims.len(),
        takeover.as_millis(),
        kill_lease_secs(),
        calm.differing_ids + after.differing_ids,
    );
    assert_eq!((calm.lost, calm.duplicates, calm.unexpected), (0, 0, 0));
    assert_eq!(states.get("sent"), Some(&(n as i64)), "{states:?}");
    assert_eq!((after.lost, after.unexpected), (0, 0));
    assert!(after.duplicates <= stranded.claims.len());
    assert!(
        after
            .duplicated
            .iter()
            .all(|a| stranded.addresses.contains(a))
    );
    assert_eq!(calm.differing_ids + after.differing_ids, 0);
    assert_eq!(
        states_after.get("sent"),
        Some(&(2 * n as i64)),
        "{states_after:?}"
    );
    assert!(
        takeover <= Duration::from_secs(kill_lease_secs()) + TAKEOVER_SLACK,
        "taken over after {takeover:?}"
    );
}
