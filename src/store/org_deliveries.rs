//! What an organisation's own contacts were sent, for the portal's "did we get it?".

use super::deliveries::DeliveryRow;
use super::sql::Sql;
use super::{Store, StoreResult};
use crate::notices::{ContactDelivery, NoticeId};
use crate::registry::OrgId;
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct OrgDeliveryRow {
    notice_id: String,
    contact_name: String,
    #[sqlx(flatten)]
    delivery: DeliveryRow,
}

impl Store {
    /// The deliveries to contacts of `org` made since `since`, newest first, at most `limit`.
    /// A deleted contact's deliveries are no longer its organisation's.
    #[tracing::instrument(skip_all, fields(org = %org))]
    pub async fn org_deliveries(
        &self,
        org: OrgId,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<ContactDelivery>> {
        let sql = "SELECT d.notice_id, c.name AS contact_name, d.id, d.revision, d.channel, d.address, d.language, \
                   d.state, d.attempts, d.last_error, d.next_attempt_at, d.updated_at \
                   FROM deliveries d JOIN contacts c ON c.id = d.contact_id \
                   WHERE c.org_id = $1 AND d.created_at >= $2 \
                   ORDER BY d.created_at DESC, d.id DESC LIMIT $3";
        let rows: Vec<OrgDeliveryRow> = self
            .read()
            .fetch_all(
                Sql::new(sql)
                    .bind(org.to_text())
                    .bind(since)
                    .bind(i64::from(limit)),
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(ContactDelivery {
                    notice: super::error::decode(
                        "deliveries.notice_id",
                        NoticeId::parse(&r.notice_id).ok_or_else(|| "not a uuid".to_owned()),
                    )?,
                    contact: r.contact_name,
                    record: r.delivery.into_record()?,
                })
            })
            .collect()
    }
}
