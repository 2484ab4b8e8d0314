//! The maintenance reminder plan as rows, and firing a due step exactly once however many
//! daemons share the database.

use super::audit::insert_audit;
use super::error::decode;
use super::revisions::{advance_notice, insert_job, write_revision};
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, Dialect, Store, StoreResult};
use crate::notices::{NoticeId, PlanStatus, Reminder, Revision, Sends, Step, StepState};
use chrono::{DateTime, Utc};

const COLUMNS: &str =
    "notice_id, step, revision, email, sms, due_at, state, reason, fired_at, fired_revision";
/// A daemon stopped inside a firing transaction holds its row; the others give up on it
/// after this long and try again on their next round instead of queueing behind it.
const LOCK_TIMEOUT: &str = "SET LOCAL lock_timeout = '2s'";

/// What firing a due step does.
#[derive(Clone, Debug)]
pub enum Firing {
    /// Nothing goes out; the step is recorded as skipped with the reason.
    Skip(String),
    /// A fan-out job sends `revision`, which must still be the notice's current one.
    Send { revision: i32, lane: i32 },
    /// A new revision (the window's start or end), with a fan-out job for `sends`.
    Transition {
        rev: Box<Revision>,
        sends: Sends,
        audit: Box<AuditEvent>,
    },
}

#[derive(sqlx::FromRow)]
struct ReminderRow {
    notice_id: String,
    step: String,
    revision: i32,
    email: bool,
    sms: bool,
    due_at: DateTime<Utc>,
    state: String,
    reason: Option<String>,
    fired_at: Option<DateTime<Utc>>,
    fired_revision: Option<i32>,
}

impl ReminderRow {
    fn into_reminder(self) -> StoreResult<Reminder> {
        Ok(Reminder {
            notice_id: decode(
                "reminders.notice_id",
                NoticeId::parse(&self.notice_id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            step: decode("reminders.step", Step::parse(&self.step))?,
            revision: self.revision,
            sends: Sends {
                email: self.email,
                sms: self.sms,
            },
            due_at: self.due_at,
            state: decode("reminders.state", StepState::parse(&self.state))?,
            reason: self.reason,
            fired_at: self.fired_at,
            fired_revision: self.fired_revision,
        })
    }
}

impl Store {
    /// Every step ever planned for a notice, by due time.
    #[tracing::instrument(skip_all, fields(notice = %id))]
    pub async fn reminders(&self, id: NoticeId) -> StoreResult<Vec<Reminder>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM reminders WHERE notice_id = $1 ORDER BY due_at, revision, step"
        );
        let rows: Vec<ReminderRow> = self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()))
            .await?;
        rows.into_iter().map(ReminderRow::into_reminder).collect()
    }

    /// What already happened to a notice's plan, and how many steps are still planned.
    pub async fn plan_status(&self, id: NoticeId) -> StoreResult<(PlanStatus, i64)> {
        let mut status = PlanStatus::default();
        let mut planned = 0;
        for r in self.reminders(id).await? {
            match (r.state, r.step) {
                (StepState::Planned, _) => planned += 1,
                (StepState::Done, Step::Announcement) => status.announced = true,
                (StepState::Done, Step::Reminder) => status.reminded = true,
                (StepState::Done, Step::Start) => status.started = true,
                _ => {}
            }
        }
        Ok((status, planned))
    }

    /// Planned steps due at `now`, earliest first.
    #[tracing::instrument(skip_all)]
    pub async fn due_reminders(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Reminder>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM reminders WHERE state = 'planned' AND due_at <= $1 ORDER BY due_at LIMIT $2"
        );
        let rows: Vec<ReminderRow> = self
            .read()
            .fetch_all(Sql::new(sql).bind(now).bind(i64::from(limit)))
            .await?;
        rows.into_iter().map(ReminderRow::into_reminder).collect()
    }

    /// When the next planned step is due, if any.
    pub async fn next_reminder_due(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let sql = "SELECT MIN(due_at) FROM reminders WHERE state = 'planned'";
        Ok(self.read().scalar(Sql::new(sql)).await?)
    }

    /// Fires `r` as `firing` says, in one transaction: the step leaves `planned` and what
    /// it sends or creates is written, or nothing is. False when another daemon fired it
    /// first or the notice changed meanwhile (the caller reads again next round).
    #[tracing::instrument(skip_all, fields(notice = %r.notice_id, step = %r.step, revision = r.revision))]
    pub async fn fire_reminder(
        &self,
        r: &Reminder,
        firing: &Firing,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let id = r.notice_id.to_text();
        let (state, reason, fired_revision) = match firing {
            Firing::Skip(why) => (StepState::Skipped, Some(why.as_str()), None),
            Firing::Send { revision, .. } => (StepState::Done, None, Some(*revision)),
            Firing::Transition { rev, .. } => (StepState::Done, None, Some(rev.number)),
        };
        let mark = "UPDATE reminders SET state = $4, reason = COALESCE($5, reason), fired_at = $6, fired_revision = $7 \
                    WHERE notice_id = $1 AND step = $2 AND revision = $3 AND state = 'planned'";
        // Every firing first takes the notice's row, as revising does, so that a revision
        // and a firing of the same notice are serialised.
        let lock = "UPDATE notices SET updated_at = $2 WHERE id = $1 AND current_revision = $3";
        let mut tx = self.begin(Writer::Background).await?;
        let mut c = tx.conn();
        if c.dialect() == Dialect::Postgres {
            c.execute(Sql::new(LOCK_TIMEOUT)).await?;
        }
        let current = match firing {
            Firing::Transition { rev, .. } => advance_notice(&mut c, rev).await?,
            Firing::Send { revision, .. } => {
                c.execute(Sql::new(lock).bind(&id).bind(now).bind(*revision))
                    .await?
            }
            Firing::Skip(_) => 1,
        };
        if current != 1 {
            return Ok(false);
        }
        let marked = c
            .execute(
                Sql::new(mark)
                    .bind(&id)
                    .bind(r.step.code())
                    .bind(r.revision)
                    .bind(state.code())
                    .bind(reason)
                    .bind(now)
                    .bind(fired_revision),
            )
            .await?;
        if marked != 1 {
            return Ok(false);
        }
        match firing {
            Firing::Skip(_) => {}
            Firing::Send { revision, lane } => {
                insert_job(&mut c, &id, *revision, r.step.code(), r.sends, *lane, now).await?;
            }
            Firing::Transition { rev, sends, audit } => {
                write_revision(&mut c, rev, *sends, "scheduler").await?;
                insert_audit(&mut c, audit).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}
