//! Notices not yet published: drafts, those awaiting a second operator's approval, those
//! set to go out at a time. Publishing one is fenced on its state in the transaction that
//! writes the notice, so it goes out once however many daemons try.

use super::audit::{insert_audit, insert_audit_saying};
use super::error::decode;
use super::idempotency::{claim_key, keep_answer};
use super::notices::insert_notice;
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, Store, StoreResult};
use crate::access::{Keep, Kept};
use crate::notices::{NoticeId, Pending, PendingNotice, PlannedStep, Revision, Sends};
use chrono::{DateTime, Utc};

const COLUMNS: &str = "id, content, state, needs_approval, author, approved_by, approved_at, \
                       override_reason, publish_at, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    content: String,
    state: String,
    needs_approval: bool,
    author: String,
    approved_by: Option<String>,
    approved_at: Option<DateTime<Utc>>,
    override_reason: Option<String>,
    publish_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn into_pending(self) -> StoreResult<PendingNotice> {
        Ok(PendingNotice {
            id: decode(
                "pending_notices.id",
                NoticeId::parse(&self.id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            draft: decode(
                "pending_notices.content",
                serde_json::from_str(&self.content).map_err(|e| e.to_string()),
            )?,
            state: decode("pending_notices.state", Pending::parse(&self.state))?,
            needs_approval: self.needs_approval,
            author: self.author,
            approved_by: self.approved_by,
            approved_at: self.approved_at,
            override_reason: self.override_reason,
            publish_at: self.publish_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl Store {
    /// Stores a notice that is not going out now, with its audit record (and `detail`).
    #[tracing::instrument(skip_all, fields(notice = %p.id))]
    pub async fn save_pending(
        &self,
        p: &PendingNotice,
        audit: &AuditEvent,
        keep: Option<Keep<'_, ()>>,
    ) -> StoreResult<Kept<()>> {
        let content =
            serde_json::to_string(&p.draft).map_err(|e| super::StoreError::Other(e.into()))?;
        let sql = format!(
            "INSERT INTO pending_notices ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, p.created_at).await? {
            return Ok(Kept::Earlier(earlier));
        }
        c.execute(
            Sql::new(sql)
                .bind(p.id.to_text())
                .bind(content)
                .bind(p.state.code())
                .bind(p.needs_approval)
                .bind(&p.author)
                .bind(p.approved_by.clone())
                .bind(p.approved_at)
                .bind(p.override_reason.clone())
                .bind(p.publish_at)
                .bind(p.created_at)
                .bind(p.updated_at),
        )
        .await?;
        insert_audit_saying(&mut c, audit, p.override_reason.as_deref()).await?;
        keep_answer(&mut c, keep, &()).await?;
        tx.commit().await?;
        Ok(Kept::Done(()))
    }

    /// The pending notice with this id, whatever its state.
    #[tracing::instrument(skip_all, fields(notice = %id))]
    pub async fn pending_notice(&self, id: NoticeId) -> StoreResult<Option<PendingNotice>> {
        let sql = format!("SELECT {COLUMNS} FROM pending_notices WHERE id = $1");
        let row: Option<Row> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(id.to_text()))
            .await?;
        row.map(Row::into_pending).transpose()
    }

    /// Every notice not yet published nor discarded, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn pending_notices(&self) -> StoreResult<Vec<PendingNotice>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM pending_notices WHERE state IN ('draft', 'awaiting_approval', 'scheduled') \
             ORDER BY id DESC"
        );
        let rows: Vec<Row> = self.read().fetch_all(Sql::new(sql)).await?;
        rows.into_iter().map(Row::into_pending).collect()
    }

    /// Moves a notice from `from` to `to` (a submission, an approval by `approved_by`),
    /// fenced on its state; false when it was not in `from` any more.
    #[tracing::instrument(skip_all, fields(notice = %id))]
    pub async fn advance_pending(
        &self,
        id: NoticeId,
        (from, to): (Pending, Pending),
        approved_by: Option<&str>,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let sql = "UPDATE pending_notices SET state = $3, updated_at = $4, \
                   approved_by = COALESCE($5, approved_by), approved_at = CASE WHEN $5 IS NULL THEN approved_at ELSE $4 END \
                   WHERE id = $1 AND state = $2";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let n = c
            .execute(
                Sql::new(sql)
                    .bind(id.to_text())
                    .bind(from.code())
                    .bind(to.code())
                    .bind(at)
                    .bind(approved_by),
            )
            .await?;
        if n != 1 {
            return Ok(false);
        }
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Publishes pending notice `rev.notice_id` as revision 1 — only if it is still
    /// scheduled, in the same transaction; false if another daemon (or request) did first.
    #[tracing::instrument(skip_all, fields(notice = %rev.notice_id))]
    pub async fn publish_pending(
        &self,
        rev: &Revision,
        (sends, plan): (Sends, &[PlannedStep]),
        actor: &str,
        audit: &AuditEvent,
        keep: Option<Keep<'_, bool>>,
    ) -> StoreResult<Kept<bool>> {
        let fence = "UPDATE pending_notices SET state = 'published', updated_at = $2 \
                     WHERE id = $1 AND state = 'scheduled'";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, rev.published_at).await? {
            return Ok(Kept::Earlier(earlier));
        }
        let n = c
            .execute(
                Sql::new(fence)
                    .bind(rev.notice_id.to_text())
                    .bind(rev.published_at),
            )
            .await?;
        if n != 1 {
            return Ok(Kept::Done(false));
        }
        insert_notice(&mut c, rev, sends, plan, actor).await?;
        insert_audit(&mut c, audit).await?;
        keep_answer(&mut c, keep, &true).await?;
        tx.commit().await?;
        Ok(Kept::Done(true))
    }

    /// The scheduled notices due at `now`, soonest first; at most `limit`.
    #[tracing::instrument(skip_all)]
    pub async fn due_pending(&self, now: DateTime<Utc>, limit: u32) -> StoreResult<Vec<NoticeId>> {
        let sql = "SELECT id FROM pending_notices WHERE state = 'scheduled' \
                   AND (publish_at IS NULL OR publish_at <= $1) ORDER BY publish_at, id LIMIT $2";
        let rows: Vec<(String,)> = self
            .read()
            .fetch_all(Sql::new(sql).bind(now).bind(i64::from(limit)))
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id,)| NoticeId::parse(&id))
            .collect())
    }

    /// When the next scheduled notice goes out.
    pub async fn next_pending_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let sql = "SELECT MIN(publish_at) FROM pending_notices WHERE state = 'scheduled'";
        let (at,): (Option<DateTime<Utc>>,) = self.read().fetch_one(Sql::new(sql)).await?;
        Ok(at)
    }
}
