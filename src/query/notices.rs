//! Reads of notices and their deliveries.

use super::notice_views::{AffectedView, DeliveriesView, DeliverySummary, NoticeList, NoticeView};
use super::{DEFAULT_PAGE, MAX_PAGE, Query, id_cursor, require_operator};
use crate::access::Actor;
use crate::intake::{IntakeError, IntakeResult};
use crate::notices::{ChannelSummary, DeliveryState, NoticeFilter, NoticeId, Revision};
use crate::registry::{Channel, Language, NoticeKind};
use crate::validation::FieldErrors;

/// What a notice list asks for, as the client wrote it.
#[derive(Debug, Default)]
pub struct NoticeQuery<'a> {
    /// `active`, `upcoming` or `ended`; default all.
    pub state: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub service: Option<&'a str>,
    /// Only texts in this language (Finnish where a notice has none).
    pub lang: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub limit: Option<u32>,
}

/// The email and the SMS counts of a revision's summary (empty where a channel has none).
pub(super) fn by_channel(
    summary: &[(Channel, ChannelSummary)],
) -> (ChannelSummary, ChannelSummary) {
    let pick = |c: Channel| {
        summary
            .iter()
            .find(|(ch, _)| *ch == c)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    (pick(Channel::Email), pick(Channel::Sms))
}

/// Who may read deliveries.
const OPERATORS_ONLY: &str = "only operators publish and manage notices";

impl Query {
    /// One notice with every revision, oldest first, and for maintenance its reminder
    /// plan (public).
    pub async fn notice(&self, id: NoticeId) -> IntakeResult<NoticeView> {
        let revs = self.store.notice_revisions(id).await?;
        let mut view = NoticeView::new(&revs, true).ok_or(IntakeError::NotFound)?;
        if let Some(last) = revs.last() {
            view.affected_through = AffectedView::of(&self.catalogue, &last.draft.services);
        }
        if NoticeKind::parse(&view.kind).is_ok_and(NoticeKind::is_planned) {
            let plan = self.store.reminders(id).await?;
            view.reminders = Some(plan.iter().map(Into::into).collect());
        }
        Ok(view)
    }

    /// Notices by state, kind and service, newest first (public).
    pub async fn notices(&self, q: &NoticeQuery<'_>) -> IntakeResult<NoticeList> {
        let mut e = FieldErrors::new();
        let filter = match q.state {
            None => Some(NoticeFilter::All),
            Some(s) => e.check("state", NoticeFilter::parse(s)),
        };
        let kind = match q.kind {
            Some(k) => e.check("kind", NoticeKind::parse(k)).map(Some),
            None => Some(None),
        };
        let lang = match q.lang {
            Some(l) => e.check("lang", Language::parse(l)).map(Some),
            None => Some(None),
        };
        let (Some(filter), Some(kind), Some(lang)) = (filter, kind, lang) else {
            return Err(IntakeError::Invalid(e));
        };
        let service = match q.service {
            Some(s) => Some(
                self.catalogue
                    .parse_code(s)
                    .map_err(|m| FieldErrors::single("service", m))?,
            ),
            None => None,
        };
        let page = self
            .store
            .list_notices(
                (filter, crate::notices::Exercises::Hidden),
                kind,
                service.as_ref().map(|s| s.as_str()),
                self.now(),
                id_cursor(q.cursor)?,
                q.limit,
            )
            .await?;
        let items = page
            .items
            .iter()
            .filter_map(|r| {
                let mut v = NoticeView::new(std::slice::from_ref(r), false)?;
                v.affected_through = AffectedView::of(&self.catalogue, &r.draft.services);
                Some(v)
            })
            .map(|mut v| {
                if let Some(l) = lang {
                    v.current.keep_language(l);
                }
                v
            })
            .collect();
        Ok(NoticeList {
            items,
            next_cursor: page.next_cursor,
        })
    }

    /// Delivery progress of one revision (default: the latest): counts per channel and
    /// state, and a page of its deliveries (operators).
    pub async fn deliveries(
        &self,
        actor: &Actor,
        id: NoticeId,
        revision: Option<i32>,
        state: Option<&str>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> IntakeResult<DeliveriesView> {
        let after = match cursor {
            None => 0,
            Some(c) => c
                .parse::<i64>()
                .map_err(|_| FieldErrors::single("cursor", "is not a cursor from this list"))?,
        };
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        require_operator(actor, OPERATORS_ONLY)?;
        let revision = self.revision_number(id, revision).await?;
        let fanout_complete = self.store.fanout_complete(id, revision).await?;
        let summary = self.store.delivery_summary(id, revision).await?;
        let state = state
            .map(DeliveryState::parse)
            .transpose()
            .map_err(|e| FieldErrors::single("status", e))?;
        let rows = self
            .store
            .list_deliveries(id, revision, state, after, limit + 1)
            .await?;
        let next_cursor =
            (rows.len() > limit as usize).then(|| rows[limit as usize - 1].id.to_string());
        let (email, sms) = by_channel(&summary);
        Ok(DeliveriesView {
            revision,
            fanout_complete,
            summary: DeliverySummary { email, sms },
            items: rows.iter().take(limit as usize).map(Into::into).collect(),
            next_cursor,
        })
    }

    /// `revision` of the notice if it has one, else its latest.
    async fn revision_number(&self, id: NoticeId, revision: Option<i32>) -> IntakeResult<i32> {
        let revs = self.store.notice_revisions(id).await?;
        Revision::pick(&revs, revision).ok_or(IntakeError::NotFound)
    }
}
