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
