//! All SQL: SQLite (embedded default) and PostgreSQL (several nodes), one set of functions.
//!
//! Queries are runtime-checked (`sqlx::query` + `bind`) because the compile-time macros bind one
//! database per crate. `on_db!` runs the same code against whichever pool is configured; the
//! SQL uses `$n` placeholders, which both dialects accept, and differs only where they do.

mod audit;
mod claims;
mod contacts;
mod deliveries;
mod error;
mod housekeeping;
mod idempotency;
mod notices;
mod organisations;
mod outbox;
mod pool;
mod reminders;
mod tokens;
pub(crate) mod turns;

pub use audit::{AuditEntry, AuditEvent};
pub use contacts::ContactImport;
pub use deliveries::{
    ChannelSummary, ClaimedDelivery, DeliveryRow, Outcome, STATES as DELIVERY_STATES,
};
pub use error::{StoreError, StoreResult};
pub use housekeeping::{
    MessageOutcome, NewSystemMessage, StaleContact, SystemMessage, Unreachable,
};
pub use idempotency::IdempotencyClaim;
pub use notices::{NoticeFilter, PlanChange};
pub use outbox::{FanoutJob, Recipient};
pub use pool::{PoolStats, Store};
pub use reminders::{Firing, Reminder};
pub use tokens::TokenRecord;

/// Which SQL dialect a pool speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The text for this dialect.
    pub fn pick(self, sqlite: &'static str, postgres: &'static str) -> &'static str {
        match self {
            Dialect::Sqlite => sqlite,
            Dialect::Postgres => postgres,
        }
    }
}

/// The page size when a client asks for none.
pub const DEFAULT_PAGE: u32 = 50;
/// The largest page a client can ask for, so that one request cannot pull a whole table.
pub const MAX_PAGE: u32 = 500;

/// One page of a list and the cursor of the next.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page from `limit + 1` fetched rows: the extra row only tells that more follow,
    /// and the cursor is that of the last row kept.
    pub fn cut(mut items: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> String) -> Self {
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(cursor_of)
        } else {
            None
        };
        Page { items, next_cursor }
    }
}

/// Runs `$body` with `$pool` bound to the configured pool and `$dialect` to its dialect;
/// the body is compiled once per database. `on_db!(writer self, …)` is for a request's
/// writes and `on_db!(background self, …)` for the workers': on SQLite both go through the
/// one writer connection, requests first (`turns`).
macro_rules! on_db {
    (writer $store:expr, |$pool:ident, $dialect:ident| $body:expr) => {{
        let _turn = $store
            .write_turn($crate::store::turns::Writer::Request)
            .await?;
        $crate::store::on_db!(@match $store.writer(), |$pool, $dialect| $body)
    }};
    (background $store:expr, |$pool:ident, $dialect:ident| $body:expr) => {{
        let _turn = $store
            .write_turn($crate::store::turns::Writer::Background)
            .await?;
        $crate::store::on_db!(@match $store.writer(), |$pool, $dialect| $body)
    }};
    ($store:expr, |$pool:ident, $dialect:ident| $body:expr) => {
        $crate::store::on_db!(@match $store.db(), |$pool, $dialect| $body)
    };
    (@match $db:expr, |$pool:ident, $dialect:ident| $body:expr) => {
        match $db {
            $crate::store::pool::Db::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $dialect = $crate::store::Dialect::Sqlite;
                $body
            }
            $crate::store::pool::Db::Postgres($pool) => {
                #[allow(unused_variables)]
                let $dialect = $crate::store::Dialect::Postgres;
                $body
            }
        }
    };
}
pub(crate) use on_db;

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_pattern(q: &str) -> String {
    let mut s = String::with_capacity(q.len() + 2);
    s.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}
