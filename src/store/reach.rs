//! Reach per organisation: how far a notice got with each organisation it was sent to, the
//! phones to call, and escalating an organisation that has not acknowledged in time — once,
//! whichever daemon looks first.

use super::audit::insert_audit;
use super::error::decode;
use super::expansion::delivery_rows;
use super::housekeeping::insert_messages;
use super::outbox::Recipient;
use super::sql::Sql;
use super::states::one;
use super::turns::Writer;
use super::{AuditEvent, NewSystemMessage, Store, StoreResult};
use crate::notices::{DeliveryState, DueEscalation, NoticeId, NoticeState, OrganisationReach};
use crate::registry::{NoticeKind, OrgId};
use chrono::{DateTime, Utc};
use std::sync::LazyLock;

/// The notice states after which nobody is escalated any more.
static FINAL: LazyLock<String> = LazyLock::new(|| {
    let codes: Vec<String> = NoticeState::ALL
        .iter()
        .filter(|s| s.is_final())
        .map(|s| format!("'{}'", s.code()))
        .collect();
    format!("({})", codes.join(", "))
});

/// The notices that ask to be acknowledged (`Revision::asks_acknowledgement`).
fn asks_acknowledgement() -> String {
    format!(
        "(n.kind = '{}' OR (n.kind = '{}' AND n.severity = 'critical'))",
        NoticeKind::Instruction.code(),
        NoticeKind::Fault.code()
    )
}

#[derive(sqlx::FromRow)]
struct ReachRow {
    org_id: String,
    name: String,
    business_id: String,
    reached: i64,
    acknowledged_at: Option<DateTime<Utc>>,
    escalated_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    notice_id: String,
    revision: i32,
    org_id: String,
}

fn org_id(field: &'static str, text: &str) -> StoreResult<OrgId> {
    decode(
        field,
        OrgId::parse(text).ok_or_else(|| "not a uuid".to_owned()),
    )
}

/// An escalation to queue: the SMS deliveries of the revision to add and the emails to the
/// organisation's portal admins.
#[derive(Debug)]
pub struct EscalationPlan<'a> {
    pub due: &'a DueEscalation,
    pub texts: &'a [Recipient],
    pub lane: i32,
    pub expires_at: DateTime<Utc>,
    pub messages: &'a [NewSystemMessage],
}

impl Store {
    /// Every organisation notice `id` was sent to, with how far it got there.
    #[tracing::instrument(skip_all)]
    pub async fn reach(&self, id: NoticeId) -> StoreResult<Vec<OrganisationReach>> {
        let sql = format!(
            "SELECT o.id AS org_id, o.name, o.business_id, \
             CAST(MAX(CASE WHEN (d.channel = 'email' AND d.state = {sent}) OR (d.channel = 'sms' AND d.state = {delivered}) \
             THEN 1 ELSE 0 END) AS BIGINT) AS reached, \
             (SELECT MIN(a.acknowledged_at) FROM acknowledgements a WHERE a.notice_id = $1 AND a.org_id = o.id) AS acknowledged_at, \
             (SELECT MIN(e.escalated_at) FROM escalations e WHERE e.notice_id = $1 AND e.org_id = o.id) AS escalated_at \
             FROM deliveries d JOIN contacts c ON c.id = d.contact_id JOIN organisations o ON o.id = c.org_id \
             WHERE d.notice_id = $1 GROUP BY o.id, o.name, o.business_id ORDER BY o.name, o.id",
            sent = one(DeliveryState::Sent),
            delivered = one(DeliveryState::Delivered),
        );
        let rows: Vec<ReachRow> = self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()))
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(OrganisationReach {
                    org: org_id("organisations.id", &r.org_id)?,
                    name: r.name,
                    business_id: r.business_id,
                    reached: r.reached > 0,
                    acknowledged_at: r.acknowledged_at,
                    escalated_at: r.escalated_at,
                })
            })
            .collect()
    }

    /// The notices published between `after` and `before` that ask to be acknowledged and
    /// are not over, with each organisation they were sent to that has neither acknowledged
    /// nor been escalated; at most `limit`.
    #[tracing::instrument(skip_all)]
    pub async fn due_escalations(
        &self,
        (after, before): (DateTime<Utc>, DateTime<Utc>),
        limit: u32,
    ) -> StoreResult<Vec<DueEscalation>> {
        let sql = format!(
            "SELECT n.id AS notice_id, n.current_revision AS revision, c.org_id \
             FROM notices n JOIN deliveries d ON d.notice_id = n.id JOIN contacts c ON c.id = d.contact_id \
             WHERE {asks} AND n.state NOT IN {final_states} AND n.created_at > $1 AND n.created_at <= $2 \
             AND NOT EXISTS (SELECT 1 FROM acknowledgements a WHERE a.notice_id = n.id AND a.org_id = c.org_id) \
             AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.notice_id = n.id AND e.org_id = c.org_id) \
             GROUP BY n.id, n.current_revision, c.org_id ORDER BY n.id, c.org_id LIMIT $3",
            asks = asks_acknowledgement(),
            final_states = *FINAL,
        );
        let rows: Vec<DueRow> = self
            .read()
            .fetch_all(
                Sql::new(sql)
                    .bind(after)
                    .bind(before)
                    .bind(i64::from(limit)),
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(DueEscalation {
                    notice: decode(
                        "notices.id",
                        NoticeId::parse(&r.notice_id).ok_or_else(|| "not a uuid".to_owned()),
                    )?,
                    revision: r.revision,
                    org: org_id("contacts.org_id", &r.org_id)?,
                })
            })
            .collect()
    }

    /// The contacts with a phone of every organisation notice `id` was sent to: (organisation,
    /// name, phone), for a call.
    pub async fn phones_for(&self, id: NoticeId) -> StoreResult<Vec<(String, String, String)>> {
        let sql = "SELECT c.org_id, c.name, c.phone FROM contacts c WHERE c.phone IS NOT NULL AND c.org_id IN \
                   (SELECT c2.org_id FROM deliveries d JOIN contacts c2 ON c2.id = d.contact_id WHERE d.notice_id = $1) \
                   ORDER BY c.org_id, c.name, c.id";
        Ok(self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()))
            .await?)
    }

    /// The SMS address keys revision `revision` of notice `id` has deliveries to.
    pub async fn texted(&self, id: NoticeId, revision: i32) -> StoreResult<Vec<String>> {
        let sql = "SELECT address_key FROM deliveries WHERE notice_id = $1 AND revision = $2 AND channel = 'sms'";
        let rows: Vec<(String,)> = self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()).bind(revision))
            .await?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    /// The latest delivery of notice `id` to each contact of `org` (delivery id, contact id).
    pub async fn deliveries_to_org(
        &self,
        id: NoticeId,
        org: OrgId,
    ) -> StoreResult<Vec<(i64, String)>> {
        let sql = "SELECT MAX(d.id), d.contact_id FROM deliveries d JOIN contacts c ON c.id = d.contact_id \
                   WHERE d.notice_id = $1 AND c.org_id = $2 GROUP BY d.contact_id";
        Ok(self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()).bind(org.to_text()))
            .await?)
    }

    /// Escalates as `plan` says, with its audit record, unless the organisation was
    /// escalated for the notice already (by this daemon or another): then nothing is written
    /// and the answer is false.
    #[tracing::instrument(skip_all)]
    pub async fn escalate(
        &self,
        plan: &EscalationPlan<'_>,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let claim = "INSERT INTO escalations (notice_id, org_id, revision, escalated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (notice_id, org_id) DO NOTHING";
        let due = plan.due;
        let mut tx = self.begin(Writer::Background).await?;
        let mut c = tx.conn();
        let claimed = c
            .execute(
                Sql::new(claim)
                    .bind(due.notice.to_text())
                    .bind(due.org.to_text())
                    .bind(due.revision)
                    .bind(now),
            )
            .await?;
        if claimed != 1 {
            return Ok(false);
        }
        if !plan.texts.is_empty() {
            c.execute(delivery_rows(
                c.dialect(),
                (due.notice, due.revision, plan.lane),
                plan.texts,
                (now, plan.expires_at),
                None,
            ))
            .await?;
        }
        insert_messages(&mut c, plan.messages, now).await?;
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
