//! Several daemons on one PostgreSQL (delivery.md R10): a maintenance reminder due while
//! one daemon is frozen (SIGSTOP) around the due time is fired exactly once.

use crate::cli::Daemon;
use serde_json::{Value, json};
use sqlx::Connection;
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Trials (the pass bar is 20/20; fewer with `FAULTCAST_R10_TRIALS`).
fn trials() -> usize {
    std::env::var("FAULTCAST_R10_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

const DAEMONS: usize = 3;
const CONTACTS: usize = 4;
/// How far ahead of "now" each trial's reminder is made due.
const LEAD: Duration = Duration::from_millis(1_200);
/// How long the frozen daemon stays frozen.
const FROZEN: Duration = Duration::from_millis(1_500);
/// Bounds the wait for a trial's reminder to be sent.
const DEADLINE: Duration = Duration::from_secs(30);

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} {pid}");
}

/// Every SMS reference written by any daemon's file gateway.
fn sms_references(dirs: &[PathBuf]) -> Vec<String> {
    dirs.iter()
        .flat_map(|d| {
            std::fs::read_to_string(d.join("data/outbox/sms/messages.jsonl"))
                .unwrap_or_default()
                .lines()
                .map(|l| {
                    serde_json::from_str::<Value>(l).unwrap()["reference"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_fires_once_with_three_daemons_and_one_frozen_around_its_time() {
    let Some(db) = crate::support::postgres::fresh_database().await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let dirs: Vec<PathBuf> = (0..DAEMONS)
        .map(|i| {
            let d = root.path().join(format!("node{i}"));
            std::fs::create_dir_all(&d).unwrap();
            d
        })
        .collect();
    let token = {
        let (d, db) = (dirs[0].clone(), db.clone());
        tokio::task::spawn_blocking(move || crate::crash::registry(&d, &db, CONTACTS))
            .await
            .unwrap()
    };
    let daemons: Vec<Daemon> = {
        let (dirs, db) = (dirs.clone(), db.clone());
        tokio::task::spawn_blocking(move || {
            dirs.iter()
                .map(|d| {
                    Daemon::start_with(d, &db, "info", &[("FAULTCAST__SCHEDULE__POLL_SECS", "1")])
                })
                .collect()
        })
        .await
        .unwrap()
    };
    let mut sql = sqlx::PgConnection::connect(&db).await.unwrap();
    let http = reqwest::Client::new();
    for trial in 0..trials() {
        // A window three days ahead: the reminder is planned for 09:00 the day before;
        // the test moves it to just ahead of now.
        let start = chrono::Utc::now() + chrono::Duration::days(3);
        let body = json!({
            "kind": "maintenance", "services": ["prescription-centre"],
            "title": {"fi": format!("Huoltokatko {trial}"), "sv": format!("Underhåll {trial}")},
            "body": {"fi": "Palvelu ei ole käytettävissä.", "sv": "Tjänsten är inte tillgänglig."},
            "window_start": start.to_rfc3339(),
            "window_end": (start + chrono::Duration::hours(2)).to_rfc3339(),
        });
        let node = trial % DAEMONS;
        let a = http
            .post(format!("http://{}/api/v1/notices", daemons[node].addr))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(a.status(), 202);
        let id = a.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let due = chrono::Utc::now() + chrono::Duration::from_std(LEAD).unwrap();
        let moved = sqlx::query("UPDATE reminders SET due_at = $1 WHERE notice_id = $2 AND step = 'reminder' AND state = 'planned'")
            .bind(due)
            .bind(&id)
            .execute(&mut sql)
            .await
            .unwrap()
            .rows_affected();
        assert_eq!(moved, 1);
        // Freeze one daemon somewhere from 0.4 s before to 0.8 s after the due time.
        let victim = (getrandom::u32().unwrap() as usize) % DAEMONS;
        let jitter = Duration::from_millis(u64::from(getrandom::u32().unwrap() % 1_200));
        tokio::time::sleep(LEAD - Duration::from_millis(400) + jitter).await;
        signal(daemons[victim].pid(), "STOP");
        tokio::time::sleep(FROZEN).await;
        signal(daemons[victim].pid(), "CONT");
        let started = Instant::now();
        loop {
            let (state, jobs): (String, i64) = sqlx::query_as(
                "SELECT r.state, (SELECT COUNT(*) FROM fanout_jobs j WHERE j.notice_id = r.notice_id AND j.step = 'reminder') \
                 FROM reminders r WHERE r.notice_id = $1 AND r.step = 'reminder' AND r.revision = 1")
                .bind(&id)
                .fetch_one(&mut sql)
                .await
                .unwrap();
            let sent: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM deliveries WHERE notice_id = $1 AND channel = 'sms' AND state = 'sent'")
                .bind(&id)
                .fetch_one(&mut sql)
                .await
                .unwrap();
            assert!(
                jobs <= 1,
                "trial {trial}: the reminder fan-out was created {jobs} times"
            );
            if state == "done" && jobs == 1 && sent == CONTACTS as i64 {
                break;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "trial {trial}: state {state}, jobs {jobs}, sent {sent}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let refs = sms_references(&dirs);
    let unique: HashSet<&String> = refs.iter().collect();
    assert_eq!(
        refs.len(),
        trials() * CONTACTS,
        "every reminder SMS once, none twice"
    );
    assert_eq!(unique.len(), refs.len());
    tokio::task::spawn_blocking(move || {
        for d in daemons {
            let (status, log) = d.stop_with("TERM");
            assert!(status.success(), "{status:?}: {log}");
        }
    })
    .await
    .unwrap();
}
