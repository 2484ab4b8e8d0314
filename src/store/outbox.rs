//! The fan-out outbox: a leased job per revision, expanded into deliveries in batches.

use super::sql::Sql;
use super::states::{REACHED, WAITING, one};
use super::turns::Writer;
use super::{Store, StoreResult};
use crate::notices::{Action, DeliveryState, NoticeId, Revision, Sends};
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

/// Deliveries inserted per statement: 12 parameters a row stays far below both
/// databases' limits, and one statement per hundred rows instead of one per row.
const INSERT_ROWS: usize = 100;

/// `INSERT` of `rows` deliveries, 12 parameters each.
/// The `INSERT` of deliveries of revision `revision` of `notice` on `lane` to `rows`,
/// bound, made `now` and given up at `expires_at`.
pub(super) fn delivery_rows(
    (notice, revision, lane): (NoticeId, i32, i32),
    rows: &[Recipient],
    (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
) -> Sql {
    let mut q = Sql::new(insert_deliveries(rows.len()));
    for r in rows {
        q = q
            .bind(notice.to_text())
            .bind(revision)
            .bind(r.channel.code())
            .bind(&r.address)
            .bind(&r.address_key)
            .bind(r.language.code())
            .bind(&r.audience)
            .bind(r.contact_id.as_deref())
            .bind(lane)
            .bind(now)
            .bind(expires_at)
            .bind(crate::notices::delivery_reference(
                notice,
                revision,
                r.channel,
                &r.address_key,
            ));
    }
    q
}

fn insert_deliveries(rows: usize) -> String {
    let pending = one(DeliveryState::Pending);
    let values = (0..rows)
        .map(|r| {
            let p = |i: usize| format!("${}", r * 12 + i);
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, {pending}, 0, {now}, {}, {now}, {now}, {})",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5),
                p(6),
                p(7),
                p(8),
                p(9),
                p(11),
                p(12),
                now = p(10),
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO deliveries (notice_id, revision, channel, address, address_key, language, audience, \
         contact_id, lane, state, attempts, next_attempt_at, expires_at, created_at, updated_at, reference) \
         VALUES {values} ON CONFLICT (notice_id, revision, channel, address_key) DO NOTHING"
    )
}

/// An older revision not yet sent to these addresses will never be: the newer one
/// replaces it. `rows` (channel, address key) pairs from `$4`.
fn supersede_older(rows: usize) -> String {
    let pairs = (0..rows)
        .map(|r| format!("(${}, ${})", 4 + 2 * r, 5 + 2 * r))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "UPDATE deliveries SET state = {superseded}, lease_until = NULL, updated_at = $3 \
         WHERE notice_id = $1 AND revision < $2 AND state IN {waiting} \
         AND (channel, address_key) IN (VALUES {pairs})",
        superseded = one(DeliveryState::Superseded),
        waiting = *WAITING,
    )
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

    /// Writes one batch of deliveries, supersedes older unsent ones to the same addresses,
    /// and moves the job's cursor (or closes the job when `next` is `None`) — atomically,
    /// and only while `job` still holds its lease. Returns false if the lease was lost.
    #[tracing::instrument(skip_all, fields(notice = %job.notice_id, revision = job.revision, n = batch.len()))]
    pub async fn write_fanout_batch(
        &self,
        job: &FanoutJob,
        batch: &[Recipient],
        next: Option<&str>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let fence = "UPDATE fanout_jobs SET cursor = $3, done_at = $4 WHERE notice_id = $1 AND revision = $2 AND lease_owner = $5 \
                     AND step = $6 AND done_at IS NULL";
        let mut tx = self.begin(Writer::Background).await?;
        let mut c = tx.conn();
        let held = c
            .execute(
                Sql::new(fence)
                    .bind(job.notice_id.to_text())
                    .bind(job.revision)
                    .bind(next.unwrap_or(&job.cursor))
                    .bind(if next.is_none() { Some(now) } else { None })
                    .bind(&job.owner)
                    .bind(&job.step),
            )
            .await?;
        if held != 1 {
            return Ok(false);
        }
        for chunk in batch.chunks(INSERT_ROWS) {
            c.execute(delivery_rows(
                (job.notice_id, job.revision, job.lane),
                chunk,
                (now, expires_at),
            ))
            .await?;
            // The first revision has nothing older to replace.
            if job.revision > 1 {
                let mut q = Sql::new(supersede_older(chunk.len()))
                    .bind(job.notice_id.to_text())
                    .bind(job.revision)
                    .bind(now);
                for r in chunk {
                    q = q.bind(r.channel.code()).bind(&r.address_key);
                }
                c.execute(q).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
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
