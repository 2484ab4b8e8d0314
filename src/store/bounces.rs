//! Hard bounces: the delivery a bounce names is marked bounced, and its contact's address
//! counts one more hard bounce in a row; at the limit the contact is undeliverable.

use super::audit::insert_audit;
use super::sql::Sql;
use super::states::one;
use super::turns::Writer;
use super::{AuditEvent, Store, StoreResult};
use crate::notices::DeliveryState;
use chrono::{DateTime, Utc};

/// A contact whose address just reached the hard bounce limit.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Undeliverable {
    pub contact_id: String,
    pub org_id: String,
    pub name: String,
    pub email: String,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    contact_id: String,
    org_id: String,
    name: String,
    email: Option<String>,
    hard_bounces: i32,
    undeliverable_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Records a hard bounce of email delivery `id` (`reason`: the status and diagnostic):
    /// the delivery is bounced and, if its contact still has that address, the contact's
    /// count goes up; the contact that thereby reaches `limit` is answered. A delivery not
    /// sent by email, or bounced already, changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn record_hard_bounce(
        &self,
        id: i64,
        reason: &str,
        limit: u32,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<Option<Undeliverable>> {
        let mark = format!(
            "UPDATE deliveries SET state = {bounced}, last_error = $2, updated_at = $3 \
             WHERE id = $1 AND channel = 'email' AND state = {sent} RETURNING contact_id, address_key",
            bounced = one(DeliveryState::Bounced),
            sent = one(DeliveryState::Sent),
        );
        let count = "UPDATE contacts SET hard_bounces = hard_bounces + 1 WHERE id = $1 AND email_key = $2 \
                     RETURNING id AS contact_id, org_id, name, email, hard_bounces, undeliverable_at";
        let mut tx = self.begin(Writer::Background).await?;
        let mut c = tx.conn();
        let marked: Option<(Option<String>, String)> = c
            .fetch_optional(Sql::new(mark).bind(id).bind(reason).bind(now))
            .await?;
        let Some((contact, key)) = marked else {
            return Ok(None);
        };
        insert_audit(&mut c, audit).await?;
        let counted: Option<CountRow> = match contact {
            Some(contact) => {
                c.fetch_optional(Sql::new(count).bind(contact).bind(key))
                    .await?
            }
            None => None,
        };
        let mut out = None;
        if let Some(r) = counted
            && r.undeliverable_at.is_none()
            && r.hard_bounces >= i32::try_from(limit).unwrap_or(i32::MAX)
        {
            c.execute(
                Sql::new("UPDATE contacts SET undeliverable_at = $2 WHERE id = $1")
                    .bind(&r.contact_id)
                    .bind(now),
            )
            .await?;
            out = r.email.map(|email| Undeliverable {
                contact_id: r.contact_id,
                org_id: r.org_id,
                name: r.name,
                email,
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Contacts whose address is undeliverable: (organisation, business ID, name, email).
    pub async fn undeliverable_contacts(
        &self,
    ) -> StoreResult<Vec<(String, String, String, String)>> {
        let sql = "SELECT o.name, o.business_id, c.name, c.email FROM contacts c \
                   JOIN organisations o ON o.id = c.org_id \
                   WHERE c.undeliverable_at IS NOT NULL AND c.email IS NOT NULL ORDER BY o.name, c.name";
        Ok(self.read().fetch_all(Sql::new(sql)).await?)
    }
}
