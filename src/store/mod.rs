//! All SQL: SQLite (embedded default) and PostgreSQL (several nodes), one set of functions.
//!
//! Queries are runtime-checked because the compile-time macros bind one database per crate.
//! A statement is text and arguments (`sql::Sql`), run on a `sql::Conn` of either database
//! (the backend is matched once, at the leaf); steps shared between transactions are plain
//! functions over a `Conn`. The SQL uses `$n` placeholders, which both dialects accept, and
//! differs only where the dialects do.

mod acknowledgements;
mod audit;
mod bounces;
mod claims;
mod contact_rows;
mod contacts;
mod deliveries;
mod erasure;
mod error;
mod expansion;
mod fault_report_reads;
mod fault_report_triage;
mod fault_reports;
mod housekeeping;
mod idempotency;
mod leases;
mod links;
mod notices;
mod org_deliveries;
mod organisations;
mod outbox;
mod pending;
mod plans;
mod pool;
mod portal;
mod reach;
mod reminders;
mod revisions;
mod sent;
mod services;
mod sessions;
mod sign_ins;
mod sql;
mod states;
mod templates;
mod tokens;
pub(crate) mod turns;

pub use crate::access::TokenRecord;
pub use audit::AuditEvent;
pub use bounces::Undeliverable;
pub use contacts::ContactImport;
pub use deliveries::{ClaimedDelivery, Outcome};
pub use error::{StoreError, StoreResult};
pub use expansion::Handover;
pub use fault_report_reads::{ClusterView, ReportEvent, ReportFilter, StoredAttachment};
pub use fault_report_triage::TriageStep;
pub use fault_reports::{ClusterRaised, ClusterRule, NewReport, ReportReceipt};
pub use housekeeping::{MessageOutcome, NewSystemMessage, StaleContact, SystemMessage};
pub use links::AddressToVerify;
pub use notices::PlanChange;
pub use outbox::{FanoutJob, Recipient};
pub use pool::{PoolStats, Store};
pub use portal::PortalSignInUse;
pub use reach::EscalationPlan;
pub use reminders::Firing;
pub use templates::{TemplateRecord, TemplateVersion, TemplateWrite};

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
