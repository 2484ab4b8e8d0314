//! The audit log: one append-only record per mutation, with no contact values in it.

use super::{DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult, on_db};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a mutation records about itself. Ids only: never names, addresses or numbers.
#[derive(Clone, Debug)]
pub struct AuditEvent {
    /// A token id or `cli`.
    pub actor: String,
    /// e.g. `organisation.create`, `contact.delete`, `token.revoke`.
    pub action: &'static str,
    /// e.g. `organisation`, `contact`, `token`.
    pub target_kind: &'static str,
    pub target_id: String,
    /// The organisation concerned, for filtering.
    pub org_id: Option<String>,
    pub request_id: String,
    pub at: DateTime<Utc>,
}

/// A stored audit record.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Position in the log; larger is newer.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub org_id: Option<String>,
    pub request_id: String,
}

pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, actor, action, target_kind, target_id, org_id, request_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Appends `$event` inside the open transaction `$tx`, so that the record and the
/// mutation commit together.
macro_rules! insert_audit {
    ($tx:expr, $event:expr) => {{
        let e: &$crate::store::AuditEvent = $event;
        sqlx::query($crate::store::audit::INSERT_AUDIT)
            .bind(e.at)
            .bind(&e.actor)
            .bind(e.action)
            .bind(e.target_kind)
            .bind(&e.target_id)
            .bind(&e.org_id)
            .bind(&e.request_id)
            .execute(&mut *$tx)
            .await
    }};
}
pub(crate) use insert_audit;

impl Store {
    /// Records an event that changes nothing else (e.g. a token created from the CLI is
    /// recorded together with the token; this is for events with no row of their own).
    #[tracing::instrument(skip_all, fields(action = event.action))]
    pub async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        on_db!(writer self, |p, d| {
            let mut tx = p.begin().await?;
            insert_audit!(tx, event)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Audit records, newest first; `cursor` is the `seq` to continue below.
    #[tracing::instrument(skip_all)]
    pub async fn list_audit(
        &self,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> StoreResult<Page<AuditEntry>> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let below: i64 = cursor.and_then(|c| c.parse().ok()).unwrap_or(i64::MAX);
        let sql = "SELECT seq, at, actor, action, target_kind, target_id, org_id, request_id FROM audit_log \
                   WHERE seq < $1 ORDER BY seq DESC LIMIT $2";
        let items: Vec<AuditEntry> = on_db!(self, |p, d| sqlx::query_as(sql)
            .bind(below)
            .bind(i64::from(limit) + 1)
            .fetch_all(p)
            .await?);
        Ok(Page::cut(items, limit, |e| e.seq.to_string()))
    }
}
