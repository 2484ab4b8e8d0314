//! The maintenance reminder plan as rows, and firing a due step exactly once however many
//! daemons share the database.

use super::audit::insert_audit;
use super::error::decode;
use super::notices::{INSERT_JOB, advance_notice, write_revision};
use super::{AuditEvent, Store, StoreResult, on_db};
use crate::notices::{NoticeId, PlanStatus, Revision, Sends, Step, StepState};
use chrono::{DateTime, Utc};

pub(super) const COUNT_PLANNED: &str =
    "SELECT COUNT(*) FROM reminders WHERE notice_id = $1 AND state = 'planned'";
pub(super) const INSERT_STEP: &str = "INSERT INTO reminders (notice_id, step, revision, email, sms, due_at, state, reason) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
pub(super) const SKIP_PLANNED: &str = "UPDATE reminders SET state = 'skipped', reason = $2 WHERE notice_id = $1 AND state = 'planned'";
const COLUMNS: &str =
    "notice_id, step, revision, email, sms, due_at, state, reason, fired_at, fired_revision";
/// A daemon stopped inside a firing transaction holds its row; the others give up on it
/// after this long and try again on their next round instead of queueing behind it.
const LOCK_TIMEOUT: &str = "SET LOCAL lock_timeout = '2s'";

/// Writes the steps `$steps` planned by revision `$revision` inside `$tx`.
macro_rules! insert_plan {
    ($tx:expr, $id:expr, $revision:expr, $steps:expr) => {{
        let steps: &[crate::notices::PlannedStep] = $steps;
        for st in steps {
            sqlx::query(super::reminders::INSERT_STEP)
                .bind($id.to_text())
                .bind(st.step.code())
                .bind($revision)
                .bind(st.sends.email)
                .bind(st.sends.sms)
                .bind(st.due_at)
                .bind(st.state.code())
                .bind(st.reason.as_deref())
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(super) use insert_plan;

/// Marks every planned step of a notice skipped with `$reason` inside `$tx`.
macro_rules! skip_planned {
    ($tx:expr, $id:expr, $reason:expr) => {{
        sqlx::query(super::reminders::SKIP_PLANNED)
            .bind($id.to_text())
            .bind($reason)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(super) use skip_planned;

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    pub notice_id: NoticeId,
    pub step: Step,
    /// The revision that planned it.
    pub revision: i32,
    pub sends: Sends,
    pub due_at: DateTime<Utc>,
    pub state: StepState,
    pub reason: Option<String>,
    pub fired_at: Option<DateTime<Utc>>,
    /// The revision it sent (announcement, reminder) or created (start, end).
    pub fired_revision: Option<i32>,
}

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
        let rows: Vec<ReminderRow> = on_db!(self, |p, d| sqlx::query_as(&sql)
            .bind(id.to_text())
            .fetch_all(p)
            .await?);
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
        let rows: Vec<ReminderRow> = on_db!(self, |p, d| sqlx::query_as(&sql)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(ReminderRow::into_reminder).collect()
    }

    /// When the next planned step is due, if any.
    pub async fn next_reminder_due(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let sql = "SELECT MIN(due_at) FROM reminders WHERE state = 'planned'";
        let next: Option<DateTime<Utc>> =
            on_db!(self, |p, d| sqlx::query_scalar(sql).fetch_one(p).await?);
        Ok(next)
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
        let fired = on_db!(background self, |p, dialect| {
            let mut tx = p.begin().await?;
            if dialect == super::Dialect::Postgres {
                sqlx::query(LOCK_TIMEOUT).execute(&mut *tx).await?;
            }
            let current = match firing {
                Firing::Transition { rev, .. } => advance_notice!(tx, rev),
                Firing::Send { revision, .. } => sqlx::query(lock)
                    .bind(&id)
                    .bind(now)
                    .bind(revision)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                Firing::Skip(_) => 1,
            };
            let marked = if current == 1 {
                sqlx::query(mark)
                    .bind(&id)
                    .bind(r.step.code())
                    .bind(r.revision)
                    .bind(state.code())
                    .bind(reason)
                    .bind(now)
                    .bind(fired_revision)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            } else {
                0
            };
            if marked == 1 {
                match firing {
                    Firing::Skip(_) => {}
                    Firing::Send { revision, lane } => {
                        sqlx::query(INSERT_JOB)
                            .bind(&id)
                            .bind(revision)
                            .bind(r.step.code())
                            .bind(r.sends.email)
                            .bind(r.sends.sms)
                            .bind(lane)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Firing::Transition { rev, sends, audit } => {
                        write_revision!(tx, rev, *sends, "scheduler");
                        insert_audit!(tx, audit)?;
                    }
                }
                tx.commit().await?;
            }
            marked == 1
        });
        Ok(fired)
    }
}
