//! Notices and their revisions. A revision and its fan-out job commit together.

use super::audit::insert_audit;
use super::idempotency::{claim_key, keep_answer, made};
use super::plans::{count_planned, insert_plan, skip_planned};
use super::revisions::{REVISION_COLUMNS, RevisionRow, advance_notice, revisions, write_revision};
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult};
use crate::access::{Keep, Kept};
use crate::notices::{Exercises, NoticeFilter, NoticeId, PlannedStep, Revision, Sends};
use crate::registry::NoticeKind;
use chrono::{DateTime, Utc};

/// What a new revision does to the notice's reminder plan.
#[derive(Clone, Debug, Default)]
pub struct PlanChange {
    /// How many steps the caller saw planned; if a step fired meanwhile, the revision is
    /// not written (the caller re-reads and decides again).
    pub expect_planned: i64,
    /// Steps replacing every planned one, which are skipped with `reason`.
    pub replace: Option<(Vec<PlannedStep>, String)>,
}

/// A new notice with its first revision, its fan-out job and its plan.
pub(super) async fn insert_notice(
    c: &mut super::sql::Conn<'_>,
    rev: &Revision,
    sends: Sends,
    plan: &[PlannedStep],
    actor: &str,
) -> StoreResult<()> {
    let d = &rev.draft;
    let sql = "INSERT INTO notices (id, kind, severity, state, current_revision, started_at, ended_at, window_start, window_end, \
               created_at, updated_at, exercise) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)";
    c.execute(
        Sql::new(sql)
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
            .bind(!d.status.is_actual()),
    )
    .await?;
    write_revision(c, rev, sends, actor).await?;
    insert_plan(c, rev.notice_id, rev.number, plan).await?;
    Ok(())
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
        made(
            self.publish_notice_keyed(rev, sends, plan, actor, audit, None)
                .await?,
        )
    }

    /// Stores a new notice as `publish_notice` does, once per key of `keep`.
    #[tracing::instrument(skip_all, fields(notice = %rev.notice_id))]
    pub async fn publish_notice_keyed(
        &self,
        rev: &Revision,
        sends: Sends,
        plan: &[PlannedStep],
        actor: &str,
        audit: &AuditEvent,
        keep: Option<Keep<'_, ()>>,
    ) -> StoreResult<Kept<()>> {
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, rev.published_at).await? {
            return Ok(Kept::Earlier(earlier));
        }
        insert_notice(&mut c, rev, sends, plan, actor).await?;
        insert_audit(&mut c, audit).await?;
        keep_answer(&mut c, keep, &()).await?;
        tx.commit().await?;
        Ok(Kept::Done(()))
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
        made(
            self.add_revision_keyed(rev, sends, plan, actor, audit, None)
                .await?,
        )
    }

    /// Appends a revision as `add_revision` does, once per key of `keep`; a revision that
    /// lost the race leaves the key unclaimed.
    #[tracing::instrument(skip_all, fields(notice = %rev.notice_id, revision = rev.number))]
    pub async fn add_revision_keyed(
        &self,
        rev: &Revision,
        sends: Sends,
        plan: &PlanChange,
        actor: &str,
        audit: &AuditEvent,
        keep: Option<Keep<'_, bool>>,
    ) -> StoreResult<Kept<bool>> {
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, rev.published_at).await? {
            return Ok(Kept::Earlier(earlier));
        }
        let advanced = advance_notice(&mut c, rev).await? == 1;
        if !(advanced && count_planned(&mut c, rev.notice_id).await? == plan.expect_planned) {
            return Ok(Kept::Done(false));
        }
        write_revision(&mut c, rev, sends, actor).await?;
        if let Some((steps, reason)) = &plan.replace {
            skip_planned(&mut c, rev.notice_id, reason).await?;
            insert_plan(&mut c, rev.notice_id, rev.number, steps).await?;
        }
        insert_audit(&mut c, audit).await?;
        keep_answer(&mut c, keep, &true).await?;
        tx.commit().await?;
        Ok(Kept::Done(true))
    }

    /// Every revision of a notice, oldest first; empty if there is no such notice.
    #[tracing::instrument(skip_all, fields(notice = %id))]
    pub async fn notice_revisions(&self, id: NoticeId) -> StoreResult<Vec<Revision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM notice_revisions r WHERE r.notice_id = $1 ORDER BY r.revision"
        );
        let rows: Vec<RevisionRow> = self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()))
            .await?;
        revisions(rows)
    }

    /// One revision.
    pub async fn notice_revision(
        &self,
        id: NoticeId,
        number: i32,
    ) -> StoreResult<Option<Revision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM notice_revisions r WHERE r.notice_id = $1 AND r.revision = $2"
        );
        let row: Option<RevisionRow> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(id.to_text()).bind(number))
            .await?;
        row.map(RevisionRow::into_revision).transpose()
    }

    /// The latest revision of each notice, newest notices first.
    #[tracing::instrument(skip_all)]
    pub async fn list_notices(
        &self,
        (filter, exercises): (NoticeFilter, Exercises),
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
                "n.state NOT IN {in_finals} AND (n.kind NOT IN ('maintenance', 'change') OR n.window_start <= $1)"
            ),
            NoticeFilter::Upcoming => format!(
                "n.state NOT IN {in_finals} AND n.kind IN ('maintenance', 'change') AND n.window_start > $1"
            ),
            NoticeFilter::Ended => format!("n.state IN {in_finals} AND $1 = $1"),
            NoticeFilter::All => "$1 = $1".to_owned(),
        };
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM notices n \
             JOIN notice_revisions r ON r.notice_id = n.id AND r.revision = n.current_revision \
             WHERE {state_clause} AND {exercises} AND ($2 IS NULL OR n.kind = $2) \
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM notice_services s WHERE s.notice_id = n.id AND s.service = $3)) \
             AND ($4 = '' OR n.id < $4) ORDER BY n.id DESC LIMIT $5",
            exercises = exercises.clause()
        );
        let rows: Vec<RevisionRow> = self
            .read()
            .fetch_all(
                Sql::new(sql)
                    .bind(now)
                    .bind(kind.map(|k| k.code()))
                    .bind(service)
                    .bind(cursor.unwrap_or(""))
                    .bind(i64::from(limit) + 1),
            )
            .await?;
        Ok(Page::cut(revisions(rows)?, limit, |r| {
            r.notice_id.to_text()
        }))
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
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM notices n \
             JOIN notice_revisions r ON r.notice_id = n.id AND r.revision = n.current_revision \
             WHERE n.kind IN ('maintenance', 'change') AND n.exercise = FALSE AND n.window_end >= $1 \
             ORDER BY n.window_start, n.id LIMIT $2"
        );
        let rows: Vec<RevisionRow> = self
            .read()
            .fetch_all(Sql::new(sql).bind(since).bind(i64::from(limit)))
            .await?;
        revisions(rows)
    }

    /// The newest `limit` revisions of notices of `kind` and `service` (each optional),
    /// newest first: the items of a feed.
    #[tracing::instrument(skip_all)]
    pub async fn feed_revisions(
        &self,
        kind: Option<NoticeKind>,
        service: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<Revision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM notice_revisions r \
             JOIN notices n ON n.id = r.notice_id WHERE n.exercise = FALSE AND ($1 IS NULL OR n.kind = $1) \
             AND ($2 IS NULL OR EXISTS (SELECT 1 FROM notice_services s WHERE s.notice_id = n.id AND s.service = $2)) \
             ORDER BY r.published_at DESC, r.notice_id DESC, r.revision DESC LIMIT $3"
        );
        let rows: Vec<RevisionRow> = self
            .read()
            .fetch_all(
                Sql::new(sql)
                    .bind(kind.map(|k| k.code()))
                    .bind(service)
                    .bind(i64::from(limit)),
            )
            .await?;
        revisions(rows)
    }

    /// A marker that changes whenever any notice does (on any daemon): the number of
    /// notices and their latest change.
    pub async fn notices_marker(&self) -> StoreResult<(i64, Option<DateTime<Utc>>)> {
        let sql = "SELECT COUNT(*), MAX(updated_at) FROM notices";
        Ok(self.read().fetch_one(Sql::new(sql)).await?)
    }

    /// Every revision of the notices that are not over, or ended (or changed) since
    /// `since`, newest first; at most `limit`. The messages of the CAP feed.
    #[tracing::instrument(skip_all)]
    pub async fn cap_revisions(
        &self,
        since: DateTime<Utc>,
        limit: u32,
        exercises: Exercises,
    ) -> StoreResult<Vec<Revision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM notice_revisions r \
             JOIN notices n ON n.id = r.notice_id \
             WHERE {exercises} AND (n.state NOT IN ('resolved', 'completed', 'withdrawn', 'cancelled') OR n.updated_at >= $1) \
             ORDER BY r.published_at DESC, r.notice_id DESC, r.revision DESC LIMIT $2",
            exercises = exercises.clause()
        );
        let rows: Vec<RevisionRow> = self
            .read()
            .fetch_all(Sql::new(sql).bind(since).bind(i64::from(limit)))
            .await?;
        revisions(rows)
    }
}
