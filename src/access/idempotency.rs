//! Idempotency keys: a client that retries a request with the same `Idempotency-Key` gets
//! the first answer again instead of a second effect. The key is claimed, the effect made
//! and the answer kept in one transaction, so a key is never left claimed without an answer
//! and an effect is never made without its answer kept.

use sha2::{Digest, Sha256};

/// Keys are client-chosen identifiers (UUIDs in practice); longer ones are refused.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// How long a key is remembered; clients retry within minutes, Stripe-style APIs keep a day.
pub const IDEMPOTENCY_TTL: chrono::Duration = chrono::Duration::hours(24);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A client's key, scoped to the credential that sent it, with a digest of the request it
/// came with. Neither the credential nor the request is kept, only their SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey {
    scope: String,
    key: String,
    request: String,
}

impl IdempotencyKey {
    /// The key `key` sent with `credential` on a request to `method` `path` with `body`;
    /// refused unless it is 1–255 visible ASCII characters.
    pub fn new(
        credential: &[u8],
        key: &[u8],
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<Self, String> {
        let key = match std::str::from_utf8(key) {
            Ok(k)
                if !k.is_empty()
                    && k.len() <= MAX_IDEMPOTENCY_KEY_LEN
                    && k.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                k.to_owned()
            }
            _ => {
                return Err(format!(
                    "must be 1-{MAX_IDEMPOTENCY_KEY_LEN} visible ASCII characters"
                ));
            }
        };
        let mut h = Sha256::new();
        h.update(method);
        h.update([0]);
        h.update(path);
        h.update([0]);
        h.update(body);
        Ok(Self {
            scope: hex(&Sha256::digest(credential)),
            key,
            request: hex(&h.finalize()),
        })
    }

    /// The key as stored: from a scope (the credential's digest), the client's key and the
    /// request's digest.
    pub fn from_parts(scope: &str, key: &str, request: &str) -> Self {
        Self {
            scope: scope.to_owned(),
            key: key.to_owned(),
            request: request.to_owned(),
        }
    }

    /// The credential's digest.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The client's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The request's digest.
    pub fn request(&self) -> &str {
        &self.request
    }
}

/// An answer kept for replay: the HTTP status and the body as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    /// `value` as JSON with `status`.
    pub fn json(status: u16, value: &impl serde::Serialize) -> Self {
        Self {
            status,
            // Views are plain data and always serialise.
            body: serde_json::to_string(value).unwrap_or_default(),
        }
    }
}

/// What an earlier request with the same key settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Earlier {
    /// It was answered so; answer the same.
    Answered(Answer),
    /// It was a different request: the key cannot be used for this one.
    OtherRequest,
    /// It is still running (only a key claimed by an older faultcast, which kept the
    /// answer in a later transaction, can stay so).
    Unfinished,
}

/// A key to claim with a write, and how to answer the write's result.
pub struct Keep<'a, T> {
    pub key: &'a IdempotencyKey,
    pub answer: &'a (dyn Fn(&T) -> Answer + Send + Sync),
}

impl<'a, T> Keep<'a, T> {
    /// The same key, for a write whose result is an `S`, answered by `answer` (which knows
    /// the `T` the client is answered about).
    pub fn answering<S>(self, answer: &'a (dyn Fn(&S) -> Answer + Send + Sync)) -> Keep<'a, S> {
        Keep {
            key: self.key,
            answer,
        }
    }
}

impl<T> Clone for Keep<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Keep<'_, T> {}

/// How a guarded write ended.
#[derive(Debug)]
pub enum Kept<T> {
    /// It was made now (and its answer kept, if a key was given).
    Done(T),
    /// The key was used before: nothing was made.
    Earlier(Earlier),
}
