//! Reading the delivery ledger of the daemons under test straight from their database
//! (never through the daemon, which may be dead or cut off from it).

use sqlx::{PgPool, SqlitePool};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

/// A read-only view of one database.
pub(crate) enum Ledger {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The deliveries claimed and not yet recorded at one moment: those a crash may send twice.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    /// (delivery id, attempt number) of each claim.
    pub claims: HashSet<(i64, i64)>,
    pub addresses: HashSet<String>,
}

const IN_FLIGHT: &str =
    "SELECT id, CAST(attempts AS BIGINT), address FROM deliveries WHERE state = 'sending'";
const STATES: &str = "SELECT state, COUNT(*) FROM deliveries GROUP BY state";
const OPEN_JOBS: &str = "SELECT COUNT(*) FROM fanout_jobs WHERE done_at IS NULL";

impl Ledger {
    pub(crate) async fn open(url: &str) -> Self {
        if url.starts_with("sqlite:") {
            Self::Sqlite(SqlitePool::connect(url).await.expect("open sqlite ledger"))
        } else {
            Self::Postgres(PgPool::connect(url).await.expect("open postgres ledger"))
        }
    }

    /// Deliveries claimed and not yet recorded.
    pub(crate) async fn in_flight(&self) -> InFlight {
        let rows: Vec<(i64, i64, Option<String>)> = match self {
            Self::Sqlite(p) => sqlx::query_as(IN_FLIGHT).fetch_all(p).await,
            Self::Postgres(p) => sqlx::query_as(IN_FLIGHT).fetch_all(p).await,
        }
        .expect("read in-flight deliveries");
        InFlight {
            claims: rows.iter().map(|(id, a, _)| (*id, *a)).collect(),
            addresses: rows.into_iter().filter_map(|(_, _, a)| a).collect(),
        }
    }

    /// How many deliveries are in each state.
    pub(crate) async fn states(&self) -> BTreeMap<String, i64> {
        let rows: Vec<(String, i64)> = match self {
            Self::Sqlite(p) => sqlx::query_as(STATES).fetch_all(p).await,
            Self::Postgres(p) => sqlx::query_as(STATES).fetch_all(p).await,
        }
        .expect("read delivery states");
        rows.into_iter().collect()
    }

    /// True once every fan-out is expanded and every one of `n` deliveries is terminal.
    pub(crate) async fn settled(&self, n: usize) -> bool {
        let jobs: i64 = match self {
            Self::Sqlite(p) => sqlx::query_scalar(OPEN_JOBS).fetch_one(p).await,
            Self::Postgres(p) => sqlx::query_scalar(OPEN_JOBS).fetch_one(p).await,
        }
        .expect("read fan-out jobs");
        let states = self.states().await;
        let total: i64 = states.values().sum();
        let open: i64 = ["pending", "sending", "retry"]
            .iter()
            .filter_map(|s| states.get(*s))
            .sum();
        jobs == 0 && open == 0 && total >= n as i64
    }

    /// Waits until none of `stranded`'s claims is still open (each was recorded or taken
    /// over by a new claim); returns how long that took from `since`.
    pub(crate) async fn recovered(&self, stranded: &InFlight, since: Instant) -> Duration {
        let deadline = Duration::from_secs(120);
        loop {
            let now = self.in_flight().await;
            if stranded.claims.is_disjoint(&now.claims) {
                return since.elapsed();
            }
            assert!(
                since.elapsed() < deadline,
                "claims of a killed daemon never taken over"
            );
            tokio::time::sleep(super::POLL).await;
        }
    }
}
