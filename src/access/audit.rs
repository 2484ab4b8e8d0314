//! The audit log as it is read back: who did what to which record, and when.

use chrono::{DateTime, Utc};

/// One recorded mutation. Ids only: never names, addresses or numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the log; larger is newer.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// A token id, or `cli`.
    pub actor: String,
    /// e.g. `organisation.create`, `contact.delete`, `token.revoke`.
    pub action: String,
    /// e.g. `organisation`, `contact`, `token`.
    pub target_kind: String,
    pub target_id: String,
    /// The organisation concerned.
    pub org_id: Option<String>,
    pub request_id: String,
    /// What the change said beyond its target (an override's reason).
    pub detail: Option<String>,
}
