//! Reads of the audit log.

use super::{Query, require_operator};
use crate::access::{Actor, AuditRecord};
use crate::intake::{IntakeError, IntakeResult};
use crate::validation::FieldErrors;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A stored audit record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
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
    /// What the change said beyond its target (why a notice went out without approval).
    pub detail: Option<String>,
}

impl From<AuditRecord> for AuditEntry {
    fn from(r: AuditRecord) -> Self {
        Self {
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

/// A page of audit records, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

impl Query {
    /// A page of the audit log, newest first (operators).
    pub async fn audit(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> IntakeResult<AuditList> {
        require_operator(actor, "only operators read the audit log")?;
        if cursor.is_some_and(|c| c.parse::<i64>().is_err()) {
            return Err(IntakeError::Invalid(FieldErrors::single(
                "cursor",
                "is not a cursor from this list",
            )));
        }
        let page = self.store.list_audit(cursor, limit).await?;
        Ok(AuditList {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        })
    }
}
