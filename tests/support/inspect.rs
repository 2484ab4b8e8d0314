//! Looking inside a running test app: its database, its outbox files, its workers.

use super::app::{Backend, TestApp};
use serde_json::Value;

impl TestApp {
    /// The test clock's current time.
    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        faultcast::clock::Clock::now(&*self.clock)
    }

    /// Everything the database holds, as text: for SQLite the raw bytes of the database
    /// file and its WAL (after a checkpoint), for PostgreSQL every table's rows.
    pub async fn database_dump(&self) -> Vec<String> {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => {
                let path = self.dir.path().join("faultcast.db");
                let mut conn = sqlx::SqliteConnection::connect(&self.database_url)
                    .await
                    .expect("open sqlite");
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&mut conn)
                    .await
                    .expect("checkpoint");
                conn.close().await.ok();
                let mut out = Vec::new();
                for suffix in ["", "-wal", "-shm"] {
                    if let Ok(bytes) = std::fs::read(format!("{}{suffix}", path.display())) {
                        out.push(String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
                out
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.database_url)
                    .await
                    .expect("open postgres");
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
                )
                .fetch_all(&mut conn)
                .await
                .expect("list tables");
                let mut out = Vec::new();
                for (t,) in tables {
                    let rows: Vec<(String,)> =
                        sqlx::query_as(&format!("SELECT t::text FROM \"{t}\" t"))
                            .fetch_all(&mut conn)
                            .await
                            .expect("dump table");
                    out.extend(rows.into_iter().map(|(r,)| r));
                }
                out
            }
        }
    }
}

impl TestApp {
    /// Runs one statement directly against the database (to prove what the schema forbids).
    pub async fn raw_sql(&self, sql: &str) -> Result<u64, String> {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.database_url)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query(sql)
                    .execute(&mut c)
                    .await
                    .map(|r| r.rows_affected())
                    .map_err(|e| e.to_string())
            }
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.database_url)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query(sql)
                    .execute(&mut c)
                    .await
                    .map(|r| r.rows_affected())
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// Bounds `drain`: far more rounds than any test needs, so a livelock fails instead of hanging.
const MAX_DRAIN_ROUNDS: usize = 10_000;

impl TestApp {
    /// Runs the delivery workers until nothing more is due now (retries scheduled later
    /// wait for the test to move the clock). Returns the attempts made.
    pub async fn drain(&self) -> usize {
        let mut attempts = 0;
        for _ in 0..MAX_DRAIN_ROUNDS {
            let r = self.deliverer.round().await.expect("a delivery round");
            attempts += r.attempted;
            if r.attempted == 0 && r.fanned_out == 0 {
                return attempts;
            }
        }
        panic!("the outbox did not drain in {MAX_DRAIN_ROUNDS} rounds");
    }

    /// Fires every plan step due at the clock's time (and housekeeping due), then drains
    /// the outbox. Returns the plan steps fired or skipped.
    pub async fn tick(&self) -> usize {
        let r = self.scheduler.round().await.expect("a scheduler round");
        assert!(!r.left, "a due step was left unfired");
        self.drain().await;
        r.steps
    }

    /// Moves the clock to `t`, runs a scheduler round and drains; returns the
    /// housekeeping jobs run.
    pub async fn housekeep_at(&self, t: chrono::DateTime<chrono::Utc>) -> usize {
        self.clock.set(t);
        let r = self.scheduler.round().await.expect("a scheduler round");
        self.drain().await;
        r.jobs
    }

    /// Moves the clock to `t` and ticks.
    pub async fn tick_at(&self, t: chrono::DateTime<chrono::Utc>) -> usize {
        self.clock.set(t);
        self.tick().await
    }

    /// Every .eml file written by the file transport but address verifications, as text.
    pub fn emails(&self) -> Vec<String> {
        self.email_files(|name| !name.starts_with(VERIFICATION))
    }

    /// The address verification emails written so far (left out of `emails`: the
    /// verification job mails every new address, which tests of other things need not see).
    pub fn verification_emails(&self) -> Vec<String> {
        self.email_files(|name| name.starts_with(VERIFICATION))
    }

    fn email_files(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let dir = self.dir.path().join("outbox/email");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    /// Every SMS written by the file gateway, as JSON.
    pub fn sms(&self) -> Vec<Value> {
        let path = self.dir.path().join("outbox/sms/messages.jsonl");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// How the file transport names an address verification email.
const VERIFICATION: &str = "system.verify-address.";

/// A raw message with its quoted-printable parts decoded (soft breaks joined, `=XX`
/// octets restored), to search for what a reader sees.
pub fn readable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
