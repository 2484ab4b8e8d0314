//! The secret that signs links in messages, when the configuration gives none, and what the
//! links do to the registry.

use super::audit::insert_audit;
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, Store, StoreResult};
use crate::registry::OrgId;
use chrono::{DateTime, Utc};

impl Store {
    /// The stored link secret; `candidate` becomes it when there is none yet (the first
    /// daemon to start makes it, every other reads the same).
    #[tracing::instrument(skip_all)]
    pub async fn link_secret(&self, candidate: &str, now: DateTime<Utc>) -> StoreResult<String> {
        let make = "INSERT INTO link_keys (id, secret, created_at) VALUES (1, $1, $2) \
                    ON CONFLICT (id) DO NOTHING";
        self.write(Writer::Background)
            .await?
            .conn()
            .execute(Sql::new(make).bind(candidate).bind(now))
            .await?;
        let (secret,): (String,) = self
            .read()
            .fetch_one(Sql::new("SELECT secret FROM link_keys WHERE id = 1"))
            .await?;
        Ok(secret)
    }

    /// Confirms every contact of `org` as current at `now`; how many there are.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_contacts(
        &self,
        org: OrgId,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<u64> {
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let n = c
            .execute(
                Sql::new("UPDATE contacts SET reviewed_at = $2 WHERE org_id = $1")
                    .bind(org.to_text())
                    .bind(now),
            )
            .await?;
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(n)
    }
}

impl Store {
    /// Marks the email address of contact `id` verified at `now`, if it is still `email_key`;
    /// false otherwise (changed or deleted since the link was sent).
    #[tracing::instrument(skip_all)]
    pub async fn verify_email(
        &self,
        id: crate::registry::ContactId,
        email_key: &str,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        // Someone read the address: whatever bounced before, it works now.
        let sql = "UPDATE contacts SET email_verified_at = $3, hard_bounces = 0, undeliverable_at = NULL \
                   WHERE id = $1 AND email_key = $2";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let done = c
            .execute(Sql::new(sql).bind(id.to_text()).bind(email_key).bind(now))
            .await?
            == 1;
        if done {
            insert_audit(&mut c, audit).await?;
            tx.commit().await?;
        }
        Ok(done)
    }

    /// Active organisations that hear by email, none of whose contacts has a verified email
    /// address or an SMS number: (name, business ID).
    pub async fn only_unverified(&self) -> StoreResult<Vec<(String, String)>> {
        let sql = "SELECT o.name, o.business_id FROM organisations o WHERE o.state = 'active' \
                   AND EXISTS (SELECT 1 FROM contacts c WHERE c.org_id = o.id AND c.via_email) \
                   AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.org_id = o.id \
                     AND ((c.via_email AND c.email_verified_at IS NOT NULL) OR (c.via_sms AND c.phone IS NOT NULL))) \
                   ORDER BY o.name, o.id";
        Ok(self.read().fetch_all(Sql::new(sql)).await?)
    }
}

impl Store {
    /// Counts every unverified email address of `org` as verified at `now` (an operator's
    /// bulk load from the command line).
    pub async fn attest_emails(
        &self,
        org: crate::registry::OrgId,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let sql = "UPDATE contacts SET email_verified_at = $2, verification_sent_for = email_key \
                   WHERE org_id = $1 AND email IS NOT NULL AND email_verified_at IS NULL";
        Ok(self
            .write(Writer::Request)
            .await?
            .conn()
            .execute(Sql::new(sql).bind(org.to_text()).bind(now))
            .await?)
    }
}

/// A contact whose email address awaits its verification link.
#[derive(Debug, sqlx::FromRow)]
pub struct AddressToVerify {
    pub contact_id: String,
    pub email: String,
    pub email_key: String,
    pub language: String,
    pub org_name: String,
}

impl Store {
    /// Contacts with an unverified email address no link was queued for yet; at most `limit`.
    pub async fn addresses_to_verify(&self, limit: u32) -> StoreResult<Vec<AddressToVerify>> {
        let sql = "SELECT c.id AS contact_id, c.email, c.email_key, c.language, o.name AS org_name \
                   FROM contacts c JOIN organisations o ON o.id = c.org_id \
                   WHERE c.email IS NOT NULL AND c.email_verified_at IS NULL \
                   AND (c.verification_sent_for IS NULL OR c.verification_sent_for <> c.email_key) \
                   ORDER BY c.id LIMIT $1";
        Ok(self
            .read()
            .fetch_all(Sql::new(sql).bind(i64::from(limit)))
            .await?)
    }

    /// Queues the verification `messages` and notes, for each `(contact id, email key)`, that
    /// its link is on its way — in one transaction.
    pub async fn queue_verifications(
        &self,
        sent: &[(String, String)],
        messages: &[super::NewSystemMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let note =
            "UPDATE contacts SET verification_sent_for = $2 WHERE id = $1 AND email_key = $2";
        let mut tx = self.begin(Writer::Background).await?;
        let mut c = tx.conn();
        for (id, key) in sent {
            c.execute(Sql::new(note).bind(id).bind(key)).await?;
        }
        let n = super::housekeeping::insert_messages(&mut c, messages, now).await?;
        tx.commit().await?;
        Ok(n)
    }
}
