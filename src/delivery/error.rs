//! How a channel says a send went wrong: the worker decides what happens next from it.

use std::time::Duration;

/// A failed send, classified.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SendError {
    /// Worth retrying (SMTP 4xx, timeouts, dropped connections, gateway 5xx).
    #[error("transient: {0}")]
    Transient(String),
    /// The server asked us to wait at least this long (HTTP 429 Retry-After).
    #[error("throttled for {0:?}: {1}")]
    Throttled(Duration, String),
    /// Never retried (SMTP 5xx for the recipient, gateway 4xx).
    #[error("permanent: {0}")]
    Permanent(String),
    /// Our own configuration is wrong (authentication, TLS, relay refusing us): the channel
    /// pauses; recipients are not failed.
    #[error("configuration: {0}")]
    Config(String),
}
