//! "Received and passed on": the delivery an acknowledgement link names, and recording an
//! acknowledgement once.

use super::audit::insert_audit;
use super::error::decode;
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, Store, StoreResult};
use crate::notices::{AcknowledgementTarget, NoticeId};
use crate::registry::{Channel, ContactId, OrgId};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: i64,
    notice_id: String,
    revision: i32,
    channel: String,
    created_at: DateTime<Utc>,
    contact_id: String,
    contact_name: String,
    org_id: String,
    org_name: String,
    acknowledged_at: Option<DateTime<Utc>>,
}

fn uuid<T>(field: &'static str, parsed: Option<T>) -> StoreResult<T> {
    decode(field, parsed.ok_or_else(|| "not a uuid".to_owned()))
}

impl TargetRow {
    fn decode(self) -> StoreResult<AcknowledgementTarget> {
        Ok(AcknowledgementTarget {
            delivery: self.id,
            notice: uuid("deliveries.notice_id", NoticeId::parse(&self.notice_id))?,
            revision: self.revision,
            channel: decode("deliveries.channel", Channel::parse(&self.channel))?,
            org: uuid("contacts.org_id", OrgId::parse(&self.org_id))?,
            org_name: self.org_name,
            contact: uuid("contacts.id", ContactId::parse(&self.contact_id))?,
            contact_name: self.contact_name,
            sent_at: self.created_at,
            acknowledged_at: self.acknowledged_at,
        })
    }
}

impl Store {
    /// Delivery `id` with its contact and organisation, if both still exist.
    #[tracing::instrument(skip_all)]
    pub async fn acknowledgement_target(
        &self,
        id: i64,
    ) -> StoreResult<Option<AcknowledgementTarget>> {
        let sql = "SELECT d.id, d.notice_id, d.revision, d.channel, d.created_at, c.id AS contact_id, \
                   c.name AS contact_name, o.id AS org_id, o.name AS org_name, a.acknowledged_at \
                   FROM deliveries d JOIN contacts c ON c.id = d.contact_id \
                   JOIN organisations o ON o.id = c.org_id \
                   LEFT JOIN acknowledgements a ON a.delivery_id = d.id WHERE d.id = $1";
        let row: Option<TargetRow> = self.read().fetch_optional(Sql::new(sql).bind(id)).await?;
        row.map(TargetRow::decode).transpose()
    }

    /// Records the acknowledgement of `t` at `now` with its audit record; false (and
    /// nothing written) if it was acknowledged before.
    #[tracing::instrument(skip_all)]
    pub async fn record_acknowledgement(
        &self,
        t: &AcknowledgementTarget,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let sql = "INSERT INTO acknowledgements (delivery_id, notice_id, revision, org_id, contact_id, channel, acknowledged_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id) DO NOTHING";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let new = c
            .execute(
                Sql::new(sql)
                    .bind(t.delivery)
                    .bind(t.notice.to_text())
                    .bind(t.revision)
                    .bind(t.org.to_text())
                    .bind(t.contact.to_text())
                    .bind(t.channel.code())
                    .bind(now),
            )
            .await?
            == 1;
        if new {
            insert_audit(&mut c, audit).await?;
            tx.commit().await?;
        }
        Ok(new)
    }
}
