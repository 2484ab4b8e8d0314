//! Claiming due deliveries with a lease, and sweeping those past their age limit.

use super::deliveries::ClaimedDelivery;
use super::error::decode;
use super::sql::Sql;
use super::states::SENDING;
use super::states::{WAITING, one};
use super::turns::Writer;
use super::{Store, StoreResult};
use crate::notices::{DeliveryState, NoticeId};
use crate::registry::{Address, Audience, Channel, Language};
use chrono::{DateTime, Utc};
use std::sync::LazyLock;

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: i64,
    notice_id: String,
    revision: i32,
    channel: String,
    address: Option<String>,
    address_key: String,
    language: String,
    audience: String,
    attempts: i32,
    expires_at: DateTime<Utc>,
}

impl ClaimRow {
    fn into_claimed(self) -> StoreResult<ClaimedDelivery> {
        let channel = decode("deliveries.channel", Channel::parse(&self.channel))?;
        let address = decode(
            "deliveries.address",
            self.address
                .ok_or_else(|| "is erased".to_owned())
                .and_then(|a| Address::parse(channel, &a)),
        )?;
        Ok(ClaimedDelivery {
            id: self.id,
            notice_id: decode(
                "deliveries.notice_id",
                NoticeId::parse(&self.notice_id).ok_or_else(|| "is not an id".to_owned()),
            )?,
            revision: self.revision,
            address,
            address_key: self.address_key,
            language: decode("deliveries.language", Language::parse(&self.language))?,
            audience: decode("organisations.audience", Audience::parse(&self.audience))?,
            attempt: self.attempts,
            expires_at: self.expires_at,
        })
    }
}

/// Past the age limit: never tried → expired, tried → dead (for re-drive).
fn expire_sql(indexed: &str) -> String {
    format!(
        "UPDATE deliveries{indexed} SET state = CASE WHEN attempts > 0 THEN {dead} ELSE {expired} END, \
         lease_until = NULL, updated_at = $1 WHERE state IN {waiting} AND expires_at <= $1",
        dead = one(DeliveryState::Dead),
        expired = one(DeliveryState::Expired),
        waiting = *WAITING,
    )
}

// SQLite's planner, without statistics, prefers the index on state (every waiting delivery)
// to the partial index on the age limit: its statement names the index.
static EXPIRE_SQLITE: LazyLock<String> =
    LazyLock::new(|| expire_sql(" INDEXED BY deliveries_expiring"));
static EXPIRE: LazyLock<String> = LazyLock::new(|| expire_sql(""));
/// Attempts whose lease ran out, of revisions a newer one has replaced for the address.
static SUPERSEDE_ABANDONED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE deliveries SET state = {superseded}, lease_until = NULL, updated_at = $1 \
         WHERE state = {sending} AND lease_until < $1 AND EXISTS (SELECT 1 FROM deliveries n \
         WHERE n.notice_id = deliveries.notice_id AND n.channel = deliveries.channel \
         AND n.address_key = deliveries.address_key AND n.revision > deliveries.revision)",
        superseded = one(DeliveryState::Superseded),
        sending = *SENDING,
    )
});
/// First attempts whose worker died (lease expired).
static ABANDONED_FIRST_TRIES: LazyLock<String> =
    LazyLock::new(|| format!("d.state = {} AND d.lease_until < $1", *SENDING));
/// Waiting deliveries whose time has come.
static DUE: LazyLock<String> =
    LazyLock::new(|| format!("d.state IN {} AND d.next_attempt_at <= $1", *WAITING));

impl Store {
    /// Marks deliveries past their age limit `expired`, and leases up to `limit` due ones
    /// (faults first; expired leases of crashed workers are taken over) until `until`.
    #[tracing::instrument(skip_all)]
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        self.sweep_deliveries(now).await?;
        self.claim_due(now, until, limit).await
    }

    /// Marks deliveries past their age limit — never tried → `expired`, tried and still
    /// failing → `dead` (retries exhausted, listed for re-drive) — and supersedes abandoned
    /// attempts (lease expired) of revisions a newer one has replaced for the address.
    /// Claims skip such deliveries anyway, so a busy daemon runs this every few seconds
    /// rather than before every claim.
    #[tracing::instrument(skip_all)]
    pub async fn sweep_deliveries(&self, now: DateTime<Utc>) -> StoreResult<()> {
        // SQLite's planner, without statistics, prefers the index on state (every waiting
        // delivery) to the partial index on the age limit: name the index.
        let mut w = self.write(Writer::Background).await?;
        let c = w.conn();
        let expire = c.dialect().pick(&EXPIRE_SQLITE, &EXPIRE);
        c.execute(Sql::new(expire).bind(now)).await?;
        c.execute(Sql::new(SUPERSEDE_ABANDONED.as_str()).bind(now))
            .await?;
        Ok(())
    }

    /// Leases up to `limit` due deliveries until `until`: first attempts whose worker died
    /// (lease expired), then waiting ones, faults first, oldest first. Never one past its
    /// age limit, nor one a newer revision has replaced for the address — nor one whose
    /// notice has a newer revision still being expanded, which may yet replace it.
    #[tracing::instrument(skip_all)]
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let mut w = self.write(Writer::Background).await?;
        let c = w.conn();
        let lock = c.dialect().pick("", " FOR UPDATE SKIP LOCKED");
        let mut rows: Vec<ClaimRow> = Vec::new();
        // Two statements, each walking its partial index in order (one with an OR of both
        // conditions would sort every waiting delivery).
        for (due, order) in [
            (&*ABANDONED_FIRST_TRIES, "d.lease_until, d.id"),
            (&*DUE, "d.lane, d.next_attempt_at, d.id"),
        ] {
            let left = i64::from(limit) - rows.len() as i64;
            if left <= 0 {
                break;
            }
            let sql = format!(
                "UPDATE deliveries SET state = {sending}, lease_until = $2, attempts = attempts + 1, updated_at = $1 \
                 WHERE id IN (SELECT d.id FROM deliveries d WHERE {due} \
                     AND d.expires_at > $1 AND d.address IS NOT NULL \
                     AND NOT EXISTS (SELECT 1 FROM deliveries n WHERE n.notice_id = d.notice_id AND n.channel = d.channel \
                                     AND n.address_key = d.address_key AND n.revision > d.revision) \
                     AND NOT EXISTS (SELECT 1 FROM fanout_jobs j WHERE j.notice_id = d.notice_id \
                                     AND j.revision > d.revision AND j.done_at IS NULL) \
                     ORDER BY {order} LIMIT $3{lock}) \
                 RETURNING id, notice_id, revision, channel, address, address_key, language, audience, attempts, expires_at",
                sending = *SENDING,
            );
            let claimed: Vec<ClaimRow> = c
                .fetch_all(Sql::new(sql).bind(now).bind(until).bind(left))
                .await?;
            rows.extend(claimed);
        }
        drop(w);
        // A row that does not decode cannot be sent; it is left leased (and so out of the
        // way) rather than stopping every other delivery.
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let id = r.id;
                r.into_claimed()
                    .inspect_err(|e| tracing::error!(delivery = id, error = %e, "cannot send a stored delivery"))
                    .ok()
            })
            .collect())
    }
}
