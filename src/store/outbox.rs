//! The fan-out outbox: a leased job per revision, expanded into deliveries in batches.

use super::sql::Sql;
use super::states::REACHED;
use super::turns::Writer;
use super::{Store, StoreResult};
use crate::notices::{Action, NoticeId, Revision, Sends};
use crate::registry::{Channel, Language};
use chrono::{DateTime, Utc};

/// A claimed fan-out job.
#[derive(Clone, Debug)]
pub struct FanoutJob {
    pub notice_id: NoticeId,
    pub revision: i32,
    pub lane: i32,
    /// The last contact id (or, for a retraction, address key) already expanded.
    pub cursor: String,
    pub owner: String,
    /// `revision` (sent on publication), `announcement` or `reminder` (maintenance steps).
    pub step: String,
    /// The channels this job expands.
    pub sends: Sends,
    /// When the job was written: the start of its messages' age limit.
    pub created_at: DateTime<Utc>,
}

/// One recipient address of a revision.
#[derive(Clone, Debug)]
pub struct Recipient {
    pub channel: Channel,
    pub address: String,
    pub address_key: String,
    pub language: Language,
    pub audience: String,
    pub contact_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: String,
    email: Option<String>,
    email_key: Option<String>,
    phone: Option<String>,
    language: String,
    via_email: bool,
    via_sms: bool,
    audience: String,
}

#[derive(sqlx::FromRow)]
struct PriorRow {
    channel: String,
    address: Option<String>,
    address_key: String,
    language: String,
    audience: String,
}

fn numbered(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Leases the next open fan-out job (faults first) to `owner` until `until`.
    #[tracing::instrument(skip_all)]
    pub async fn claim_fanout_job(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<FanoutJob>> {
        type Row = (String, i32, i32, String, String, bool, bool, DateTime<Utc>);
        let mut w = self.write(Writer::Background).await?;
        let c = w.conn();
        let lock = c.dialect().pick("", " FOR UPDATE SKIP LOCKED");
        let sql = format!(
            "UPDATE fanout_jobs SET lease_owner = $1, lease_until = $2 WHERE (notice_id, revision, step) = \
             (SELECT notice_id, revision, step FROM fanout_jobs WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until < $3) \
              ORDER BY lane, created_at LIMIT 1{lock}) \
             RETURNING notice_id, revision, lane, cursor, step, email, sms, created_at"
        );
        let row: Option<Row> = c
            .fetch_optional(Sql::new(sql).bind(owner).bind(until).bind(now))
            .await?;
        Ok(match row {
            Some((id, revision, lane, cursor, step, email, sms, created_at)) => {
                NoticeId::parse(&id).map(|notice_id| FanoutJob {
                    notice_id,
                    revision,
                    lane,
                    cursor,
                    owner: owner.to_owned(),
                    step,
                    sends: Sends { email, sms },
                    created_at,
                })
            }
            None => None,
        })
    }

    /// The next `limit` recipients of `rev` after `cursor`, and the cursor after them.
    /// Targeting follows domain §4: active organisation, subscribed service and kind,
    /// organisation audience among the notice's; a retraction goes to earlier recipients.
    #[tracing::instrument(skip_all, fields(notice = %rev.notice_id, revision = rev.number))]
    pub async fn fanout_targets(
        &self,
        rev: &Revision,
        sends: Sends,
        cursor: &str,
        limit: u32,
    ) -> StoreResult<(Vec<Recipient>, Option<String>)> {
        if rev.action == Action::Cancel {
            return self.prior_recipients(rev, sends, cursor, limit).await;
        }
        let d = &rev.draft;
        let services: Vec<&str> = d.services.iter().map(|s| s.as_str()).collect();
        let audiences: Vec<&str> = d.audiences.iter().map(|a| a.code()).collect();
        let wants = match d.kind.subscription() {
            crate::registry::NoticeKind::Fault => "c.wants_fault",
            crate::registry::NoticeKind::Instruction => "c.wants_instruction",
            _ => "c.wants_maintenance",
        };
        let sql = format!(
            "SELECT c.id, c.email, c.email_key, c.phone, c.language, c.via_email, c.via_sms, o.audience \
             FROM contacts c JOIN organisations o ON o.id = c.org_id \
             WHERE c.id > $1 AND o.state = 'active' AND {wants} AND o.audience IN ({aud}) \
             AND EXISTS (SELECT 1 FROM organisation_services os WHERE os.org_id = o.id AND os.service IN ({svc}) \
                 AND (c.all_services OR EXISTS (SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id AND cs.service = os.service))) \
             ORDER BY c.id LIMIT $2",
            aud = numbered(3, audiences.len()),
            svc = numbered(3 + audiences.len(), services.len()),
        );
        let q = Sql::new(sql)
            .bind(cursor)
            .bind(i64::from(limit))
            .bind_all(audiences)
            .bind_all(services);
        let rows: Vec<TargetRow> = self.read().fetch_all(q).await?;
        let next = if rows.len() == limit as usize {
            rows.last().map(|r| r.id.clone())
        } else {
            None
        };
        let mut out = Vec::with_capacity(rows.len() * 2);
        for r in rows {
            let language = Language::parse(&r.language)
                .ok()
                .filter(|l| d.texts.title.contains_key(l))
                .unwrap_or(Language::Fi);
            if let (true, true, Some(email), Some(key)) =
                (sends.email, r.via_email, r.email, r.email_key)
            {
                out.push(Recipient {
                    channel: Channel::Email,
                    address: email,
                    address_key: key,
                    language,
                    audience: r.audience.clone(),
                    contact_id: Some(r.id.clone()),
                });
            }
            if let (true, true, Some(phone)) = (sends.sms, r.via_sms, r.phone) {
                out.push(Recipient {
                    channel: Channel::Sms,
                    address: phone.clone(),
                    address_key: phone,
                    language,
                    audience: r.audience.clone(),
                    contact_id: Some(r.id.clone()),
                });
            }
        }
        Ok((out, next))
    }

    async fn prior_recipients(
        &self,
        rev: &Revision,
        sends: Sends,
        cursor: &str,
        limit: u32,
    ) -> StoreResult<(Vec<Recipient>, Option<String>)> {
        let sql = format!(
            "SELECT channel, MAX(address) AS address, address_key, MAX(language) AS language, MAX(audience) AS audience FROM deliveries \
             WHERE notice_id = $1 AND revision < $2 AND state IN {} AND address IS NOT NULL \
             AND address_key > $3 GROUP BY address_key, channel ORDER BY address_key, channel LIMIT $4",
            *REACHED
        );
        let q = Sql::new(sql)
            .bind(rev.notice_id.to_text())
            .bind(rev.number)
            .bind(cursor)
            .bind(i64::from(limit));
        let rows: Vec<PriorRow> = self.read().fetch_all(q).await?;
        // An address key belongs to one channel (emails hold '@', phones start with '+').
        let next = if rows.len() == limit as usize {
            rows.last().map(|r| r.address_key.clone())
        } else {
            None
        };
        let out = rows
            .into_iter()
            .filter_map(|r| {
                let channel = Channel::parse(&r.channel).ok()?;
                let wanted = match channel {
                    Channel::Email => sends.email,
                    Channel::Sms => sends.sms,
                };
                if !wanted {
                    return None;
                }
                Some(Recipient {
                    channel,
                    address: r.address?,
                    address_key: r.address_key,
                    language: Language::parse(&r.language).unwrap_or(Language::Fi),
                    audience: r.audience,
                    contact_id: None,
                })
            })
            .collect();
        Ok((out, next))
    }

    /// Whether any fan-out job is still being expanded (by this daemon or another).
    pub async fn fanout_open(&self) -> StoreResult<bool> {
        let sql = "SELECT COUNT(*) FROM (SELECT 1 FROM fanout_jobs WHERE done_at IS NULL LIMIT 1) AS open";
        let n: i64 = self.read().scalar(Sql::new(sql)).await?;
        Ok(n > 0)
    }

    /// True once every job written for the revision so far has given each of its
    /// recipients a delivery row (false while none is written: nothing sent yet).
    pub async fn fanout_complete(&self, id: NoticeId, revision: i32) -> StoreResult<bool> {
        let sql = "SELECT COUNT(*), COUNT(done_at) FROM fanout_jobs WHERE notice_id = $1 AND revision = $2";
        let (all, done): (i64, i64) = self
            .read()
            .fetch_one(Sql::new(sql).bind(id.to_text()).bind(revision))
            .await?;
        Ok(all > 0 && all == done)
    }
}
