//! Renewing the leases of deliveries a daemon still holds: claimed, not yet sent because its
//! channel is working through what came before them (a rate-limited SMS gateway, a relay
//! that times out). Each renewal is fenced by the attempt, like an outcome: a delivery
//! another daemon has taken over stays taken over.

use super::sent::{Success, bind_pairs, pairs};
use super::states::SENDING;
use super::turns::Writer;
use super::{Store, StoreResult};
use chrono::{DateTime, Utc};

impl Store {
    /// Extends to `until` the leases of `held` (delivery, attempt) that are still this
    /// attempt's and in flight; returns the deliveries renewed (the others are no longer
    /// this attempt's to send).
    #[tracing::instrument(skip_all, fields(n = held.len()))]
    pub async fn renew_leases(
        &self,
        held: &[(i64, i32)],
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<i64>> {
        let mut renewed = Vec::with_capacity(held.len());
        let held: Vec<Success> = held.iter().map(|(id, a)| (*id, *a, None)).collect();
        let mut w = self.write(Writer::Background).await?;
        let c = w.conn();
        let dialect = c.dialect();
        for chunk in held.chunks(super::sent::per_statement(dialect, held.len())) {
            let sql = format!(
                "UPDATE deliveries SET lease_until = $1 WHERE state = {sending} AND (id, attempts) IN ({pairs}) RETURNING id",
                sending = *SENDING,
                pairs = pairs(dialect, chunk.len()),
            );
            let q = bind_pairs(dialect, super::sql::Sql::new(sql).bind(until), chunk);
            let ids: Vec<(i64,)> = c.fetch_all(q).await?;
            renewed.extend(ids.into_iter().map(|(id,)| id));
        }
        Ok(renewed)
    }
}
