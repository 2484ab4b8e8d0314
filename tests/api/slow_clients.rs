//! Slow clients cannot hold the daemon: connections that send nothing, stop in the middle of
//! a request's head or body, trickle their head byte by byte, or idle after an answer are
//! closed within their timeout + 1 s, while the status page keeps answering and the
//! daemon's memory stays bounded. The real binary, over real sockets.

use crate::cli::{Daemon, blocking_status};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The timeouts the daemon runs with here: short, so that the test is quick.
const TIMEOUT: Duration = Duration::from_secs(2);
/// How late a close may come after its deadline.
const SLACK: Duration = Duration::from_secs(1);
/// Connections per way of stalling.
const EACH: usize = 50;

/// The ways a client stalls, and what it sends before it does.
#[derive(Clone, Copy, Debug)]
enum Stall {
    Silence,
    MidHead,
    MidBody,
    Idle,
}

/// Opens a connection that stalls as `how`; returns it with the moment its deadline
/// started (the connection, the head's first byte, the body's head, the answer's end).
async fn stall(addr: &str, how: Stall) -> (TcpStream, Instant) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    match how {
        Stall::Silence => {}
        Stall::MidHead => s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap(),
        Stall::MidBody => s
            .write_all(b"POST /api/v1/sms/receipts/generic HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"reference\":")
            .await
            .unwrap(),
        Stall::Idle => {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
            let mut buf = [0u8; 1024];
            let n = s.read(&mut buf).await.unwrap();
            assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buf[..n]));
            return (s, Instant::now());
        }
    }
    (s, started)
}

/// Reads until the daemon closes the connection; returns what it said.
async fn until_closed(mut s: TcpStream, deadline: Duration) -> Result<Vec<u8>, &'static str> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let end = Instant::now() + deadline;
    loop {
        match tokio::time::timeout_at(end.into(), s.read(&mut buf)).await {
            Err(_) => return Err("still open"),
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// The daemon's resident memory in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// The real binary on a SQLite file in `dir`, with `env`.
async fn daemon(dir: &std::path::Path, env: Vec<(&'static str, String)>) -> Daemon {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        let db = format!("sqlite://{}", dir.join("faultcast.db").display());
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Daemon::start_with(&dir, &db, "info", &env)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_connections_are_closed_in_time_while_the_page_answers() {
    let dir = tempfile::tempdir().unwrap();
    let secs = TIMEOUT.as_secs().to_string();
    let daemon = daemon(
        dir.path(),
        vec![
            ("FAULTCAST__SERVER__HEADER_TIMEOUT_SECS", secs.clone()),
            ("FAULTCAST__SERVER__IDLE_TIMEOUT_SECS", secs.clone()),
            ("FAULTCAST__SERVER__BODY_TIMEOUT_SECS", secs),
        ],
    )
    .await;
    let addr = daemon.addr.clone();
    let page = format!("http://{addr}/");
    let page_status = |url: String| tokio::task::spawn_blocking(move || blocking_status(&url));
    assert_eq!(page_status(page.clone()).await.unwrap(), 200);
    let pid = daemon.pid();
    let before = rss_kib(pid);

    let mut stalled = Vec::new();
    for how in [Stall::Silence, Stall::MidHead, Stall::MidBody, Stall::Idle] {
        for _ in 0..EACH {
            let (s, started) = stall(&addr, how).await;
            stalled.push((how, s, started));
        }
    }
    // A client that trickles its head one byte at a time gains nothing by it.
    let trickler = tokio::spawn({
        let addr = addr.clone();
        async move {
            let mut s = TcpStream::connect(&addr).await.unwrap();
            let started = Instant::now();
            for b in
                b"GET / HTTP/1.1\r\nHost: x\r\nX-Trickle: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter()
            {
                if s.write_all(&[*b]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            (started, until_closed(s, TIMEOUT + SLACK).await)
        }
    });
    let during = rss_kib(pid);
    // The page answers on fresh connections while 200 stalled ones are open.
    for _ in 0..10 {
        assert_eq!(page_status(page.clone()).await.unwrap(), 200);
    }

    let mut closes = Vec::new();
    for (how, s, started) in stalled {
        let left = (started + TIMEOUT + SLACK).saturating_duration_since(Instant::now());
        let said = until_closed(s, left)
            .await
            .unwrap_or_else(|e| panic!("{how:?}: {e}"));
        closes.push(started.elapsed());
        if let Stall::MidBody = how {
            let said = String::from_utf8_lossy(&said);
            assert!(
                said.starts_with("HTTP/1.1 408"),
                "a stalled body is told why: {said}"
            );
            assert!(said.contains("application/problem+json"), "{said}");
        }
    }
    let (started, trickled) = trickler.await.unwrap();
    trickled.expect("the trickling client is closed");
    let trickle_close = started.elapsed();
    assert!(
        trickle_close <= TIMEOUT + SLACK,
        "trickling for {trickle_close:?}"
    );
    assert_eq!(page_status(page).await.unwrap(), 200);
    let slowest = closes.iter().max().unwrap();
    eprintln!(
        "figures: {} stalled connections closed, slowest after {slowest:?} (timeout {TIMEOUT:?}); RSS {before} KiB idle, {during} KiB with them open",
        closes.len()
    );
    assert!(
        during < before + 32 * 1024,
        "200 stalled connections cost {} KiB",
        during - before
    );
    let (status, log) = tokio::task::spawn_blocking(move || daemon.stop_with("TERM"))
        .await
        .unwrap();
    assert!(status.success(), "{log}");
}

/// Sockets the process holds open.
fn sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|l| l.to_string_lossy().starts_with("socket:"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_bound_wait_in_the_kernel_not_in_the_daemon() {
    const BOUND: usize = 20;
    let dir = tempfile::tempdir().unwrap();
    let daemon = daemon(
        dir.path(),
        vec![
            (
                "FAULTCAST__SERVER__HEADER_TIMEOUT_SECS",
                TIMEOUT.as_secs().to_string(),
            ),
            ("FAULTCAST__SERVER__MAX_CONNECTIONS", BOUND.to_string()),
        ],
    )
    .await;
    let pid = daemon.pid();
    let baseline = sockets(pid);
    let mut silent = Vec::new();
    for _ in 0..3 * BOUND {
        silent.push(TcpStream::connect(&daemon.addr).await.unwrap());
    }
    let started = Instant::now();
    let mut most = 0;
    let mut open = silent.len();
    let mut reads: Vec<_> = silent
        .into_iter()
        .map(|s| tokio::spawn(until_closed(s, 3 * TIMEOUT + 2 * SLACK)))
        .collect();
    while open > 0 {
        most = most.max(sockets(pid).saturating_sub(baseline));
        reads.retain(|r| !r.is_finished());
        open = reads.len();
        assert!(
            started.elapsed() < 3 * TIMEOUT + 2 * SLACK,
            "{open} still open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        most <= BOUND,
        "the daemon held {most} client sockets at once"
    );
    assert!(most >= BOUND / 2, "it did serve them ({most})");
    let (status, log) = tokio::task::spawn_blocking(move || daemon.stop_with("TERM"))
        .await
        .unwrap();
    assert!(status.success(), "{log}");
}
