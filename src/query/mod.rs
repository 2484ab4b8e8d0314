//! The read side: everything HTTP shows (the API, the public outputs, soon the console and
//! the portal) is read here and answered as view types. Writes go through `intake`.

mod audit;
mod console;
mod fault_reports;
mod notice_views;
mod notices;
mod pending;
mod public;
mod reach;
mod received;
mod registry;
mod registry_views;
mod templates;
mod tokens;

pub use crate::store::{DEFAULT_PAGE, MAX_PAGE, PoolStats};
pub use audit::{AuditEntry, AuditList};
pub use console::{ConsoleBoard, NoticeProgress};
pub use fault_reports::{
    AttachmentView, FaultReportList, FaultReportView, ReportEventView, ReportQuery,
};
pub use notice_views::{
    Accepted, AffectedView, DeliveriesView, DeliveryItem, DeliverySummary, NoticeList, NoticeView,
    Redriven, ReminderView, RevisionView, SubWindowView,
};
pub use notices::NoticeQuery;
pub use pending::{PendingList, PendingView};
pub use public::StatusBoard;
pub use reach::{OrganisationReachView, PhoneView, ReachCounts, ReachView};
pub use received::{RECEIVED_DAYS, ReceivedDelivery, ReceivedNotice};
pub use registry_views::{
    ContactList, ContactView, OrganisationList, OrganisationView, Unreachable, UnreachableList,
};
pub use templates::{TemplateFilter, TemplateNotice, TemplateVersionView, TemplateView};
pub use tokens::{TokenList, TokenView};

use crate::access::Actor;
use crate::clock::Clock;
use crate::intake::{IntakeError, IntakeResult};
use crate::registry::Catalogue;
use crate::store::Store;
use crate::validation::FieldErrors;
use std::sync::Arc;

/// Longest search text accepted; names are at most 200 characters.
pub const MAX_QUERY_LEN: usize = 200;

/// The reads, sharing the store, the service catalogue and the clock.
#[derive(Clone)]
pub struct Query {
    store: Store,
    catalogue: Arc<Catalogue>,
    clock: Arc<dyn Clock>,
}

impl Query {
    /// Reads from `store`; service codes are checked against `catalogue`.
    pub fn new(store: Store, catalogue: Arc<Catalogue>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            catalogue,
            clock,
        }
    }

    /// Whether the database answers a query.
    pub async fn ready(&self) -> bool {
        self.store.ping().await.is_ok()
    }

    /// How the connection pool is used now.
    pub fn pool_stats(&self) -> PoolStats {
        self.store.pool_stats()
    }

    /// Now, to the microsecond (the precision both databases keep).
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now_micros()
    }
}

/// Refuses anyone but an operator, saying what only operators may `read`.
fn require_operator(actor: &Actor, read: &'static str) -> IntakeResult<()> {
    if actor.is_operator() {
        Ok(())
    } else {
        Err(IntakeError::Forbidden(read))
    }
}

/// One organisation's reads are its own (and operators'); for anyone else it is not there.
fn require_access(actor: &Actor, org: crate::registry::OrgId) -> IntakeResult<()> {
    if actor.may_access(org) {
        Ok(())
    } else {
        Err(IntakeError::NotFound)
    }
}

/// Checks a list cursor that must be an id handed out as `next_cursor`.
fn id_cursor(cursor: Option<&str>) -> IntakeResult<Option<&str>> {
    match cursor {
        Some(c) if uuid::Uuid::try_parse(c).is_err() => Err(IntakeError::Invalid(
            FieldErrors::single("cursor", "is not a cursor from this list"),
        )),
        other => Ok(other),
    }
}

/// Checks a search text: no control characters, bounded length.
fn search_text(q: Option<&str>) -> IntakeResult<Option<&str>> {
    match q {
        Some(t) if t.chars().count() > MAX_QUERY_LEN || t.chars().any(char::is_control) => {
            Err(IntakeError::Invalid(FieldErrors::single(
                "q",
                format!("must be at most {MAX_QUERY_LEN} characters without control characters"),
            )))
        }
        other => Ok(other),
    }
}
