//! Reads behind the public outputs: the status page, the feeds, the calendar and CAP.

use super::Query;
use crate::intake::IntakeResult;
use crate::notices::{Exercises, NoticeFilter, NoticeId, Revision};
use crate::registry::NoticeKind;
use chrono::{DateTime, Duration, Utc};

/// What the status page shows, each notice at its latest revision.
#[derive(Debug, Default)]
pub struct StatusBoard {
    /// Faults, instructions and maintenance in progress.
    pub active: Vec<Revision>,
    /// Maintenance not yet begun, soonest first.
    pub upcoming: Vec<Revision>,
    /// Notices ended within the recent period, newest first.
    pub ended: Vec<Revision>,
}

impl Query {
    /// The status page's notices at `now`: at most `per_list` of each kind, the ended ones
    /// only if published within `recent`.
    pub async fn status_board(
        &self,
        now: DateTime<Utc>,
        recent: Duration,
        per_list: u32,
        exercises: Exercises,
    ) -> IntakeResult<StatusBoard> {
        let list = |f: NoticeFilter, k: Option<NoticeKind>| {
            self.store
                .list_notices((f, exercises), k, None, now, None, Some(per_list))
        };
        let active = list(NoticeFilter::Active, None).await?.items;
        let mut upcoming = list(NoticeFilter::Upcoming, None).await?.items;
        upcoming.sort_by_key(|r| r.draft.window_start);
        let horizon = now - recent;
        let ended = list(NoticeFilter::Ended, None)
            .await?
            .items
            .into_iter()
            .filter(|r| r.published_at >= horizon)
            .collect();
        Ok(StatusBoard {
            active,
            upcoming,
            ended,
        })
    }

    /// Every revision of a notice, oldest first; none if there is no such notice.
    pub async fn notice_revisions(&self, id: NoticeId) -> IntakeResult<Vec<Revision>> {
        Ok(self.store.notice_revisions(id).await?)
    }

    /// The newest `limit` revisions of notices of `kind` about `service`, newest first.
    pub async fn feed(
        &self,
        kind: Option<NoticeKind>,
        service: Option<&str>,
        limit: u32,
    ) -> IntakeResult<Vec<Revision>> {
        Ok(self.store.feed_revisions(kind, service, limit).await?)
    }

    /// Maintenance whose window ends at or after `since`, soonest first.
    pub async fn maintenance_calendar(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> IntakeResult<Vec<Revision>> {
        Ok(self.store.maintenance_calendar(since, limit).await?)
    }

    /// Revisions of notices not ended, or ended after `since`, newest first.
    pub async fn cap(
        &self,
        since: DateTime<Utc>,
        limit: u32,
        exercises: Exercises,
    ) -> IntakeResult<Vec<Revision>> {
        Ok(self.store.cap_revisions(since, limit, exercises).await?)
    }
}
