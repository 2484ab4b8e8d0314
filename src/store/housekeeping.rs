//! Cron housekeeping: claiming each job occurrence once, the queries its jobs need, and
//! the small outbox of faultcast's own messages.

use super::error::decode;
use super::sql::Sql;
use super::states::FINISHED;
use super::turns::Writer;
use super::{Store, StoreResult};
use crate::registry::{BusinessId, OrgId, ServiceCode, UnreachableService};
use chrono::{DateTime, Utc};

/// A message to write to the system outbox.
#[derive(Clone, Debug, Default)]
pub struct NewSystemMessage {
    /// A second write with the same key is ignored: a job that runs again sends once.
    pub dedup_key: String,
    pub kind: &'static str,
    pub recipient: String,
    /// Set when the recipient is a contact, so that erasing the contact erases this.
    pub contact_id: Option<String>,
    pub subject: String,
    pub body: String,
    /// By SMS to a phone number (the body is the text), not by email.
    pub sms: bool,
    /// Sent ahead of deliveries, even during a fan-out (on-duty pages).
    pub urgent: bool,
}

/// Queues `messages` in `c` (a key already queued is left alone); how many were new.
pub(super) async fn insert_messages(
    c: &mut super::sql::Conn<'_>,
    messages: &[NewSystemMessage],
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    let sql = "INSERT INTO system_messages (dedup_key, kind, recipient, contact_id, subject, body, channel, urgent, state, next_attempt_at, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $8, $9, 'pending', $7, $7, $7) ON CONFLICT (dedup_key) DO NOTHING";
    let mut added = 0;
    for m in messages {
        added += c
            .execute(
                Sql::new(sql)
                    .bind(&m.dedup_key)
                    .bind(m.kind)
                    .bind(&m.recipient)
                    .bind(m.contact_id.as_deref())
                    .bind(&m.subject)
                    .bind(&m.body)
                    .bind(now)
                    .bind(if m.sms { "sms" } else { "email" })
                    .bind(m.urgent),
            )
            .await?;
    }
    Ok(added)
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    kind: String,
    recipient: String,
    subject: String,
    body: String,
    attempts: i32,
    created_at: DateTime<Utc>,
    channel: String,
}

/// A claimed system message.
#[derive(Clone, Debug)]
pub struct SystemMessage {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    /// By SMS (the body is the text).
    pub sms: bool,
    pub created_at: DateTime<Utc>,
}

/// What became of a system message's attempt.
#[derive(Clone, Debug)]
pub enum MessageOutcome {
    Sent,
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    /// Refused for good, or still failing at the age limit.
    Failed {
        error: String,
        dead: bool,
    },
    /// The channel is paused: no attempt is counted.
    Paused {
        at: DateTime<Utc>,
    },
}

#[derive(sqlx::FromRow)]
struct StaleRow {
    org_id: String,
    org_name: String,
    contact_id: String,
    email: String,
    language: String,
    reviewed_at: DateTime<Utc>,
}

/// An organisation's contacts not confirmed since the cut-off, with one address to write.
#[derive(Clone, Debug)]
pub struct StaleContact {
    pub org_id: String,
    pub org_name: String,
    pub contact_id: String,
    pub email: String,
    pub language: String,
    pub reviewed_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct UnreachableRow {
    org_id: String,
    name: String,
    business_id: String,
    service: String,
}

impl UnreachableRow {
    fn decode(self) -> StoreResult<UnreachableService> {
        Ok(UnreachableService {
            org_id: decode(
                "organisations.id",
                OrgId::parse(&self.org_id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            name: self.name,
            business_id: decode(
                "organisations.business_id",
                BusinessId::parse(&self.business_id),
            )?,
            service: decode(
                "organisation_services.service",
                ServiceCode::parse(&self.service),
            )?,
        })
    }
}

impl Store {
    /// The stored next occurrence of `job` and the expression it was computed from.
    pub async fn housekeeping_next(
        &self,
        job: &str,
    ) -> StoreResult<Option<(String, DateTime<Utc>)>> {
        let sql = "SELECT expression, next_due_at FROM housekeeping WHERE job = $1";
        Ok(self.read().fetch_optional(Sql::new(sql).bind(job)).await?)
    }

    /// Plans `job`'s next occurrence (first sight, or a changed expression).
    pub async fn plan_housekeeping(
        &self,
        job: &str,
        expression: &str,
        next: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO housekeeping (job, expression, next_due_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (job) DO UPDATE SET expression = $2, next_due_at = $3";
        let sql = Sql::new(sql).bind(job).bind(expression).bind(next);
        self.write(Writer::Background)
            .await?
            .conn()
            .execute(sql)
            .await?;
        Ok(())
    }

    /// Takes the occurrence `due` of `job` by moving its next occurrence to `next`; true
    /// for the one daemon that did.
    pub async fn claim_housekeeping(
        &self,
        job: &str,
        due: DateTime<Utc>,
        next: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = "UPDATE housekeeping SET next_due_at = $3, last_run_at = $4, last_outcome = 'running' \
                   WHERE job = $1 AND next_due_at = $2";
        let sql = Sql::new(sql).bind(job).bind(due).bind(next).bind(now);
        let n = self
            .write(Writer::Background)
            .await?
            .conn()
            .execute(sql)
            .await?;
        Ok(n == 1)
    }

    /// Records how a job's run ended.
    pub async fn finish_housekeeping(&self, job: &str, outcome: &str) -> StoreResult<()> {
        let sql = "UPDATE housekeeping SET last_outcome = $2 WHERE job = $1";
        let sql = Sql::new(sql).bind(job).bind(outcome);
        self.write(Writer::Background)
            .await?
            .conn()
            .execute(sql)
            .await?;
        Ok(())
    }

    /// Deletes finished delivery records and system messages last changed before
    /// `before`, `batch` rows a transaction; returns how many went.
    #[tracing::instrument(skip_all)]
    pub async fn purge_deliveries(&self, before: DateTime<Utc>, batch: u32) -> StoreResult<u64> {
        // No index on a delivery's age (each would cost every outcome a write): old ones are
        // found through their revision, which was published before they were written. CROSS
        // JOIN keeps SQLite's planner from walking every delivery to reach the revisions.
        let deliveries = format!(
            "DELETE FROM deliveries WHERE id IN (SELECT d.id FROM notice_revisions r CROSS JOIN deliveries d \
             WHERE r.published_at < $1 AND d.notice_id = r.notice_id AND d.revision = r.revision \
             AND d.updated_at < $1 AND d.state IN {} LIMIT $2)",
            *FINISHED
        );
        let messages = "DELETE FROM system_messages WHERE id IN \
                        (SELECT id FROM system_messages WHERE updated_at < $1 AND state IN ('sent', 'failed', 'dead') LIMIT $2)";
        let mut total = 0;
        for sql in [deliveries.as_str(), messages] {
            loop {
                // One batch a turn, so that requests get the writer in between.
                let q = Sql::new(sql.to_owned()).bind(before).bind(i64::from(batch));
                let n = self
                    .write(Writer::Background)
                    .await?
                    .conn()
                    .execute(q)
                    .await?;
                total += n;
                if n < u64::from(batch) {
                    break;
                }
            }
        }
        Ok(total)
    }

    /// Contacts with an email address, in active organisations, last confirmed before
    /// `before`; by organisation.
    pub async fn stale_contacts(&self, before: DateTime<Utc>) -> StoreResult<Vec<StaleContact>> {
        let sql = "SELECT o.id AS org_id, o.name AS org_name, c.id AS contact_id, c.email, c.language, c.reviewed_at \
                   FROM contacts c JOIN organisations o ON o.id = c.org_id \
                   WHERE o.state = 'active' AND c.email IS NOT NULL AND c.reviewed_at < $1 ORDER BY o.id, c.id";
        let rows: Vec<StaleRow> = self.read().fetch_all(Sql::new(sql).bind(before)).await?;
        Ok(rows
            .into_iter()
            .map(|r| StaleContact {
                org_id: r.org_id,
                org_name: r.org_name,
                contact_id: r.contact_id,
                email: r.email,
                language: r.language,
                reviewed_at: r.reviewed_at,
            })
            .collect())
    }

    /// Active organisations with a service they use for which none of their contacts
    /// would receive a fault notice by any channel (domain §2, contact hygiene).
    pub async fn unreachable(&self) -> StoreResult<Vec<UnreachableService>> {
        let sql = "SELECT o.id AS org_id, o.name, o.business_id, os.service FROM organisations o \
                   JOIN organisation_services os ON os.org_id = o.id \
                   WHERE o.state = 'active' AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.org_id = o.id AND c.wants_fault \
                     AND ((c.via_email AND c.email IS NOT NULL) OR (c.via_sms AND c.phone IS NOT NULL)) \
                     AND (c.all_services OR EXISTS (SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id AND cs.service = os.service))) \
                   ORDER BY o.name, o.id, os.service";
        let rows: Vec<UnreachableRow> = self.read().fetch_all(Sql::new(sql)).await?;
        rows.into_iter().map(UnreachableRow::decode).collect()
    }

    /// Writes messages to the system outbox (those with a known key are skipped);
    /// returns how many are new.
    pub async fn enqueue_messages(
        &self,
        messages: &[NewSystemMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin(Writer::Background).await?;
        let added = insert_messages(&mut tx.conn(), messages, now).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Leases up to `limit` due system messages until `until`, urgent ones first (only
    /// those when `urgent_only`).
    pub async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
        urgent_only: bool,
    ) -> StoreResult<Vec<SystemMessage>> {
        let mut w = self.write(Writer::Background).await?;
        let c = w.conn();
        let lock = c.dialect().pick("", " FOR UPDATE SKIP LOCKED");
        let sql = format!(
            "UPDATE system_messages SET state = 'sending', lease_until = $2, updated_at = $1 WHERE id IN \
             (SELECT id FROM system_messages WHERE recipient IS NOT NULL AND ($4 = FALSE OR urgent) AND \
              ((state = 'pending' AND next_attempt_at <= $1) OR (state = 'sending' AND lease_until < $1)) \
              ORDER BY urgent DESC, next_attempt_at LIMIT $3{lock}) \
             RETURNING id, kind, recipient, subject, body, attempts, created_at, channel"
        );
        let rows: Vec<MessageRow> = c
            .fetch_all(
                Sql::new(sql)
                    .bind(now)
                    .bind(until)
                    .bind(i64::from(limit))
                    .bind(urgent_only),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| SystemMessage {
                id: r.id,
                kind: r.kind,
                recipient: r.recipient,
                subject: r.subject,
                body: r.body,
                attempts: r.attempts,
                sms: r.channel == "sms",
                created_at: r.created_at,
            })
            .collect())
    }

    /// Records one attempt's outcome.
    pub async fn record_message(
        &self,
        m: &SystemMessage,
        outcome: &MessageOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (state, attempts, next, error) = match outcome {
            MessageOutcome::Sent => ("sent", m.attempts + 1, now, None),
            MessageOutcome::Retry { at, error } => ("pending", m.attempts + 1, *at, Some(error)),
            MessageOutcome::Failed { error, dead } => (
                if *dead { "dead" } else { "failed" },
                m.attempts + 1,
                now,
                Some(error),
            ),
            MessageOutcome::Paused { at } => ("pending", m.attempts, *at, None),
        };
        let sql = "UPDATE system_messages SET state = $2, attempts = $3, next_attempt_at = $4, last_error = COALESCE($5, last_error), \
                   lease_until = NULL, updated_at = $6 WHERE id = $1 AND state = 'sending'";
        let sql = Sql::new(sql)
            .bind(m.id)
            .bind(state)
            .bind(attempts)
            .bind(next)
            .bind(error.map(String::as_str))
            .bind(now);
        self.write(Writer::Background)
            .await?
            .conn()
            .execute(sql)
            .await?;
        Ok(())
    }
}
