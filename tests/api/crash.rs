//! Crashes and shutdowns of the real binary (delivery.md R2, R11): nothing accepted is lost,
//! nothing is sent twice.

use crate::cli::{Daemon, faultcast, run};
use crate::support::Backend;
use faultcast::clock::{Clock, ManualClock};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// Publish-then-kill rounds (the full proof of R2; fewer with `FAULTCAST_R2_ROUNDS`).
fn r2_rounds() -> usize {
    std::env::var("FAULTCAST_R2_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// An organisation with `n` SMS contacts, registered with the CLI; returns an operator token.
pub(crate) fn registry(dir: &Path, db: &str, n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| format!("P{i},on-call,+35840{i:07},fi,sms"))
        .collect();
    register(dir, db, "name,role,phone,language,channels", &rows)
}

/// The most rows one CSV import takes.
const IMPORT_ROWS: usize = 10_000;

/// A valid Finnish business ID made from `n` (seven digits and the check digit).
pub(crate) fn business_id(mut n: u32) -> String {
    loop {
        let digits = format!("{:07}", n % 10_000_000);
        let r = digits
            .bytes()
            .zip([7, 9, 10, 5, 8, 4, 2])
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum::<u32>()
            % 11;
        if r != 1 {
            return format!("{digits}-{}", if r == 0 { 0 } else { 11 - r });
        }
        n += 1; // a remainder of 1 has no check digit: take the next number
    }
}

/// Organisations using the Prescription Centre with the contacts of a CSV with `header`
/// and `rows` (10,000 to an organisation), registered with the CLI; returns an operator
/// token.
pub(crate) fn register(dir: &Path, db: &str, header: &str, rows: &[String]) -> String {
    for (k, chunk) in rows.chunks(IMPORT_ROWS).enumerate() {
        let (code, out, err) = run(faultcast(dir, db).args([
            "org",
            "add",
            "--name",
            &format!("Apteekki {k}"),
            "--business-id",
            &business_id(1_120_000 + 10 * k as u32),
            "--audience",
            "pharmacy",
            "--services",
            "prescription-centre",
        ]));
        assert_eq!(code, 0, "{err}");
        let org = out.trim().to_owned();
        std::fs::write(
            dir.join("contacts.csv"),
            format!("{header}\n{}\n", chunk.join("\n")),
        )
        .unwrap();
        let (code, _, err) = run(faultcast(dir, db)
            .args(["contacts", "import", "--org", &org])
            .arg(dir.join("contacts.csv")));
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) =
        run(faultcast(dir, db).args(["token", "create", "--role", "operator", "--label", "crash"]));
    assert_eq!(code, 0, "{err}");
    out.lines().next().unwrap().to_owned()
}

fn publish(addr: &str, token: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(crate::resilience::publish(addr, token))
}

fn kill(pid: u32, signal: &str) {
    assert!(
        Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
}

/// Opens the same database with the library, a lease period later, and runs the workers
/// until nothing is due.
async fn drain_in_process(dir: &Path, db: &str) -> faultcast::store::Store {
    let settings = crate::support::app::settings_with(
        dir,
        db,
        &[
            (
                "FAULTCAST__EMAIL__FILE__DIR",
                dir.join("data/outbox/email").display().to_string(),
            ),
            (
                "FAULTCAST__SMS__FILE__DIR",
                dir.join("data/outbox/sms").display().to_string(),
            ),
        ],
    );
    // Leases held by the killed process expire after delivery.lease_secs (60 s): that is
    // when another daemon (or this one, restarted) may take its work over.
    let clock = Arc::new(ManualClock::new(
        chrono::Utc::now() + chrono::Duration::seconds(61),
    ));
    let app = faultcast::app::App::build(&settings, clock as Arc<dyn Clock>)
        .await
        .unwrap()
        .without_workers();
    let d = app.deliverer();
    for _ in 0..10_000 {
        let r = d.round().await.unwrap();
        if r.attempted == 0 && r.fanned_out == 0 {
            break;
        }
    }
    app.intake().store().clone()
}

fn sms_lines(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("data/outbox/sms/messages.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn a_notice_acknowledged_just_before_kill_9_is_never_lost_nor_half_fanned_out(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = crate::resilience::database(backend, dir.path()).await else {
        return;
    };
    let (dir_path, db2) = (dir.path().to_owned(), db.clone());
    let (token, ids) = tokio::task::spawn_blocking(move || {
        let token = registry(&dir_path, &db2, 5);
        let mut ids = Vec::new();
        for _ in 0..r2_rounds() {
            let daemon = Daemon::start(&dir_path, &db2, "info");
            ids.push(publish(&daemon.addr, &token));
            kill(daemon.pid(), "KILL");
            let (status, _) = daemon.stop_with("KILL");
            assert!(!status.success(), "killed, not exited");
        }
        (token, ids)
    })
    .await
    .unwrap();
    assert!(!token.is_empty());
    let store = drain_in_process(dir.path(), &db).await;
    for id in &ids {
        let nid = faultcast::notices::NoticeId::parse(id).unwrap();
        let revs = store.notice_revisions(nid).await.unwrap();
        assert_eq!(revs.len(), 1, "acknowledged notice {id} is missing");
        assert!(
            store.fanout_complete(nid, 1).await.unwrap(),
            "partial fan-out of {id}"
        );
        let s = store.delivery_summary(nid, 1).await.unwrap();
        let sms = s
            .iter()
            .find(|(c, _)| *c == faultcast::registry::Channel::Sms)
            .unwrap()
            .1
            .clone();
        assert_eq!(
            (
                sms.total(),
                sms.count(faultcast::notices::DeliveryState::Sent)
            ),
            (5, 5),
            "{id}: every recipient has its delivery"
        );
    }
    let refs: HashSet<String> = sms_lines(dir.path())
        .iter()
        .map(|l| l["reference"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(refs.len(), ids.len() * 5);
}

async fn sigterm_mid_fan_out_exits_in_the_grace_period_and_restart_sends_nothing_twice(
    backend: Backend,
) {
    const CONTACTS: usize = 2_000;
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = crate::resilience::database(backend, dir.path()).await else {
        return;
    };
    let (dir_path, db2) = (dir.path().to_owned(), db.clone());
    tokio::task::spawn_blocking(move || {
        let token = registry(&dir_path, &db2, CONTACTS);
        let daemon = Daemon::start(&dir_path, &db2, "info");
        publish(&daemon.addr, &token);
        let started = std::time::Instant::now();
        let (status, log) = daemon.stop_with("TERM");
        assert!(status.success(), "{status:?}: {log}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "exits within the grace period"
        );
    })
    .await
    .unwrap();
    let before = sms_lines(dir.path()).len();
    drain_in_process(dir.path(), &db).await;
    let lines = sms_lines(dir.path());
    let refs: HashSet<&str> = lines
        .iter()
        .map(|l| l["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        CONTACTS,
        "sent before the stop: {before}; every recipient exactly once after restart"
    );
    assert_eq!(refs.len(), CONTACTS, "0 duplicates");
}

crate::on_both_backends_threaded!(
    a_notice_acknowledged_just_before_kill_9_is_never_lost_nor_half_fanned_out,
    sigterm_mid_fan_out_exits_in_the_grace_period_and_restart_sends_nothing_twice,
);
