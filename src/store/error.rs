//! What can go wrong in the store, as far as callers need to branch on it.

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value (named by the field) is already registered.
    #[error("{0} is already registered")]
    Duplicate(&'static str),
    /// The database cannot be reached or has no free connection: try again later.
    #[error("database unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Anything else: a bug or corrupt data.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => StoreError::Unavailable(e),
            sqlx::Error::Database(ref d) if is_busy(d.code().as_deref()) => {
                StoreError::Unavailable(e)
            }
            other => StoreError::Other(anyhow::Error::new(other)),
        }
    }
}

/// SQLite's BUSY/LOCKED after the busy timeout, PostgreSQL's "cannot connect now" and
/// admin shutdown: transient conditions, answered with 503.
fn is_busy(code: Option<&str>) -> bool {
    matches!(code, Some("5" | "6" | "517" | "57P01" | "57P03"))
}

impl StoreError {
    /// Turns a unique violation into `Duplicate(field)`; other errors convert as usual.
    pub fn unique(e: sqlx::Error, field: &'static str) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate(field),
            _ => e.into(),
        }
    }
}

/// Results of store functions.
pub type StoreResult<T> = Result<T, StoreError>;

/// Decodes a stored value with a domain parser; a failure means corrupt data.
pub(crate) fn decode<T>(column: &str, parsed: Result<T, String>) -> StoreResult<T> {
    parsed.map_err(|e| StoreError::Other(anyhow::anyhow!("stored {column} is invalid: {e}")))
}
