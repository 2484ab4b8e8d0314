//! Idempotency keys: a retried creating POST gets the original answer.

use super::sql::Sql;
use super::turns::Writer;
use super::{Store, StoreResult};
use chrono::{DateTime, Utc};

/// How long a key is remembered; clients retry within minutes, Stripe-style APIs keep a day.
pub const IDEMPOTENCY_TTL: chrono::Duration = chrono::Duration::hours(24);

/// What the store knows about a key.
#[derive(Debug, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use: go ahead, then `complete_idempotency` or `release_idempotency`.
    Fresh,
    /// Done before with the same request: answer this again.
    Replay { status: u16, body: String },
    /// The key was used for a different request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
}

/// A stored key: request hash, answer status and body (both absent while in progress).
type KeyRow = (String, Option<i32>, Option<String>);

impl Store {
    /// Claims `key` for `actor` and a request whose body hashes to `request_hash`.
    #[tracing::instrument(skip_all)]
    pub async fn claim_idempotency(
        &self,
        actor: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim> {
        let insert = "INSERT INTO idempotency_keys (actor, key, request_hash, status, body, created_at) \
                      VALUES ($1, $2, $3, NULL, NULL, $4) ON CONFLICT (actor, key) DO NOTHING";
        let select =
            "SELECT request_hash, status, body FROM idempotency_keys WHERE actor = $1 AND key = $2";
        // Expired keys, with any answer stored for them, are forgotten before claiming.
        let expire = "DELETE FROM idempotency_keys WHERE created_at < $1";
        let mut w = self.write(Writer::Request).await?;
        let c = w.conn();
        c.execute(Sql::new(expire).bind(now - IDEMPOTENCY_TTL))
            .await?;
        let inserted = c
            .execute(
                Sql::new(insert)
                    .bind(actor)
                    .bind(key)
                    .bind(request_hash)
                    .bind(now),
            )
            .await?;
        let row: Option<KeyRow> = if inserted == 1 {
            None
        } else {
            c.fetch_optional(Sql::new(select).bind(actor).bind(key))
                .await?
        };
        Ok(match (inserted, row) {
            (1, _) => IdempotencyClaim::Fresh,
            (_, None) => IdempotencyClaim::InProgress,
            (_, Some((hash, _, _))) if hash != request_hash => IdempotencyClaim::Mismatch,
            (_, Some((_, Some(status), Some(body)))) => IdempotencyClaim::Replay {
                status: status as u16,
                body,
            },
            (_, Some(_)) => IdempotencyClaim::InProgress,
        })
    }

    /// Stores the answer given to the first request with `key`.
    #[tracing::instrument(skip_all)]
    pub async fn complete_idempotency(
        &self,
        actor: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> StoreResult<()> {
        let sql =
            "UPDATE idempotency_keys SET status = $3, body = $4 WHERE actor = $1 AND key = $2";
        let sql = Sql::new(sql)
            .bind(actor)
            .bind(key)
            .bind(i32::from(status))
            .bind(body);
        self.write(Writer::Request)
            .await?
            .conn()
            .execute(sql)
            .await?;
        Ok(())
    }

    /// Forgets `key` after a request that failed without effect, so that a retry may run.
    #[tracing::instrument(skip_all)]
    pub async fn release_idempotency(&self, actor: &str, key: &str) -> StoreResult<()> {
        let sql = "DELETE FROM idempotency_keys WHERE actor = $1 AND key = $2 AND status IS NULL";
        let sql = Sql::new(sql).bind(actor).bind(key);
        self.write(Writer::Request)
            .await?
            .conn()
            .execute(sql)
            .await?;
        Ok(())
    }
}
