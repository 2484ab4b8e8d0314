//! Writing one expanded batch of a fan-out job: its deliveries, the older revisions they
//! replace and the job's cursor, in one transaction. A batch written for the sender is
//! already leased to it, so a first attempt costs no claim: the outcome is its only other
//! write.

use super::deliveries::ClaimedDelivery;
use super::error::decode;
use super::outbox::{FanoutJob, Recipient};
use super::sql::Sql;
use super::states::{WAITING, one};
use super::turns::Writer;
use super::{Dialect, Store, StoreResult};
use crate::notices::{DeliveryState, NoticeId};
use crate::registry::{Address, Audience, Channel};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Deliveries inserted per statement on PostgreSQL: 12 parameters a row stays far below
/// its limit, and one statement per hundred rows instead of one per row.
const INSERT_ROWS: usize = 100;
/// Parameters of one inserted row.
const ROW_PARAMS: usize = 12;

/// What becomes of an expanded batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handover {
    /// Written waiting (`pending`), for any daemon's claim.
    Queue,
    /// Written leased until then to the daemon that expanded it (`sending`, attempt 1),
    /// and handed to its sender.
    Lease(DateTime<Utc>),
}

/// The `INSERT` of deliveries of revision `revision` of `notice` on `lane` to `rows`,
/// bound, made `now` and given up at `expires_at`, waiting (no lease) or leased until it.
/// On SQLite the rows go as one JSON parameter: SQLite finds a numbered parameter by
/// walking a list of all of them, so binding a statement of n parameters costs n²/2 steps,
/// which dominated a fan-out's CPU with a hundred rows of twelve.
pub(super) fn delivery_rows(
    dialect: Dialect,
    (notice, revision, lane): (NoticeId, i32, i32),
    rows: &[Recipient],
    (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
    lease: Option<DateTime<Utc>>,
) -> Sql {
    if dialect == Dialect::Sqlite {
        return json_delivery_rows((notice, revision, lane), rows, (now, expires_at), lease);
    }
    let mut q = Sql::new(insert_deliveries(rows.len(), lease.is_some()));
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
    match lease {
        Some(until) => q.bind(until),
        None => q,
    }
}

/// SQLite's form of `delivery_rows`: eight parameters, the rows a JSON array of arrays.
fn json_delivery_rows(
    (notice, revision, lane): (NoticeId, i32, i32),
    rows: &[Recipient],
    (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
    lease: Option<DateTime<Utc>>,
) -> Sql {
    let values: Vec<[Option<String>; 7]> = rows
        .iter()
        .map(|r| {
            [
                Some(r.channel.code().to_owned()),
                Some(r.address.clone()),
                Some(r.address_key.clone()),
                Some(r.language.code().to_owned()),
                Some(r.audience.clone()),
                r.contact_id.clone(),
                Some(crate::notices::delivery_reference(
                    notice,
                    revision,
                    r.channel,
                    &r.address_key,
                )),
            ]
        })
        .collect();
    let json = serde_json::to_string(&values).unwrap_or_else(|_| "[]".into());
    let (state, attempts) = match lease {
        Some(_) => (one(DeliveryState::Sending), 1),
        None => (one(DeliveryState::Pending), 0),
    };
    let returning = if lease.is_some() {
        " RETURNING id, channel, address_key"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO deliveries (notice_id, revision, channel, address, address_key, language, audience, \
         contact_id, lane, state, attempts, lease_until, next_attempt_at, expires_at, created_at, updated_at, reference) \
         SELECT $1, $2, r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, \
         $3, {state}, {attempts}, $4, $5, $6, $5, $5, r.value ->> 6 FROM json_each($7) AS r WHERE true \
         ON CONFLICT (notice_id, revision, channel, address_key) DO NOTHING{returning}"
    );
    Sql::new(sql)
        .bind(notice.to_text())
        .bind(revision)
        .bind(lane)
        .bind(lease)
        .bind(now)
        .bind(expires_at)
        .bind(json)
}

fn insert_deliveries(rows: usize, leased: bool) -> String {
    let lease = format!("${}", rows * ROW_PARAMS + 1);
    let (state, attempts, lease_until) = match leased {
        true => (one(DeliveryState::Sending), 1, lease.as_str()),
        false => (one(DeliveryState::Pending), 0, "NULL"),
    };
    let values = (0..rows)
        .map(|r| {
            let p = |i: usize| format!("${}", r * ROW_PARAMS + i);
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, {state}, {attempts}, {lease_until}, {now}, {}, {now}, {now}, {})",
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
    let returning = if leased {
        " RETURNING id, channel, address_key"
    } else {
        ""
    };
    format!(
        "INSERT INTO deliveries (notice_id, revision, channel, address, address_key, language, audience, \
         contact_id, lane, state, attempts, lease_until, next_attempt_at, expires_at, created_at, updated_at, reference) \
         VALUES {values} ON CONFLICT (notice_id, revision, channel, address_key) DO NOTHING{returning}"
    )
}

/// An older revision not yet sent to these addresses will never be: the newer one
/// replaces it. `rows` (channel, address key) pairs from `$4` (on SQLite, one JSON array
/// of pairs in `$4`).
fn supersede_older(dialect: Dialect, rows: usize) -> String {
    let pairs = match dialect {
        Dialect::Sqlite => "SELECT p.value ->> 0, p.value ->> 1 FROM json_each($4) AS p".into(),
        Dialect::Postgres => {
            let values = (0..rows)
                .map(|r| format!("(${}, ${})", 4 + 2 * r, 5 + 2 * r))
                .collect::<Vec<_>>()
                .join(", ");
            format!("VALUES {values}")
        }
    };
    format!(
        "UPDATE deliveries SET state = {superseded}, lease_until = NULL, updated_at = $3 \
         WHERE notice_id = $1 AND revision < $2 AND state IN {waiting} \
         AND (channel, address_key) IN ({pairs})",
        superseded = one(DeliveryState::Superseded),
        waiting = *WAITING,
    )
}

/// The leased deliveries an insert returned (`id`, channel, address key), as the sender
/// takes them. An address two contacts share was inserted once and is handed over once.
fn handed(
    job: &FanoutJob,
    batch: &[Recipient],
    inserted: Vec<(i64, String, String)>,
    expires_at: DateTime<Utc>,
) -> StoreResult<Vec<ClaimedDelivery>> {
    let by_key: HashMap<(&str, &str), &Recipient> = batch
        .iter()
        .rev()
        .map(|r| ((r.channel.code(), r.address_key.as_str()), r))
        .collect();
    let mut out = Vec::with_capacity(inserted.len());
    for (id, channel, key) in inserted {
        let Some(&r) = by_key.get(&(channel.as_str(), key.as_str())) else {
            continue; // cannot happen: every inserted row came from the batch
        };
        let channel = decode("deliveries.channel", Channel::parse(&channel))?;
        out.push(ClaimedDelivery {
            id,
            notice_id: job.notice_id,
            revision: job.revision,
            address: decode("deliveries.address", Address::parse(channel, &r.address))?,
            address_key: r.address_key.clone(),
            language: r.language,
            audience: decode("organisations.audience", Audience::parse(&r.audience))?,
            attempt: 1,
            expires_at,
        });
    }
    Ok(out)
}

impl Store {
    /// Writes one batch of deliveries, supersedes older unsent ones to the same addresses,
    /// moves the job's cursor (or closes the job when `next` is `None`) and releases the
    /// job for the next batch — atomically, and only while `job` still holds its lease at
    /// the cursor it read from. Returns `None` if the lease was lost, else the deliveries
    /// handed over (none when queued). A batch of a revision that a newer one has already
    /// reached is queued whatever `handover` says: claims skip what a newer revision
    /// replaces.
    #[tracing::instrument(skip_all, fields(notice = %job.notice_id, revision = job.revision, n = batch.len()))]
    pub async fn write_fanout_batch(
        &self,
        job: &FanoutJob,
        batch: &[Recipient],
        next: Option<&str>,
        (now, expires_at): (DateTime<Utc>, DateTime<Utc>),
        handover: Handover,
    ) -> StoreResult<Option<Vec<ClaimedDelivery>>> {
        let fence = "UPDATE fanout_jobs SET cursor = $3, done_at = $4, lease_until = NULL \
                     WHERE notice_id = $1 AND revision = $2 AND lease_owner = $5 \
                     AND step = $6 AND cursor = $7 AND done_at IS NULL";
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
                    .bind(&job.step)
                    .bind(&job.cursor),
            )
            .await?;
        if held != 1 {
            return Ok(None);
        }
        let mut lease = match handover {
            Handover::Lease(until) => Some(until),
            Handover::Queue => None,
        };
        if lease.is_some() && job.revision > 1 {
            let newer: Option<(i32,)> = c
                .fetch_optional(
                    Sql::new(
                        "SELECT revision FROM notice_revisions WHERE notice_id = $1 AND revision > $2 LIMIT 1",
                    )
                    .bind(job.notice_id.to_text())
                    .bind(job.revision),
                )
                .await?;
            if newer.is_some() {
                lease = None;
            }
        }
        let mut inserted: Vec<(i64, String, String)> = Vec::new();
        let dialect = c.dialect();
        let rows_per_insert = match dialect {
            Dialect::Sqlite => batch.len().max(1),
            Dialect::Postgres => INSERT_ROWS,
        };
        for chunk in batch.chunks(rows_per_insert) {
            let insert = delivery_rows(
                dialect,
                (job.notice_id, job.revision, job.lane),
                chunk,
                (now, expires_at),
                lease,
            );
            match lease {
                Some(_) => inserted.extend(c.fetch_all::<(i64, String, String)>(insert).await?),
                None => {
                    c.execute(insert).await?;
                }
            }
            // The first revision has nothing older to replace.
            if job.revision > 1 {
                let q = Sql::new(supersede_older(dialect, chunk.len()))
                    .bind(job.notice_id.to_text())
                    .bind(job.revision)
                    .bind(now);
                let q = match dialect {
                    Dialect::Sqlite => {
                        let pairs: Vec<[&str; 2]> = chunk
                            .iter()
                            .map(|r| [r.channel.code(), r.address_key.as_str()])
                            .collect();
                        q.bind(serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into()))
                    }
                    Dialect::Postgres => chunk
                        .iter()
                        .fold(q, |q, r| q.bind(r.channel.code()).bind(&r.address_key)),
                };
                c.execute(q).await?;
            }
        }
        tx.commit().await?;
        handed(job, batch, inserted, expires_at).map(Some)
    }
}
