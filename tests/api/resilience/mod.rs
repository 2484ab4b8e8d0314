//! Resilience proofs with the real binary (delivery.md R1, R8, R9): a fan-out over real
//! SMTP to the test sink while daemons are killed, the database link fails, or one node of
//! three dies. Each proof prints its figures on a line starting `figures:` (lost,
//! duplicates, the in-flight bound, recovery time). The sizes by default are the fast
//! variants CI runs; `bench/resilience.sh` runs the full ones through the same tests.

mod db_link;
mod kills;
mod logs;
mod slow_gateway;
mod three_nodes;

use crate::support::smtp_sink::Received;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

/// How often a proof looks at the sink or the ledger while it waits for a condition.
const POLL: Duration = Duration::from_millis(10);
/// Bounds every wait for a daemon to start or stop.
const PROCESS_DEADLINE: Duration = Duration::from_secs(30);

/// A size from the environment (the full proofs), else the fast variant's.
pub(crate) fn size(var: &str, fast: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(fast)
}

/// The delivery lease the daemons run with: short, so a proof sees work taken over soon.
pub(crate) fn lease_secs() -> u64 {
    size("FAULTCAST_RESILIENCE_LEASE_SECS", 2) as u64
}

/// Bounds the wait for a whole fan-out to finish.
pub(crate) fn fan_out_deadline(n: usize) -> Duration {
    Duration::from_secs(120 + n as u64 / 100)
}

/// A seed for the random moments, printed with the figures so a run can be repeated.
pub(crate) fn seed() -> u64 {
    std::env::var("FAULTCAST_RESILIENCE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

/// `count` distinct moments, as counts of messages taken by the sink, spread at random
/// over 2–90 % of `n`, in order (splitmix64, so a seed gives the same moments).
pub(crate) fn moments(mut seed: u64, count: usize, n: usize) -> Vec<usize> {
    let mut next = || {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (lo, hi) = (n * 2 / 100, n * 90 / 100);
    let mut at: Vec<usize> = (0..count)
        .map(|_| lo + (next() % (hi - lo).max(1) as u64) as usize)
        .collect();
    at.sort_unstable();
    at
}

/// Polls `ready` until it holds; fails the test after `deadline`.
pub(crate) async fn wait_until<F, Fut>(what: &str, deadline: Duration, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        assert!(started.elapsed() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(POLL).await;
    }
}

/// An SQLite file in `dir`, or a fresh PostgreSQL database.
pub(crate) async fn database(backend: crate::support::Backend, dir: &Path) -> Option<String> {
    match backend {
        crate::support::Backend::Sqlite => Some(format!(
            "sqlite://{}",
            dir.join("data/faultcast.db").display()
        )),
        crate::support::Backend::Postgres => crate::support::postgres::fresh_database().await,
    }
}

/// A running `faultcast serve` sending email over SMTP to `smtp`; its log is read all the
/// time (a full pipe would stall it) and kept for failure messages.
pub(crate) struct Node {
    child: tokio::process::Child,
    pub addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Node {
    pub(crate) async fn start(
        dir: &Path,
        db: &str,
        smtp: SocketAddr,
        extra: &[(&str, &str)],
    ) -> Self {
        let port = smtp.port().to_string();
        let lease = lease_secs().to_string();
        let mut cmd = crate::cli::faultcast(dir, db);
        cmd.arg("serve")
            .envs([
                ("FAULTCAST__EMAIL__TRANSPORT", "smtp"),
                ("FAULTCAST__EMAIL__SMTP__HOST", "127.0.0.1"),
                ("FAULTCAST__EMAIL__SMTP__PORT", port.as_str()),
                ("FAULTCAST__EMAIL__SMTP__TLS", "none"),
                ("FAULTCAST__DELIVERY__LEASE_SECS", lease.as_str()),
                ("FAULTCAST__SERVER__LISTEN", "127.0.0.1:0"),
                ("FAULTCAST__LOG__LEVEL", "info"),
            ])
            .envs(extra.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut cmd = tokio::process::Command::from(cmd);
        cmd.kill_on_drop(true);
        let mut child = cmd.spawn().expect("start faultcast serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let kept = log.clone();
        tokio::spawn(async move {
            let mut tx = Some(tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.split("listening on http://").nth(1)
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_owned());
                }
                let mut kept = kept.lock().unwrap();
                if kept.len() < 10_000 {
                    kept.push(line);
                }
            }
        });
        let addr = tokio::time::timeout(PROCESS_DEADLINE, rx)
            .await
            .expect("no listening line")
            .unwrap_or_else(|_| panic!("serve exited early: {}", log.lock().unwrap().join("\n")));
        Self { child, addr, log }
    }

    /// `kill -9`, and waits until the process is gone.
    pub(crate) async fn kill_9(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }

    /// SIGTERM, and waits for the exit.
    pub(crate) async fn stop(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().unwrap().to_string();
        assert!(
            std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = tokio::time::timeout(PROCESS_DEADLINE, self.child.wait())
            .await
            .expect("serve stops after SIGTERM")
            .unwrap();
        (status, self.log())
    }

    /// True while the process runs.
    pub(crate) fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The log so far.
    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

/// The address of contact `i` of `email_registry`.
pub(crate) fn address(i: usize) -> String {
    format!("c{i}@example.fi")
}

/// An organisation with `n` email contacts, registered with the CLI; returns an operator
/// token.
pub(crate) async fn email_registry(dir: &Path, db: &str, n: usize) -> String {
    let (dir, db) = (dir.to_owned(), db.to_owned());
    let rows: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "C{i},helpdesk,{},{},email",
                address(i),
                ["fi", "sv", "en"][i % 3]
            )
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        crate::crash::register(&dir, &db, "name,role,email,language,channels", &rows)
    })
    .await
    .unwrap()
}

/// Publishes a critical fault to every contact; returns the notice id.
pub(crate) async fn publish(addr: &str, token: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/api/v1/notices"))
        .bearer_auth(token)
        .json(&crate::notices::fault("critical", &["prescription-centre"]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// What the sink got, per recipient.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Expected recipients with no message.
    pub lost: usize,
    /// Messages beyond the first per recipient.
    pub duplicates: usize,
    /// Recipients with more than one message.
    pub duplicated: HashSet<String>,
    /// Recipients whose copies carry different Message-IDs.
    pub differing_ids: usize,
    /// Messages to addresses nobody registered.
    pub unexpected: usize,
}

/// Counts lost and duplicated messages of one fan-out to contacts `0..n`.
pub(crate) fn tally(received: &[Received], n: usize) -> Tally {
    let mut ids: HashMap<String, Vec<String>> = HashMap::new();
    let mut t = Tally::default();
    for r in received {
        for rcpt in &r.rcpt {
            ids.entry(rcpt.to_lowercase())
                .or_default()
                .push(r.header("Message-ID").unwrap_or_default());
        }
    }
    let expected: HashSet<String> = (0..n).map(address).collect();
    t.lost = expected.iter().filter(|a| !ids.contains_key(*a)).count();
    for (rcpt, copies) in &ids {
        if !expected.contains(rcpt) {
            t.unexpected += copies.len();
        }
        if copies.len() > 1 {
            t.duplicates += copies.len() - 1;
            t.duplicated.insert(rcpt.clone());
            if copies.iter().any(|c| c != &copies[0]) {
                t.differing_ids += 1;
            }
        }
    }
    t
}

mod ledger;
pub(crate) use ledger::{InFlight, Ledger};
