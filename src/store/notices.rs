//! Notices and their revisions. A revision and its fan-out job commit together.

use super::audit::insert_audit;
use super::error::decode;
use super::reminders::{insert_plan, skip_planned};
use super::{AuditEvent, DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult, on_db};
use crate::notices::{Action, NoticeDraft, NoticeId, PlannedStep, Revision, Sends};
use crate::registry::NoticeKind;
use chrono::{DateTime, Utc};

/// Which notices a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeFilter {
    /// Not ended, and (for maintenance) the window has begun.
    Active,
    /// Maintenance whose window has not begun.
    Upcoming,
    /// Resolved, completed, withdrawn or cancelled.
    Ended,
    All,
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    notice_id: String,
    revision: i32,
    action: String,
    content: String,
    sms: bool,
    published_at: DateTime<Utc>,
}

impl RevisionRow {
    fn into_revision(self) -> StoreResult<Revision> {
        Ok(Revision {
            notice_id: decode(
                "notice_revisions.notice_id",
                NoticeId::parse(&self.notice_id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            number: self.revision,
            action: decode("notice_revisions.action", Action::parse(&self.action))?,
            draft: decode(
                "notice_revisions.content",
                serde_json::from_str::<NoticeDraft>(&self.content).map_err(|e| e.to_string()),
            )?,
            sms: self.sms,
            published_at: self.published_at,
        })
    }
}

pub(super) const INSERT_REVISION: &str = "INSERT INTO notice_revisions (notice_id, revision, action, content, sms, published_at, actor) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub(super) const INSERT_JOB: &str = "INSERT INTO fanout_jobs (notice_id, revision, step, email, sms, lane, cursor, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, '', $7)";
pub(super) const CLEAR_SERVICES: &str = "DELETE FROM notice_services WHERE notice_id = $1";
pub(super) const ADD_SERVICE: &str =
    "INSERT INTO notice_services (notice_id, service) VALUES ($1, $2)";

/// Writes the revision and the notice's services inside `$tx`, and a fan-out job for the
/// channels in `$sends` unless there are none.
macro_rules! write_revision {
    ($tx:expr, $rev:expr, $sends:expr, $actor:expr) => {{
        let r: &Revision = $rev;
        let content = serde_json::to_string(&r.draft)
            .map_err(|e| $crate::store::StoreError::Other(e.into()))?;
        sqlx::query($crate::store::notices::INSERT_REVISION)
            .bind(r.notice_id.to_text())
            .bind(r.number)
            .bind(r.action.code())
            .bind(content)
            .bind(r.sms)
            .bind(r.published_at)
            .bind($actor)
            .execute(&mut *$tx)
            .await?;
        sqlx::query($crate::store::notices::CLEAR_SERVICES)
            .bind(r.notice_id.to_text())
            .execute(&mut *$tx)
            .await?;
        for s in &r.draft.services {
            sqlx::query($crate::store::notices::ADD_SERVICE)
                .bind(r.notice_id.to_text())
                .bind(s.as_str())
                .execute(&mut *$tx)
                .await?;
        }
        let sends: crate::notices::Sends = $sends;
        if !sends.is_none() {
            sqlx::query($crate::store::notices::INSERT_JOB)
                .bind(r.notice_id.to_text())
                .bind(r.number)
                .bind("revision")
                .bind(sends.email)
                .bind(sends.sms)
                .bind(crate::notices::lane(r.draft.kind))
                .bind(r.published_at)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(super) use write_revision;

/// Inside `$tx`, makes `$rev` the notice's current revision, provided the current one is
/// still `$rev.number - 1`; evaluates to the rows changed (0: another revision won).
macro_rules! advance_notice {
    ($tx:expr, $rev:expr) => {{
        let r: &Revision = $rev;
        let d = &r.draft;
        sqlx::query(
            "UPDATE notices SET severity = $2, state = $3, current_revision = $4, started_at = $5, ended_at = $6, \
             window_start = $7, window_end = $8, updated_at = $9 WHERE id = $1 AND current_revision = $10",
        )
        .bind(r.notice_id.to_text())
        .bind(d.severity.code())
        .bind(d.state.code())
        .bind(r.number)
        .bind(d.started_at)
        .bind(d.ended_at)
        .bind(d.window_start)
        .bind(d.window_end)
        .bind(r.published_at)
        .bind(r.number - 1)
        .execute(&mut *$tx)
        .await?
        .rows_affected()
    }};
}
pub(super) use advance_notice;

/// What a new revision does to the notice's reminder plan.
#[derive(Clone, Debug, Default)]
pub struct PlanChange {
    /// How many steps the caller saw planned; if a step fired meanwhile, the revision is
    /// not written (the caller re-reads and decides again).
    pub expect_planned: i64,
    /// Steps replacing every planned one, which are skipped with `reason`.
    pub replace: Option<(Vec<PlannedStep>, String)>,
}

impl Store {
    /// Stores a new notice with revision 1 and its fan-out job, in one transaction.
    #[tracing::instrument(skip_all, fields(notice = %rev.notice_id))]
    pub async fn publish_notice(
        &self,
        rev: &Revision,
        sends: Sends,
        plan: &[PlannedStep],
        actor: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let d = &rev.draft;
        let sql = "INSERT INTO notices (id, kind, severity, state, current_revision, started_at, ended_at, window_start, window_end, \
                   created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)";
        on_db!(writer self, |p, dialect| {
            let mut tx = p.begin().await?;
            sqlx::query(sql)
                .bind(rev.notice_id.to_text())
                .bind(d.kind.code())
                .bind(d.severity.code())
                .bind(d.state.code())
                .bind(rev.number)
                .bind(d.started_at)
                .bind(d.ended_at)
                .bind(d.window_start)
                .bind(d.window_end)
                .bind(rev.published_at)
                .execute(&mut *tx)
                .await?;
            write_revision!(tx, rev, sends, actor);
            insert_plan!(tx, rev.notice_id, rev.number, plan);
            insert_audit!(tx, audit)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Appends revision `rev.number`, which must follow `rev.number - 1` as the notice's
    /// current revision; false if another revision got there first (the caller retries).
    #[tracing::instrument(skip_all, fields(notice = %rev.notice_id, revision = rev.number))]
    pub async fn add_revision(
        &self,
        rev: &Revision,
        sends: Sends,
        plan: &PlanChange,
        actor: &str,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let done = on_db!(writer self, |p, dialect| {
            let mut tx = p.begin().await?;
            let n = advance_notice!(tx, rev);
            let planned: i64 = if n == 1 {
                sqlx::query_scalar(super::reminders::COUNT_PLANNED)
                    .bind(rev.notice_id.to_text())
                    .fetch_one(&mut *tx)
                    .await?
            } else {
                0
            };
            let ok = n == 1 && planned == plan.expect_planned;
            if ok {
                write_revision!(tx, rev, sends, actor);
                if let Some((steps, reason)) = &plan.replace {
                    skip_planned!(tx, rev.notice_id, reason);
                    insert_plan!(tx, rev.notice_id, rev.number, steps);
                }
                insert_audit!(tx, audit)?;
                tx.commit().await?;
            }
            ok
        });
        Ok(done)
    }

    /// Every revision of a notice, oldest first; empty if there is no such notice.
    #[tracing::instrument(skip_all, fields(notice = %id))]
    pub async fn notice_revisions(&self, id: NoticeId) -> StoreResult<Vec<Revision>> {
        let sql = "SELECT notice_id, revision, action, content, sms, published_at FROM notice_revisions WHERE notice_id = $1 ORDER BY revision";
        let rows: Vec<RevisionRow> = on_db!(self, |p, d| sqlx::query_as(sql)
            .bind(id.to_text())
            .fetch_all(p)
            .await?);
        rows.into_iter().map(RevisionRow::into_revision).collect()
    }

    /// One revision.
    pub async fn notice_revision(
        &self,
        id: NoticeId,
        number: i32,
    ) -> StoreResult<Option<Revision>> {
        let sql = "SELECT notice_id, revision, action, content, sms, published_at FROM notice_revisions WHERE notice_id = $1 AND revision = $2";
        let row: Option<RevisionRow> = on_db!(self, |p, d| sqlx::query_as(sql)
            .bind(id.to_text())
            .bind(number)
            .fetch_optional(p)
            .await?);
        row.map(RevisionRow::into_revision).transpose()
    }

    /// The latest revision of each notice, newest notices first.
    #[tracing::instrument(skip_all)]
    pub async fn list_notices(
        &self,
        filter: NoticeFilter,
        kind: Option<NoticeKind>,
        service: Option<&str>,
        now: DateTime<Utc>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> StoreResult<Page<Revision>> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let in_finals = "('resolved', 'completed', 'withdrawn', 'cancelled')";
        let state_clause = match filter {
            NoticeFilter::Active => format!(
                "n.state NOT IN {in_finals} AND (n.kind <> 'maintenance' OR n.window_start <= $1)"
            ),
            NoticeFilter::Upcoming => format!(
                "n.state NOT IN {in_finals} AND n.kind = 'maintenance' AND n.window_start > $1"
            ),
            NoticeFilter::Ended => format!("n.state IN {in_finals} AND $1 = $1"),
            NoticeFilter::All => "$1 = $1".to_owned(),
        };
        let sql = format!(
            "SELECT r.notice_id, r.revision, r.action, r.content, r.sms, r.published_at FROM notices n \
             JOIN notice_revisions r ON r.notice_id = n.id AND r.revision = n.current_revision \
             WHERE {state_clause} AND ($2 IS NULL OR n.kind = $2) \
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM notice_services s WHERE s.notice_id = n.id AND s.service = $3)) \
             AND ($4 = '' OR n.id < $4) ORDER BY n.id DESC LIMIT $5"
        );
        let rows: Vec<RevisionRow> = on_db!(self, |p, d| {
            sqlx::query_as(&sql)
                .bind(now)
                .bind(kind.map(|k| k.code()))
                .bind(service)
                .bind(cursor.unwrap_or(""))
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        let items = rows
            .into_iter()
            .map(RevisionRow::into_revision)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::cut(items, limit, |r| r.notice_id.to_text()))
    }
}

impl Store {
    /// Current revisions of maintenance notices whose window ends at or after `since`, by
    /// window start; at most `limit`.
    #[tracing::instrument(skip_all)]
    pub async fn maintenance_calendar(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Revision>> {
        let sql = "SELECT r.notice_id, r.revision, r.action, r.content, r.sms, r.published_at FROM notices n \
                   JOIN notice_revisions r ON r.notice_id = n.id AND r.revision = n.current_revision \
                   WHERE n.kind = 'maintenance' AND n.window_end >= $1 ORDER BY n.window_start, n.id LIMIT $2";
        let rows: Vec<RevisionRow> = on_db!(self, |p, d| sqlx::query_as(sql)
            .bind(since)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(RevisionRow::into_revision).collect()
    }
}

impl Store {
    /// The newest `limit` revisions of notices of `kind` and `service` (each optional),
    /// newest first: the items of a feed.
    #[tracing::instrument(skip_all)]
    pub async fn feed_revisions(
        &self,
        kind: Option<NoticeKind>,
        service: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<Revision>> {
        let sql = "SELECT r.notice_id, r.revision, r.action, r.content, r.sms, r.published_at FROM notice_revisions r \
                   JOIN notices n ON n.id = r.notice_id WHERE ($1 IS NULL OR n.kind = $1) \
                   AND ($2 IS NULL OR EXISTS (SELECT 1 FROM notice_services s WHERE s.notice_id = n.id AND s.service = $2)) \
                   ORDER BY r.published_at DESC, r.notice_id DESC, r.revision DESC LIMIT $3";
        let rows: Vec<RevisionRow> = on_db!(self, |p, d| sqlx::query_as(sql)
            .bind(kind.map(|k| k.code()))
            .bind(service)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(RevisionRow::into_revision).collect()
    }

    /// A marker that changes whenever any notice does (on any daemon): the number of
    /// notices and their latest change.
    pub async fn notices_marker(&self) -> StoreResult<(i64, Option<DateTime<Utc>>)> {
        let sql = "SELECT COUNT(*), MAX(updated_at) FROM notices";
        Ok(on_db!(self, |p, d| sqlx::query_as(sql)
            .fetch_one(p)
            .await?))
    }
}

impl Store {
    /// Every revision of the notices that are not over, or ended (or changed) since
    /// `since`, newest first; at most `limit`. The messages of the CAP feed.
    #[tracing::instrument(skip_all)]
    pub async fn cap_revisions(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<Revision>> {
        let sql = "SELECT r.notice_id, r.revision, r.action, r.content, r.sms, r.published_at FROM notice_revisions r \
                   JOIN notices n ON n.id = r.notice_id \
                   WHERE n.state NOT IN ('resolved', 'completed', 'withdrawn', 'cancelled') OR n.updated_at >= $1 \
                   ORDER BY r.published_at DESC, r.notice_id DESC, r.revision DESC LIMIT $2";
        let rows: Vec<RevisionRow> = on_db!(self, |p, d| sqlx::query_as(sql)
            .bind(since)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(RevisionRow::into_revision).collect()
    }
}
