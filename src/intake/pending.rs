//! Publishing with four eyes and at a set time: a notice that needs approval, is saved as a
//! draft or is set to go out later is held as a pending notice — checked, with its id —
//! until it is approved, submitted or due; then it is published as revision 1, once.

use super::{Intake, IntakeError, IntakeResult, made};
use crate::access::{Actor, Keep};
use crate::notices::{
    Action, MAX_OVERRIDE_REASON_LEN, NoticeId, NoticeInput, Pending, PendingNotice, Revision,
};
use crate::validation::FieldErrors;
use chrono::{DateTime, Utc};

/// What publishing did: the notice went out, or it is held (a draft, awaiting approval,
/// or scheduled).
#[derive(Clone, Debug)]
pub enum Publication {
    Published(Revision),
    Held(PendingNotice),
}

/// How a request asks to publish: as a draft, at a time, without the approval it needs.
pub(super) struct Hold {
    draft: bool,
    publish_at: Option<DateTime<Utc>>,
    override_reason: Option<String>,
}

/// Scheduled notices published per query while catching up.
const DUE_BATCH: u32 = 50;

impl Hold {
    /// Takes the publishing fields out of `input`, checked: a time in the future, a reason
    /// in words.
    pub(super) fn take(input: &mut NoticeInput, now: DateTime<Utc>, e: &mut FieldErrors) -> Self {
        let publish_at = input.publish_at.take().and_then(|t| {
            let at = e.check(
                "publish_at",
                crate::calendar::parse_time(
                    &t,
                    crate::calendar::HELSINKI,
                    crate::calendar::Edge::Start,
                ),
            )?;
            if at <= now {
                e.add(
                    "publish_at",
                    "must be in the future; leave it out to publish now",
                );
                return None;
            }
            Some(at)
        });
        let override_reason = input.override_reason.take().and_then(|r| {
            let r = r.trim().to_owned();
            if r.is_empty() || r.chars().count() > MAX_OVERRIDE_REASON_LEN {
                e.add(
                    "override_reason",
                    format!("must say why, in 1–{MAX_OVERRIDE_REASON_LEN} characters"),
                );
                return None;
            }
            Some(r)
        });
        Self {
            draft: input.draft.take().unwrap_or(false),
            publish_at,
            override_reason,
        }
    }

    /// Where a notice needing approval (`needs`) is held, or none to publish it now.
    fn state(&self, needs: bool) -> Option<Pending> {
        if self.draft {
            Some(Pending::Draft)
        } else if needs && self.override_reason.is_none() {
            Some(Pending::AwaitingApproval)
        } else if self.publish_at.is_some() {
            Some(Pending::Scheduled)
        } else {
            None
        }
    }
}

impl Intake {
    /// Holds `rev` (revision 1 of a new notice) or says it may go out now. An override
    /// reason for a notice that needs no approval is refused: it would record a decision
    /// nobody had to make.
    pub(super) async fn hold_or_publish(
        &self,
        actor: &Actor,
        rev: &Revision,
        hold: Hold,
        keep: Option<Keep<'_, Publication>>,
    ) -> IntakeResult<Option<Publication>> {
        let needs = self.approval.requires(&rev.draft);
        if hold.override_reason.is_some() && !needs {
            return Err(FieldErrors::single(
                "override_reason",
                "is only for a notice that needs approval, and this one does not",
            )
            .into());
        }
        let now = self.now();
        let state = hold.state(needs);
        let p = PendingNotice {
            id: rev.notice_id,
            draft: rev.draft.clone(),
            state: state.unwrap_or(Pending::Published),
            needs_approval: needs,
            author: actor.audit_name(),
            approved_by: None,
            approved_at: None,
            override_reason: hold.override_reason,
            publish_at: hold.publish_at,
            created_at: now,
            updated_at: now,
        };
        let Some(state) = state else {
            if p.override_reason.is_none() {
                return Ok(None);
            }
            // Out now without the approval it needed: the reason is kept with the notice.
            return self.publish_held(actor, p, keep).await.map(Some);
        };
        let action = match state {
            Pending::Draft => "notice.draft",
            Pending::AwaitingApproval => "notice.submit",
            _ => "notice.schedule",
        };
        let audit = self.event(actor, action, "notice", p.id.to_text(), None);
        let held = Publication::Held(p.clone());
        let answer = |_: &()| keep.map(|k| (k.answer)(&held)).unwrap_or_default();
        made(
            self.store
                .save_pending(&p, &audit, keep.map(|k| k.answering(&answer)))
                .await?,
        )?;
        self.plans.notify_waiters();
        tracing::info!(notice = %p.id, state = %state, "notice held");
        Ok(Some(held))
    }

    /// Stores `p` as scheduled and publishes it now (the override path).
    async fn publish_held(
        &self,
        actor: &Actor,
        mut p: PendingNotice,
        keep: Option<Keep<'_, Publication>>,
    ) -> IntakeResult<Publication> {
        p.state = Pending::Scheduled;
        let audit = self.event(actor, "notice.override", "notice", p.id.to_text(), None);
        made(self.store.save_pending(&p, &audit, None).await?)?;
        self.publish_pending(actor, p.id, keep).await
    }

    /// Approves a notice awaiting approval: never by its author. Due (or with no time
    /// set) it goes out at once.
    pub async fn approve_notice(&self, actor: &Actor, id: NoticeId) -> IntakeResult<Publication> {
        Self::require_operator(actor)?;
        let p = self.pending(id).await?;
        if p.state != Pending::AwaitingApproval {
            return Err(not_waiting(p.state));
        }
        if p.author == actor.audit_name() {
            return Err(IntakeError::Forbidden(
                "the author of a notice cannot approve it; another operator must",
            ));
        }
        let audit = self.event(actor, "notice.approve", "notice", id.to_text(), None);
        let moved = self
            .store
            .advance_pending(
                id,
                (Pending::AwaitingApproval, Pending::Scheduled),
                Some(&actor.audit_name()),
                self.now(),
                &audit,
            )
            .await?;
        if !moved {
            let now = self.pending(id).await?;
            return Err(not_waiting(now.state));
        }
        self.plans.notify_waiters();
        self.publish_pending(actor, id, None).await
    }

    /// Submits a draft: it then waits for approval, or is scheduled, or goes out now.
    pub async fn submit_notice(&self, actor: &Actor, id: NoticeId) -> IntakeResult<Publication> {
        Self::require_operator(actor)?;
        let p = self.pending(id).await?;
        if p.state != Pending::Draft {
            return Err(FieldErrors::single(
                "state",
                format!("the notice is {}, not a draft", p.state),
            )
            .into());
        }
        let to = if self.approval.requires(&p.draft) {
            Pending::AwaitingApproval
        } else {
            Pending::Scheduled
        };
        let audit = self.event(actor, "notice.submit", "notice", id.to_text(), None);
        if !self
            .store
            .advance_pending(id, (Pending::Draft, to), None, self.now(), &audit)
            .await?
        {
            return Err(FieldErrors::single("state", "the draft was submitted already").into());
        }
        self.plans.notify_waiters();
        self.publish_pending(actor, id, None).await
    }

    /// Publishes pending notice `id` if it may go out now (else answers it as held).
    async fn publish_pending(
        &self,
        actor: &Actor,
        id: NoticeId,
        keep: Option<Keep<'_, Publication>>,
    ) -> IntakeResult<Publication> {
        let p = self.pending(id).await?;
        let now = self.now();
        if !p.may_publish(now) {
            return Ok(Publication::Held(p));
        }
        let mut rev = Revision {
            notice_id: id,
            number: 1,
            action: Action::Publish,
            draft: p.draft.clone(),
            published_at: now,
            sms: p.draft.wants_sms(Action::Publish, None),
        };
        let (sends, plan) = self.publication_effect(&rev);
        rev.sms = sends.sms;
        let audit = self.event(actor, "notice.publish", "notice", id.to_text(), None);
        let published = Publication::Published(rev.clone());
        let answer = |_: &bool| keep.map(|k| (k.answer)(&published)).unwrap_or_default();
        let done = made(
            self.store
                .publish_pending(
                    &rev,
                    (sends, &plan),
                    &p.author,
                    &audit,
                    keep.map(|k| k.answering(&answer)),
                )
                .await?,
        )?;
        if !done {
            // Another daemon (or request) published it first.
            let again = self.pending(id).await?;
            return Ok(Publication::Held(again));
        }
        self.published(&rev, !plan.is_empty());
        Ok(published)
    }

    /// Publishes every scheduled notice that is due (the scheduler's round); how many.
    pub async fn publish_due_notices(&self) -> IntakeResult<usize> {
        let actor = Actor::cli();
        let mut n = 0;
        for id in self.store.due_pending(self.now(), DUE_BATCH).await? {
            if let Publication::Published(_) = self.publish_pending(&actor, id, None).await? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// When the next scheduled notice is due.
    pub async fn next_publication(&self) -> IntakeResult<Option<DateTime<Utc>>> {
        Ok(self.store.next_pending_at().await?)
    }

    /// Pending notice `id`, whatever its state.
    async fn pending(&self, id: NoticeId) -> IntakeResult<PendingNotice> {
        self.store
            .pending_notice(id)
            .await?
            .ok_or(IntakeError::NotFound)
    }
}

fn not_waiting(state: Pending) -> IntakeError {
    FieldErrors::single(
        "state",
        format!("the notice is {state}, not waiting for approval"),
    )
    .into()
}

/// Drafts, publication times and overrides are for publishing a new notice.
pub(super) fn only_when_publishing(input: &NoticeInput) -> IntakeResult<()> {
    let mut e = FieldErrors::new();
    for (field, given) in [
        ("draft", input.draft.is_some()),
        ("publish_at", input.publish_at.is_some()),
        ("override_reason", input.override_reason.is_some()),
    ] {
        if given {
            e.add(field, "is for publishing a new notice, not for a revision");
        }
    }
    e.finish(|| ()).map_err(Into::into)
}
