//! R1: `kill -9` at random moments of a fan-out, restarting the daemon each time. Nothing
//! is lost; the only duplicates are deliveries that were in flight at a kill, and every
//! copy carries the same Message-ID.

use super::{
    InFlight, Ledger, Node, email_registry, moments, publish, seed, size, tally, wait_until,
};
use crate::support::Backend;
use crate::support::smtp_sink::SmtpSink;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Slack over the lease for a killed daemon's claims to be taken over: the restart itself,
/// and a sender's wait for work when nothing else is due.
const TAKEOVER_SLACK: Duration = Duration::from_secs(10);

async fn kill_9_at_random_moments_loses_nothing_and_repeats_only_what_was_in_flight(
    backend: Backend,
) {
    let n = size("FAULTCAST_R1_DELIVERIES", 2_000);
    let kills = size("FAULTCAST_R1_KILLS", 3);
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = super::database(backend, dir.path()).await else {
        return;
    };
    let sink = SmtpSink::accepting().await;
    let token = email_registry(dir.path(), &db, n).await;
    let ledger = Ledger::open(&db).await;
    let seed = seed();

    let started = Instant::now();
    let mut node = Node::start(dir.path(), &db, sink.addr, &[]).await;
    publish(&node.addr, &token).await;
    let mut at_kills: Vec<(usize, InFlight)> = Vec::new();
    let mut takeovers = Vec::new();
    for at in moments(seed, kills, n) {
        wait_until("the next kill", super::fan_out_deadline(n), || async {
            sink.count() >= at || ledger.settled(n).await
        })
        .await;
        node.kill_9().await;
        let killed = Instant::now();
        let stranded = ledger.in_flight().await;
        let taken = sink.count();
        node = Node::start(dir.path(), &db, sink.addr, &[]).await;
        // The restarted daemon (or the next) takes the stranded claims over after their
        // lease; watched beside the next kills.
        let l = Ledger::open(&db).await;
        let watched = InFlight {
            claims: stranded.claims.clone(),
            addresses: HashSet::new(),
        };
        takeovers.push(tokio::spawn(
            async move { l.recovered(&watched, killed).await },
        ));
        at_kills.push((taken, stranded));
    }
    wait_until("the fan-out to finish", super::fan_out_deadline(n), || {
        ledger.settled(n)
    })
    .await;
    let elapsed = started.elapsed();
    let (status, log) = node.stop().await;
    assert!(status.success(), "{status:?}: {log}");
    let mut recoveries = Vec::new();
    for t in takeovers {
        recoveries.push(t.await.unwrap());
    }

    let t = tally(&sink.received(), n);
    // A claim stranded by one kill and still open at the next is counted once.
    let bound = at_kills
        .iter()
        .flat_map(|(_, f)| &f.claims)
        .collect::<HashSet<_>>()
        .len();
    let in_flight_addresses: HashSet<&String> =
        at_kills.iter().flat_map(|(_, f)| &f.addresses).collect();
    let states = ledger.states().await;
    // Each repeated recipient, put to the first kill it was in flight at.
    let mut counted: HashSet<&String> = HashSet::new();
    let repeated_per_kill: Vec<usize> = at_kills
        .iter()
        .map(|(_, f)| {
            t.duplicated
                .iter()
                .filter(|a| f.addresses.contains(*a) && counted.insert(*a))
                .count()
        })
        .collect();
    println!(
        "figures: R1 {backend:?} deliveries={n} kills={kills} seed={seed} lost={} duplicates={} \
         repeated_per_kill={repeated_per_kill:?} \
         in_flight_at_kills={:?} bound={bound} differing_message_ids={} taken_over_within_ms={:?} \
         lease_s={} elapsed_s={:.1} states={states:?}",
        t.lost,
        t.duplicates,
        at_kills
            .iter()
            .map(|(at, f)| (*at, f.claims.len()))
            .collect::<Vec<_>>(),
        t.differing_ids,
        recoveries.iter().map(|d| d.as_millis()).collect::<Vec<_>>(),
        super::lease_secs(),
        elapsed.as_secs_f64(),
    );
    assert_eq!(t.lost, 0, "lost messages");
    assert_eq!(t.unexpected, 0, "messages to nobody registered");
    assert!(
        t.duplicates <= bound,
        "{} duplicates > {bound} in flight",
        t.duplicates
    );
    assert!(
        t.duplicated.iter().all(|a| in_flight_addresses.contains(a)),
        "a duplicate that was not in flight at a kill"
    );
    assert_eq!(t.differing_ids, 0, "copies with different Message-IDs");
    assert_eq!(states.get("sent"), Some(&(n as i64)), "{states:?}");
    let limit = Duration::from_secs(super::lease_secs()) + TAKEOVER_SLACK;
    assert!(recoveries.iter().all(|r| *r <= limit), "{recoveries:?}");
}

crate::on_both_backends_threaded!(
    kill_9_at_random_moments_loses_nothing_and_repeats_only_what_was_in_flight
);
