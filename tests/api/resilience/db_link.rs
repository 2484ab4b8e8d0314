//! R8: the PostgreSQL link gets slow, is reset, hangs and goes down during a fan-out (through
//! a fault proxy). The daemon survives each, the API answers 503 within 2 s while the
//! database is down, and once the link heals the fan-out completes with nothing lost.

use super::{Ledger, Node, email_registry, publish, size, tally, wait_until};
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::smtp_sink::SmtpSink;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

/// How long each fault lasts.
fn fault_secs() -> u64 {
    size("FAULTCAST_R8_FAULT_SECS", 2) as u64
}
/// The delay per chunk each way while the link is slow.
const LATENCY: Duration = Duration::from_millis(20);
/// The pass bar: an answer while the database is down comes within this.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// The server's address in a postgres URL, and the same URL pointed at `proxy`.
fn through(url: &str, proxy: Option<SocketAddr>) -> (SocketAddr, String) {
    let mut u = reqwest::Url::parse(url).expect("a postgres URL");
    let upstream = (u.host_str().unwrap(), u.port().unwrap_or(5432))
        .to_socket_addrs()
        .unwrap()
        .next()
        .unwrap();
    if let Some(p) = proxy {
        u.set_host(Some(&p.ip().to_string())).unwrap();
        u.set_port(Some(p.port())).unwrap();
    }
    (upstream, u.to_string())
}

/// Status and time of one request.
async fn timed(req: reqwest::RequestBuilder) -> (u16, Duration) {
    let t = Instant::now();
    let status = req
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    (status, t.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_link_faults_neither_kill_the_daemon_nor_lose_a_message() {
    let n = size("FAULTCAST_R8_DELIVERIES", 4_000);
    let Some(db) = crate::support::postgres::fresh_database().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (upstream, _) = through(&db, None);
    let proxy = FaultProxy::start(upstream).await;
    let (_, proxied) = through(&db, Some(proxy.addr));
    let sink = SmtpSink::accepting().await;
    let token = email_registry(dir.path(), &db, n).await;
    let ledger = Ledger::open(&db).await;
    let mut node = Node::start(dir.path(), &proxied, sink.addr, &[]).await;
    let started = Instant::now();
    publish(&node.addr, &token).await;
    let http = reqwest::Client::new();
    let page = http
        .get(format!("http://{}/", node.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);

    let hold = Duration::from_secs(fault_secs());
    let mut figures = Vec::new();
    let faults = [
        ("latency", Fault::Latency(LATENCY)),
        ("reset", Fault::None),
        ("hang", Fault::Hang),
        ("down", Fault::Down),
    ];
    for (i, (name, fault)) in faults.into_iter().enumerate() {
        let at = n * (1 + 10 * i) / 100;
        wait_until(name, super::fan_out_deadline(n), || async {
            sink.count() >= at || ledger.settled(n).await
        })
        .await;
        let taken = sink.count();
        let fault_started = Instant::now();
        if name == "reset" {
            proxy.reset();
        } else {
            proxy.set(fault);
        }
        let mut answers = Vec::new();
        if fault == Fault::Down {
            // Asked as it goes down, and again once the pool has had to reconnect.
            for probe in 0..2 {
                if probe == 1 {
                    tokio::time::sleep(hold / 2).await;
                }
                let publish_req = http
                    .post(format!("http://{}/api/v1/notices", node.addr))
                    .bearer_auth(&token)
                    .json(&crate::notices::fault("critical", &["prescription-centre"]));
                answers.push(("publish", timed(publish_req).await));
                let ready = http.get(format!("http://{}/readyz", node.addr));
                answers.push(("readyz", timed(ready).await));
                let page = http.get(format!("http://{}/", node.addr));
                answers.push(("page", timed(page).await));
            }
        }
        tokio::time::sleep(hold.saturating_sub(fault_started.elapsed())).await;
        proxy.set(Fault::None);
        assert!(node.alive(), "the daemon died of a {name}: {}", node.log());
        figures.push(format!(
            "{name} at {taken} for {}s {answers:?}",
            if name == "reset" { 0 } else { fault_secs() }
        ));
        for (what, (status, took)) in &answers {
            if *what == "page" {
                assert_eq!(*status, 200, "the cached page stays up");
            } else {
                assert_eq!(*status, 503, "{what} while the database is down");
            }
            assert!(*took <= ANSWER_WITHIN, "{what} answered after {took:?}");
        }
    }
    wait_until("the fan-out to finish", super::fan_out_deadline(n), || {
        ledger.settled(n)
    })
    .await;
    let elapsed = started.elapsed();
    assert!(node.alive());
    let (status, log) = node.stop().await;
    assert!(status.success(), "{status:?}: {log}");
    let t = tally(&sink.received(), n);
    let states = ledger.states().await;
    println!(
        "figures: R8 Postgres deliveries={n} faults=[{}] lost={} duplicates={} differing_message_ids={} \
         survived=true elapsed_s={:.1} states={states:?}",
        figures.join("; "),
        t.lost,
        t.duplicates,
        t.differing_ids,
        elapsed.as_secs_f64(),
    );
    assert_eq!((t.lost, t.unexpected, t.differing_ids), (0, 0, 0));
    assert_eq!(states.get("sent"), Some(&(n as i64)), "{states:?}");
}
