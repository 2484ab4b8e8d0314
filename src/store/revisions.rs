//! A notice's revisions as rows, and the steps that publishing, revising and a maintenance
//! window's transitions share: writing a revision with its fan-out job, and moving the
//! notice to it.

use super::error::decode;
use super::sql::{Conn, Sql};
use super::{StoreError, StoreResult};
use crate::notices::{Action, NoticeDraft, NoticeId, Revision, Sends, lane};
use chrono::{DateTime, Utc};

/// The columns of a revision row, in `RevisionRow`'s order (`r.` is `notice_revisions`).
pub(super) const REVISION_COLUMNS: &str =
    "r.notice_id, r.revision, r.action, r.content, r.sms, r.published_at";

#[derive(sqlx::FromRow)]
pub(super) struct RevisionRow {
    notice_id: String,
    revision: i32,
    action: String,
    content: String,
    sms: bool,
    published_at: DateTime<Utc>,
}

impl RevisionRow {
    pub(super) fn into_revision(self) -> StoreResult<Revision> {
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

/// Revisions from rows.
pub(super) fn revisions(rows: Vec<RevisionRow>) -> StoreResult<Vec<Revision>> {
    rows.into_iter().map(RevisionRow::into_revision).collect()
}

/// Writes a fan-out job for `sends` of `revision` (`step`: `revision`, `announcement`, …).
pub(super) async fn insert_job(
    conn: &mut Conn<'_>,
    notice: &str,
    revision: i32,
    step: &str,
    sends: Sends,
    lane: i32,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let sql = "INSERT INTO fanout_jobs (notice_id, revision, step, email, sms, lane, cursor, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, '', $7)";
    conn.execute(
        Sql::new(sql)
            .bind(notice)
            .bind(revision)
            .bind(step)
            .bind(sends.email)
            .bind(sends.sms)
            .bind(lane)
            .bind(at),
    )
    .await?;
    Ok(())
}

/// Writes the revision and the notice's services, and a fan-out job for the channels in
/// `sends` unless there are none.
pub(super) async fn write_revision(
    conn: &mut Conn<'_>,
    r: &Revision,
    sends: Sends,
    actor: &str,
) -> StoreResult<()> {
    let id = r.notice_id.to_text();
    let content = serde_json::to_string(&r.draft).map_err(|e| StoreError::Other(e.into()))?;
    let insert = "INSERT INTO notice_revisions (notice_id, revision, action, content, sms, published_at, actor) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7)";
    conn.execute(
        Sql::new(insert)
            .bind(&id)
            .bind(r.number)
            .bind(r.action.code())
            .bind(content)
            .bind(r.sms)
            .bind(r.published_at)
            .bind(actor),
    )
    .await?;
    conn.execute(Sql::new("DELETE FROM notice_services WHERE notice_id = $1").bind(&id))
        .await?;
    for s in &r.draft.services {
        let add = "INSERT INTO notice_services (notice_id, service) VALUES ($1, $2)";
        conn.execute(Sql::new(add).bind(&id).bind(s.as_str()))
            .await?;
    }
    if !sends.is_none() {
        let lane = lane(r.draft.kind);
        insert_job(conn, &id, r.number, "revision", sends, lane, r.published_at).await?;
    }
    Ok(())
}

/// Makes `r` the notice's current revision, provided the current one is still
/// `r.number - 1`; the rows changed (0: another revision won).
pub(super) async fn advance_notice(conn: &mut Conn<'_>, r: &Revision) -> StoreResult<u64> {
    let d = &r.draft;
    let sql = "UPDATE notices SET severity = $2, state = $3, current_revision = $4, started_at = $5, ended_at = $6, \
               window_start = $7, window_end = $8, updated_at = $9 WHERE id = $1 AND current_revision = $10";
    Ok(conn
        .execute(
            Sql::new(sql)
                .bind(r.notice_id.to_text())
                .bind(d.severity.code())
                .bind(d.state.code())
                .bind(r.number)
                .bind(d.started_at)
                .bind(d.ended_at)
                .bind(d.window_start)
                .bind(d.window_end)
                .bind(r.published_at)
                .bind(r.number - 1),
        )
        .await?)
}
