//! The audit log: one append-only record per mutation, with no contact values in it.

use super::sql::{Conn, Sql};
use super::turns::Writer;
use super::{DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult};
use crate::access::AuditRecord;
use chrono::{DateTime, Utc};

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

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    target_kind: String,
    target_id: String,
    org_id: Option<String>,
    request_id: String,
    detail: Option<String>,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        AuditRecord {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            target_kind: r.target_kind,
            target_id: r.target_id,
            org_id: r.org_id,
            request_id: r.request_id,
            detail: r.detail,
        }
    }
}

const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, actor, action, target_kind, target_id, org_id, request_id, detail) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Appends `event` on `conn` (inside the transaction of the mutation it records, so that
/// the two commit together).
pub(super) async fn insert_audit(conn: &mut Conn<'_>, event: &AuditEvent) -> StoreResult<()> {
    insert_audit_saying(conn, event, None).await
}

/// Appends `event` with what it says beyond its target (no contact values ever).
pub(super) async fn insert_audit_saying(
    conn: &mut Conn<'_>,
    event: &AuditEvent,
    detail: Option<&str>,
) -> StoreResult<()> {
    conn.execute(
        Sql::new(INSERT_AUDIT)
            .bind(event.at)
            .bind(&event.actor)
            .bind(event.action)
            .bind(event.target_kind)
            .bind(&event.target_id)
            .bind(event.org_id.clone())
            .bind(&event.request_id)
            .bind(detail),
    )
    .await?;
    Ok(())
}

impl Store {
    /// Records an event that changes nothing else (e.g. a token created from the CLI is
    /// recorded together with the token; this is for events with no row of their own).
    #[tracing::instrument(skip_all, fields(action = event.action))]
    pub async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.begin(Writer::Request).await?;
        insert_audit(&mut tx.conn(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Audit records, newest first; `cursor` is the `seq` to continue below.
    #[tracing::instrument(skip_all)]
    pub async fn list_audit(
        &self,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> StoreResult<Page<AuditRecord>> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let below: i64 = cursor.and_then(|c| c.parse().ok()).unwrap_or(i64::MAX);
        let sql = "SELECT seq, at, actor, action, target_kind, target_id, org_id, request_id, detail FROM audit_log \
                   WHERE seq < $1 ORDER BY seq DESC LIMIT $2";
        let rows: Vec<AuditRow> = self
            .read()
            .fetch_all(Sql::new(sql).bind(below).bind(i64::from(limit) + 1))
            .await?;
        let items = rows.into_iter().map(AuditRecord::from).collect();
        Ok(Page::cut(items, limit, |e| e.seq.to_string()))
    }
}
