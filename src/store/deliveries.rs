//! Deliveries: claimed with a lease, sent outside any transaction, completed with a fenced
//! update (`WHERE id = ? AND attempts = ?`), outcomes written in batches.

use super::AuditEvent;
use super::audit::insert_audit;
use super::error::decode;
use super::idempotency::{claim_key, keep_answer};
use super::sent::{Success, sent_statements};
use super::sql::Sql;
use super::states::SENDING;
use super::states::{AWAITING_RECEIPT, REDRIVABLE, WAITING, one};
use super::turns::Writer;
use super::{Store, StoreResult};
use crate::access::{Keep, Kept};
use crate::notices::{ChannelSummary, DeliveryRecord, DeliveryState, NoticeId};
use crate::registry::{Address, Audience, Channel, Language};
use chrono::{DateTime, Utc};
use std::sync::LazyLock;

/// A delivery leased to this worker.
#[derive(Clone, Debug)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub notice_id: NoticeId,
    pub revision: i32,
    /// Where it goes, and so by which channel.
    pub address: Address,
    pub address_key: String,
    pub language: Language,
    /// The audience of the recipient's organisation.
    pub audience: Audience,
    /// This attempt's number (1 for the first); the fence of the outcome write.
    pub attempt: i32,
    pub expires_at: DateTime<Utc>,
}

impl ClaimedDelivery {
    /// The channel that sends it.
    pub fn channel(&self) -> Channel {
        self.address.channel()
    }
}

/// One attempt's outcome. A retry of a revision that a newer one has meanwhile replaced
/// for this address will never be claimed again: it is superseded instead of left waiting
/// forever.
static RECORD_OUTCOME: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE deliveries SET state = CASE WHEN CAST($3 AS TEXT) = {retry} AND EXISTS (SELECT 1 FROM deliveries n \
             WHERE n.notice_id = deliveries.notice_id AND n.channel = deliveries.channel \
             AND n.address_key = deliveries.address_key AND n.revision > deliveries.revision) \
         THEN {superseded} ELSE CAST($3 AS TEXT) END, \
         next_attempt_at = COALESCE($4, next_attempt_at), last_error = $5, \
         external_id = COALESCE($6, external_id), attempts = attempts - $7, lease_until = NULL, updated_at = $8 \
         WHERE id = $1 AND attempts = $2 AND state = {sending}",
        retry = one(DeliveryState::Retry),
        superseded = one(DeliveryState::Superseded),
        sending = *SENDING,
    )
});

/// What happened to one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the relay / gateway; `external_id` is the gateway's id, if any.
    Sent { external_id: Option<String> },
    /// Permanently refused; never retried.
    Failed { reason: String },
    /// Try again at `at`.
    Retry { at: DateTime<Utc>, reason: String },
    /// Transient failures until the age limit: given up, listed for re-drive.
    Dead { reason: String },
    /// Our own configuration is at fault: put back untouched (the attempt does not count).
    Paused { at: DateTime<Utc>, reason: String },
}

/// One delivery as stored.
#[derive(sqlx::FromRow)]
pub(super) struct DeliveryRow {
    id: i64,
    revision: i32,
    channel: String,
    address: Option<String>,
    language: String,
    state: String,
    attempts: i32,
    last_error: Option<String>,
    next_attempt_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl DeliveryRow {
    pub(super) fn into_record(self) -> StoreResult<DeliveryRecord> {
        let channel = decode("deliveries.channel", Channel::parse(&self.channel))?;
        Ok(DeliveryRecord {
            id: self.id,
            revision: self.revision,
            channel,
            address: self
                .address
                .map(|a| decode("deliveries.address", Address::parse(channel, &a)))
                .transpose()?,
            language: decode("deliveries.language", Language::parse(&self.language))?,
            state: decode("deliveries.state", DeliveryState::parse(&self.state))?,
            attempts: self.attempts,
            last_error: self.last_error,
            next_attempt_at: self.next_attempt_at,
            updated_at: self.updated_at,
        })
    }
}

impl Store {
    /// Records outcomes in one transaction. Each write is fenced by the attempt number, so
    /// a worker whose lease was taken over cannot overwrite the newer attempt's result.
    /// Returns how many were recorded.
    #[tracing::instrument(skip_all, fields(n = outcomes.len()))]
    pub async fn record_outcomes(
        &self,
        outcomes: &[(ClaimedDelivery, Outcome)],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        // Successes, the bulk of any fan-out, are written many to a statement; each other
        // outcome with its own.
        let mut successes: Vec<Success> = Vec::new();
        let mut others = Vec::new();
        for (d, o) in outcomes {
            let (state, at, error, uncount) = match o {
                Outcome::Sent { external_id } => {
                    successes.push((d.id, d.attempt, external_id.as_deref()));
                    continue;
                }
                Outcome::Failed { reason } => (DeliveryState::Failed, None, reason, 0),
                Outcome::Retry { at, reason } => (DeliveryState::Retry, Some(*at), reason, 0),
                Outcome::Dead { reason } => (DeliveryState::Dead, None, reason, 0),
                Outcome::Paused { at, reason } => (DeliveryState::Retry, Some(*at), reason, 1),
            };
            others.push(
                Sql::new(RECORD_OUTCOME.as_str())
                    .bind(d.id)
                    .bind(d.attempt)
                    .bind(state.code())
                    .bind(at)
                    .bind(Some(error.as_str()))
                    .bind(None::<&str>)
                    .bind(uncount)
                    .bind(now),
            );
        }
        let mut statements = sent_statements(self.dialect(), &successes, now);
        statements.extend(others);
        // Each statement is fenced on its own: one needs no transaction around it, and
        // without one it costs one trip to the database instead of three.
        if statements.len() == 1
            && let Some(one) = statements.pop()
        {
            let mut w = self.write(Writer::Background).await?;
            return Ok(w.conn().execute(one).await?);
        }
        let mut n = 0;
        let mut tx = self.begin(Writer::Background).await?;
        let mut c = tx.conn();
        for q in statements {
            n += c.execute(q).await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Applies an SMS delivery receipt: `sent` (or still in flight) becomes `delivered` or
    /// `undeliverable`; a final state never changes back. Finds the delivery by our
    /// reference or by the gateway's id (each through its index of SMS deliveries: one
    /// condition with OR would walk them all). Returns whether a delivery changed.
    #[tracing::instrument(skip_all)]
    pub async fn apply_receipt(
        &self,
        reference: Option<&str>,
        external_id: Option<&str>,
        address: Option<&str>,
        delivered: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = format!(
            "UPDATE deliveries SET state = $3, updated_at = $4 WHERE channel = 'sms' AND state IN {} \
             AND id IN (SELECT id FROM deliveries WHERE channel = 'sms' AND reference = $1 \
                 UNION ALL SELECT id FROM deliveries WHERE channel = 'sms' AND external_id = $2) \
             AND (CAST($5 AS TEXT) IS NULL OR address = $5)",
            *AWAITING_RECEIPT
        );
        let state = if delivered {
            DeliveryState::Delivered
        } else {
            DeliveryState::Undeliverable
        };
        let sql = Sql::new(sql)
            .bind(reference)
            .bind(external_id)
            .bind(state.code())
            .bind(now)
            .bind(address);
        let n = self
            .write(Writer::Request)
            .await?
            .conn()
            .execute(sql)
            .await?;
        Ok(n > 0)
    }

    /// Per-channel counts for one revision.
    pub async fn delivery_summary(
        &self,
        id: NoticeId,
        revision: i32,
    ) -> StoreResult<Vec<(Channel, ChannelSummary)>> {
        let sql = "SELECT channel, state, COUNT(*) FROM deliveries WHERE notice_id = $1 AND revision = $2 GROUP BY channel, state";
        let rows: Vec<(String, String, i64)> = self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()).bind(revision))
            .await?;
        let mut out: Vec<(Channel, ChannelSummary)> = Channel::ALL
            .iter()
            .map(|c| (*c, ChannelSummary::default()))
            .collect();
        for (channel, state, count) in rows {
            let channel = decode("deliveries.channel", Channel::parse(&channel))?;
            let state = decode("deliveries.state", DeliveryState::parse(&state))?;
            if let Some((_, s)) = out.iter_mut().find(|(c, _)| *c == channel) {
                s.add(state, count);
            }
        }
        Ok(out)
    }

    /// Deliveries of one revision, optionally in one state, in id order after `cursor`.
    pub async fn list_deliveries(
        &self,
        id: NoticeId,
        revision: i32,
        state: Option<DeliveryState>,
        cursor: i64,
        limit: u32,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let sql = "SELECT id, revision, channel, address, language, state, attempts, last_error, next_attempt_at, updated_at FROM deliveries \
                   WHERE notice_id = $1 AND revision = $2 AND ($3 IS NULL OR state = $3) AND id > $4 ORDER BY id LIMIT $5";
        let sql = Sql::new(sql)
            .bind(id.to_text())
            .bind(revision)
            .bind(state.map(DeliveryState::code))
            .bind(cursor)
            .bind(i64::from(limit));
        let rows: Vec<DeliveryRow> = self.read().fetch_all(sql).await?;
        rows.into_iter().map(DeliveryRow::into_record).collect()
    }

    /// Puts dead and failed deliveries of a revision back in the queue (operator re-drive)
    /// with its audit record, once per key of `keep`; returns how many. Their age limit
    /// starts again from now.
    pub async fn redrive_deliveries(
        &self,
        id: NoticeId,
        revision: i32,
        (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
        audit: &AuditEvent,
        keep: Option<Keep<'_, u64>>,
    ) -> StoreResult<Kept<u64>> {
        let sql = format!(
            "UPDATE deliveries SET state = {}, attempts = 0, next_attempt_at = $3, expires_at = $4, updated_at = $3 \
             WHERE notice_id = $1 AND revision = $2 AND state IN {} AND address IS NOT NULL",
            one(DeliveryState::Pending),
            *REDRIVABLE
        );
        let sql = Sql::new(sql)
            .bind(id.to_text())
            .bind(revision)
            .bind(now)
            .bind(expires_at);
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, now).await? {
            return Ok(Kept::Earlier(earlier));
        }
        let requeued = c.execute(sql).await?;
        insert_audit(&mut c, audit).await?;
        keep_answer(&mut c, keep, &requeued).await?;
        tx.commit().await?;
        Ok(Kept::Done(requeued))
    }

    /// The earliest time a waiting delivery becomes due, if any (for the worker to sleep until).
    pub async fn next_delivery_due(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let sql = format!(
            "SELECT MIN(next_attempt_at) FROM deliveries WHERE state IN {}",
            *WAITING
        );
        Ok(self.read().scalar(Sql::new(sql)).await?)
    }
}
