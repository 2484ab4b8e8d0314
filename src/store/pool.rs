//! Connecting, configuring and migrating the database.

use super::error::StoreResult;
use super::sql::{Conn, Tx, Write};
use super::turns::{WriteTurns, Writer};
use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::MutexGuard;

/// How long SQLite waits for another writer before reporting the database busy.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Page cache of each SQLite reading connection, in KiB when negative (SQLite's default is
/// -2000 for every connection; the one writer keeps it).
const SQLITE_READER_CACHE: &str = "-256";

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The configured pool.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database: every read and write of faultcast goes through here.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    /// Where writes go: on SQLite a pool of one connection, on PostgreSQL `db` itself.
    writer: Db,
    /// Turns at SQLite's writer connection (PostgreSQL locks rows and needs none).
    turns: Option<Arc<WriteTurns>>,
}

/// Connection-pool figures for `/metrics`.
#[derive(Clone, Copy, Debug)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

impl Store {
    /// Opens a pool for `sqlite://…` or `postgres://…`. SQLite is set up for durability:
    /// WAL, `synchronous=FULL`, foreign keys, `secure_delete` (erased personal data is
    /// overwritten), and a busy timeout. The SQLite file and its directory are created.
    pub async fn connect(
        url: &SecretString,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> anyhow::Result<Self> {
        let url = url.expose_secret();
        let (db, writer, turns) = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .context("database.url is not a valid sqlite URL")?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .pragma("secure_delete", "ON");
            if let Some(dir) = opts
                .get_filename()
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("cannot create the database directory {}", dir.display())
                })?;
            }
            // SQLite takes one writer at a time; writers on several connections wait for
            // its lock in the busy handler's sleeps of up to 100 ms, which made a publish's
            // p99 hundreds of milliseconds during a fan-out. Every write goes through one
            // connection instead, handed out first come first served; reads keep their
            // own connections (WAL readers never wait for the writer). A writer waits as
            // long as it would have waited for the lock.
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(SQLITE_BUSY_TIMEOUT)
                .connect_with(opts.clone())
                .await
                .context("cannot open the SQLite database")?;
            // Readers get a smaller page cache than SQLite's 2 MB: there are up to
            // `max_connections` of them, each filling its cache over a long fan-out, and
            // the operating system caches the file anyway.
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(acquire_timeout)
                .connect_with(opts.pragma("cache_size", SQLITE_READER_CACHE))
                .await
                .context("cannot open the SQLite database")?;
            (
                Db::Sqlite(pool),
                Db::Sqlite(writer),
                Some(Arc::new(WriteTurns::default())),
            )
        } else {
            let opts = PgConnectOptions::from_str(url)
                .context("database.url is not a valid postgres URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(acquire_timeout)
                .connect_with(opts)
                .await
                .context("cannot connect to PostgreSQL")?;
            (Db::Postgres(pool.clone()), Db::Postgres(pool), None)
        };
        Ok(Self { db, writer, turns })
    }

    /// Waits for a turn at SQLite's writer connection (at once on PostgreSQL); hold the
    /// guard for the whole write. A turn not given within the busy timeout is reported as
    /// the database being unavailable.
    pub(crate) async fn write_turn(
        &self,
        who: Writer,
    ) -> Result<Option<MutexGuard<'_, ()>>, sqlx::Error> {
        let Some(turns) = &self.turns else {
            return Ok(None);
        };
        tokio::time::timeout(SQLITE_BUSY_TIMEOUT, turns.take(who))
            .await
            .map(Some)
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }

    /// The reading pool, to run statements on.
    pub(super) fn read(&self) -> Conn<'_> {
        match &self.db {
            Db::Sqlite(p) => Conn::SqlitePool(p),
            Db::Postgres(p) => Conn::PgPool(p),
        }
    }

    /// The writer, for statements that commit one by one, after waiting for `who`'s turn.
    pub(super) async fn write(&self, who: Writer) -> StoreResult<Write<'_>> {
        let turn = self.write_turn(who).await?;
        let conn = match &self.writer {
            Db::Sqlite(p) => Conn::SqlitePool(p),
            Db::Postgres(p) => Conn::PgPool(p),
        };
        Ok(Write::new(conn, turn))
    }

    /// A transaction on the writer, begun in `who`'s turn; commit it, or drop it to roll
    /// back.
    pub(super) async fn begin(&self, who: Writer) -> StoreResult<Tx<'_>> {
        let turn = self.write_turn(who).await?;
        Ok(match &self.writer {
            Db::Sqlite(p) => Tx::new_sqlite(p.begin().await?, turn),
            Db::Postgres(p) => Tx::new_postgres(p.begin().await?, turn),
        })
    }

    /// The dialect of the configured database.
    pub fn dialect(&self) -> super::Dialect {
        match self.db {
            Db::Sqlite(_) => super::Dialect::Sqlite,
            Db::Postgres(_) => super::Dialect::Postgres,
        }
    }

    /// Applies pending migrations (several daemons may race: PostgreSQL serialises them
    /// with an advisory lock).
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match &self.writer {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await,
        }
        .context("applying database migrations")
    }

    /// Answers when the database can run a query.
    pub async fn ping(&self) -> StoreResult<()> {
        self.read()
            .execute(super::sql::Sql::new("SELECT 1"))
            .await?;
        Ok(())
    }

    /// The settings that make a commit durable, as the database reports them on a pooled
    /// connection: logged at start-up and checked by the contract tests.
    pub async fn durability(&self) -> StoreResult<Vec<(&'static str, String)>> {
        let mut out = Vec::new();
        match &self.db {
            Db::Sqlite(p) => {
                let mut conn = p.acquire().await?;
                for pragma in [
                    "journal_mode",
                    "synchronous",
                    "foreign_keys",
                    "secure_delete",
                    "busy_timeout",
                ] {
                    use sqlx::Row;
                    let row = sqlx::query(&format!("PRAGMA {pragma}"))
                        .fetch_one(&mut *conn)
                        .await?;
                    let v = row
                        .try_get::<String, _>(0)
                        .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))?;
                    out.push((pragma, v));
                }
            }
            Db::Postgres(p) => {
                for setting in ["synchronous_commit", "fsync", "server_version"] {
                    let (v,): (String,) = sqlx::query_as("SELECT current_setting($1)")
                        .bind(setting)
                        .fetch_one(p)
                        .await?;
                    out.push((setting, v));
                }
            }
        }
        Ok(out)
    }

    /// Pool figures.
    pub fn pool_stats(&self) -> PoolStats {
        match &self.db {
            Db::Sqlite(p) => PoolStats {
                size: p.size(),
                idle: p.num_idle() as u32,
                max: p.options().get_max_connections(),
            },
            Db::Postgres(p) => PoolStats {
                size: p.size(),
                idle: p.num_idle() as u32,
                max: p.options().get_max_connections(),
            },
        }
    }

    /// Closes every connection (at shutdown, after the workers have stopped).
    pub async fn close(&self) {
        for db in [&self.db, &self.writer] {
            match db {
                Db::Sqlite(p) => p.close().await,
                Db::Postgres(p) => p.close().await,
            }
        }
    }
}
