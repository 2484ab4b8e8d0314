//! Idempotency keys: claimed, and their answer kept, inside the transaction of the write
//! they guard (see `access::idempotency`).

use super::sql::{Conn, Sql};
use super::turns::Writer;
use super::{Store, StoreError, StoreResult};
use crate::access::{Answer, Earlier, IDEMPOTENCY_TTL, IdempotencyKey, Keep, Kept};
use chrono::{DateTime, Utc};

/// A stored key: request digest, answer status and body (absent only for a key claimed by
/// an older faultcast that had not yet answered).
type KeyRow = (String, Option<i32>, Option<String>);

const EXPIRE: &str = "DELETE FROM idempotency_keys WHERE created_at < $1";
/// Inside a write's transaction only this key's expired row is forgotten: a sweep there
/// could make concurrent writes wait on each other's deletions.
const EXPIRE_ONE: &str =
    "DELETE FROM idempotency_keys WHERE actor = $1 AND key = $2 AND created_at < $3";
const SELECT: &str = "SELECT request_hash, status, body FROM idempotency_keys WHERE actor = $1 AND key = $2 AND created_at >= $3";

/// What the stored row says to a request with `key`.
fn settle(row: KeyRow, key: &IdempotencyKey) -> Earlier {
    match row {
        (hash, _, _) if hash != key.request() => Earlier::OtherRequest,
        (_, Some(status), Some(body)) => Earlier::Answered(Answer {
            status: u16::try_from(status).unwrap_or(200),
            body,
        }),
        _ => Earlier::Unfinished,
    }
}

/// Claims the key of `keep`, if any, on `c`: `None` when it is new (claimed now, to be
/// answered by `keep_answer` before the transaction commits), else what the earlier request
/// with it settled (the caller then rolls back and makes nothing).
pub(super) async fn claim_key<T>(
    c: &mut Conn<'_>,
    keep: Option<Keep<'_, T>>,
    now: DateTime<Utc>,
) -> StoreResult<Option<Earlier>> {
    let Some(Keep { key, .. }) = keep else {
        return Ok(None);
    };
    let insert = "INSERT INTO idempotency_keys (actor, key, request_hash, status, body, created_at) \
                  VALUES ($1, $2, $3, NULL, NULL, $4) ON CONFLICT (actor, key) DO NOTHING";
    // An expired key, with any answer stored for it, is forgotten before claiming.
    c.execute(
        Sql::new(EXPIRE_ONE)
            .bind(key.scope())
            .bind(key.key())
            .bind(now - IDEMPOTENCY_TTL),
    )
    .await?;
    let inserted = c
        .execute(
            Sql::new(insert)
                .bind(key.scope())
                .bind(key.key())
                .bind(key.request())
                .bind(now),
        )
        .await?;
    if inserted == 1 {
        return Ok(None);
    }
    Ok(Some(
        find(c, key, now).await?.unwrap_or(Earlier::Unfinished),
    ))
}

/// What the unexpired row of `key` says, if there is one.
async fn find(
    c: &mut Conn<'_>,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
) -> StoreResult<Option<Earlier>> {
    let row: Option<KeyRow> = c
        .fetch_optional(
            Sql::new(SELECT)
                .bind(key.scope())
                .bind(key.key())
                .bind(now - IDEMPOTENCY_TTL),
        )
        .await?;
    Ok(row.map(|r| settle(r, key)))
}

/// Keeps the answer to `value` for the key of `keep`, if any, claimed on `c`.
pub(super) async fn keep_answer<T>(
    c: &mut Conn<'_>,
    keep: Option<Keep<'_, T>>,
    value: &T,
) -> StoreResult<()> {
    let Some(Keep { key, answer }) = keep else {
        return Ok(());
    };
    let a = answer(value);
    let sql = "UPDATE idempotency_keys SET status = $3, body = $4 WHERE actor = $1 AND key = $2";
    c.execute(
        Sql::new(sql)
            .bind(key.scope())
            .bind(key.key())
            .bind(i32::from(a.status))
            .bind(a.body),
    )
    .await?;
    Ok(())
}

impl Store {
    /// What an earlier request with `key` settled, if one did within the last day.
    #[tracing::instrument(skip_all)]
    pub async fn earlier_request(
        &self,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Earlier>> {
        find(&mut self.read(), key, now).await
    }

    /// Keeps `answer` for `key` unless the key already has one: for answers that changed
    /// nothing (a refusal, a preview). Expired keys are swept here, outside any write's
    /// transaction.
    #[tracing::instrument(skip_all)]
    pub async fn remember_answer(
        &self,
        key: &IdempotencyKey,
        answer: &Answer,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let insert = "INSERT INTO idempotency_keys (actor, key, request_hash, status, body, created_at) \
                      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (actor, key) DO NOTHING";
        let mut w = self.write(Writer::Request).await?;
        let c = w.conn();
        c.execute(Sql::new(EXPIRE).bind(now - IDEMPOTENCY_TTL))
            .await?;
        c.execute(
            Sql::new(insert)
                .bind(key.scope())
                .bind(key.key())
                .bind(key.request())
                .bind(i32::from(answer.status))
                .bind(answer.body.as_str())
                .bind(now),
        )
        .await?;
        Ok(())
    }
}

/// The result of a write made without a key (which cannot meet an earlier request).
pub(super) fn made<T>(kept: Kept<T>) -> StoreResult<T> {
    match kept {
        Kept::Done(value) => Ok(value),
        Kept::Earlier(_) => Err(StoreError::Other(anyhow::anyhow!(
            "a write without an idempotency key met an earlier request"
        ))),
    }
}
