//! Reads of the notices not yet published.

use super::{Query, require_operator};
use crate::access::Actor;
use crate::intake::IntakeResult;
use crate::notices::{NoticeId, PendingNotice};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// A notice not yet published, as operators see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PendingView {
    pub id: String,
    /// `draft`, `awaiting_approval`, `scheduled`, `published` or `discarded`.
    pub publication: String,
    pub kind: String,
    pub severity: String,
    pub title: BTreeMap<String, String>,
    pub needs_approval: bool,
    /// Who wrote it.
    pub author: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// Why it went out without the approval it needed.
    pub override_reason: Option<String>,
    pub publish_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PendingNotice> for PendingView {
    fn from(p: PendingNotice) -> Self {
        Self {
            id: p.id.to_text(),
            publication: p.state.code().to_owned(),
            kind: p.draft.kind.code().to_owned(),
            severity: p.draft.severity.code().to_owned(),
            title: super::notice_views::texts(&p.draft.texts.title),
            needs_approval: p.needs_approval,
            author: p.author,
            approved_by: p.approved_by,
            approved_at: p.approved_at,
            override_reason: p.override_reason,
            publish_at: p.publish_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// The notices not yet published.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PendingList {
    pub items: Vec<PendingView>,
    /// Always null: the list is short.
    pub next_cursor: Option<String>,
}

impl Query {
    /// Drafts, notices awaiting approval and scheduled ones, newest first (operators).
    pub async fn pending_notices(&self, actor: &Actor) -> IntakeResult<PendingList> {
        require_operator(actor, "only operators read unpublished notices")?;
        let items = self
            .store
            .pending_notices()
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        Ok(PendingList {
            items,
            next_cursor: None,
        })
    }

    /// The record of how notice `id` was (or is to be) published: author, approver,
    /// override reason; none for a notice published directly.
    pub async fn publication_record(&self, id: NoticeId) -> IntakeResult<Option<PendingView>> {
        Ok(self.store.pending_notice(id).await?.map(Into::into))
    }
}
