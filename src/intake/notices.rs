//! Publishing and revising notices; previews; delivery status and re-drive.

use super::pending::Publication;
use super::{Intake, IntakeError, IntakeResult, made};
use crate::access::{Actor, Keep};
use crate::notices::{
    Action, EmailLinks, NoticeDraft, NoticeId, NoticeInput, RenderedEmail, Revision, render_email,
    revise, revision_action,
};
use crate::registry::{Channel, Language};
use crate::validation::FieldErrors;
use serde::Serialize;
use std::collections::BTreeMap;

/// Concurrent revisions of one notice are serialised by the revision number; a loser
/// re-reads and tries again this many times before giving up.
const REVISION_RACE_RETRIES: usize = 3;
/// Preview counts recipients in batches of this size.
const PREVIEW_BATCH: u32 = 1_000;

/// Recipients of one channel and language.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct PreviewCount {
    pub email: u64,
    pub sms: u64,
}

/// What publishing would do, with nothing stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticePreview {
    /// Per language: how many addresses each channel reaches.
    pub recipients: BTreeMap<String, PreviewCount>,
    /// Whether this revision goes out by SMS at all.
    pub sms: bool,
    /// Per language: SMS text, encoding and parts.
    pub sms_texts: BTreeMap<String, SmsPreview>,
    /// Per language: the email as a recipient without audience instructions sees it.
    pub email: BTreeMap<String, RenderedEmail>,
}

/// One language's SMS.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SmsPreview {
    pub text: String,
    pub encoding: crate::notices::SmsEncoding,
    pub parts: usize,
}

impl Intake {
    /// Revision 1 of a new notice, validated, with a fresh id.
    fn first_revision(&self, input: NoticeInput) -> IntakeResult<Revision> {
        let notice_id = NoticeId::generate();
        let published_at = self.now();
        let draft = NoticeDraft::parse(
            input,
            &self.catalogue,
            published_at,
            &self.notice_link(notice_id),
        )?;
        let sms = draft.wants_sms(Action::Publish, None);
        Ok(Revision {
            notice_id,
            number: 1,
            action: Action::Publish,
            draft,
            published_at,
            sms,
        })
    }

    pub(super) fn require_operator(actor: &Actor) -> IntakeResult<()> {
        if actor.is_operator() {
            Ok(())
        } else {
            Err(IntakeError::Forbidden(
                "only operators publish and manage notices",
            ))
        }
    }

    /// Publishes a new notice: revision 1 and its fan-out job commit together; the
    /// delivery workers are woken.
    pub async fn publish_notice(
        &self,
        actor: &Actor,
        mut input: NoticeInput,
        keep: Option<Keep<'_, Publication>>,
    ) -> IntakeResult<Publication> {
        Self::require_operator(actor)?;
        if input.action.as_deref().is_some_and(|a| a != "publish") {
            return Err(FieldErrors::single(
                "action",
                "must be left out (or publish) here; revise at /api/v1/notices/{id}/revisions",
            )
            .into());
        }
        let reports = self
            .answered_reports(input.fault_reports.as_deref())
            .await?;
        let mut e = FieldErrors::new();
        let hold = super::pending::Hold::take(&mut input, self.now(), &mut e);
        let mut rev = match (self.first_revision(input), e.is_empty()) {
            (Ok(rev), true) => rev,
            (Ok(_), false) => return Err(e.into()),
            (Err(IntakeError::Invalid(more)), _) => {
                e.extend_prefixed("", more);
                return Err(e.into());
            }
            (Err(other), _) => return Err(other),
        };
        if let Some(p) = self.hold_or_publish(actor, &rev, hold, keep).await? {
            return Ok(p);
        }
        let id = rev.notice_id;
        let (sends, plan) = self.publication_effect(&rev);
        rev.sms = sends.sms;
        let audit = self.event(actor, "notice.publish", "notice", id.to_text(), None);
        let published = Publication::Published(rev.clone());
        let answer = |_: &()| keep.map(|k| (k.answer)(&published)).unwrap_or_default();
        made(
            self.store
                .publish_notice_keyed(
                    &rev,
                    sends,
                    &plan,
                    &actor.audit_name(),
                    &audit,
                    keep.map(|k| k.answering(&answer)),
                )
                .await?,
        )?;
        self.published(&rev, !plan.is_empty());
        self.link_reports(actor, id, &reports).await?;
        Ok(published)
    }

    /// After revision 1 of a notice is stored: the outputs are renewed and the workers
    /// (and, for a plan, the scheduler) woken.
    pub(super) fn published(&self, rev: &Revision, planned: bool) {
        self.public_changed();
        self.outbox.notify_waiters();
        if planned {
            self.plans.notify_waiters();
        }
        tracing::info!(notice = %rev.notice_id, kind = %rev.draft.kind, sms = rev.sms, "notice published");
    }

    /// Adds a revision (update, end, reschedule, cancel) to a notice.
    pub async fn revise_notice(
        &self,
        actor: &Actor,
        id: NoticeId,
        input: NoticeInput,
        keep: Option<Keep<'_, Revision>>,
    ) -> IntakeResult<Revision> {
        Self::require_operator(actor)?;
        let action = revision_action(&input)?;
        super::pending::only_when_publishing(&input)?;
        let reports = self
            .answered_reports(input.fault_reports.as_deref())
            .await?;
        for _ in 0..REVISION_RACE_RETRIES {
            let mut rev = self.next_revision(id, action, input.clone()).await?;
            let (sends, plan) = self.revision_effect(&rev).await?;
            rev.sms = sends.sms;
            let sms = rev.sms;
            let audit = self.event(actor, "notice.revise", "notice", id.to_text(), None);
            let answer = |_: &bool| keep.map(|k| (k.answer)(&rev)).unwrap_or_default();
            let added = self
                .store
                .add_revision_keyed(
                    &rev,
                    sends,
                    &plan,
                    &actor.audit_name(),
                    &audit,
                    keep.map(|k| k.answering(&answer)),
                )
                .await?;
            if made(added)? {
                self.public_changed();
                self.outbox.notify_waiters();
                if plan.replace.is_some() {
                    self.plans.notify_waiters();
                }
                tracing::info!(notice = %id, revision = rev.number, action = %action, sms, "notice revised");
                self.link_reports(actor, id, &reports).await?;
                return Ok(rev);
            }
        }
        Err(IntakeError::Internal(anyhow::anyhow!(
            "notice {id} kept changing under concurrent revisions"
        )))
    }

    /// What publishing `input` would do; nothing is stored.
    pub async fn preview_notice(
        &self,
        actor: &Actor,
        input: NoticeInput,
    ) -> IntakeResult<NoticePreview> {
        Self::require_operator(actor)?;
        self.answered_reports(input.fault_reports.as_deref())
            .await?;
        let mut rev = self.first_revision(input)?;
        // Maintenance reaches the same people over its plan: email, then the SMS reminder.
        if rev.draft.kind.is_planned() {
            rev.sms = true;
        }
        let sends = crate::notices::Sends {
            email: true,
            sms: rev.sms,
        };
        self.preview_of(&rev, sends).await
    }

    /// The revision that `action` with `input` would add to notice `id` now, validated.
    async fn next_revision(
        &self,
        id: NoticeId,
        action: Action,
        input: NoticeInput,
    ) -> IntakeResult<Revision> {
        let current = self
            .store
            .notice_revisions(id)
            .await?
            .pop()
            .ok_or(IntakeError::NotFound)?;
        let now = self.now();
        let draft = revise(
            &current.draft,
            action,
            input,
            &self.catalogue,
            now,
            &self.notice_link(id),
        )?;
        Ok(Revision {
            notice_id: id,
            number: current.number + 1,
            action,
            sms: draft.wants_sms(action, Some(&current.draft)),
            draft,
            published_at: now,
        })
    }

    /// What revising notice `id` with `input` would do; nothing is stored.
    pub async fn preview_revision(
        &self,
        actor: &Actor,
        id: NoticeId,
        input: NoticeInput,
    ) -> IntakeResult<NoticePreview> {
        Self::require_operator(actor)?;
        let action = revision_action(&input)?;
        // Checked as publishing would, so that the preview names a bad report.
        self.answered_reports(input.fault_reports.as_deref())
            .await?;
        let mut rev = self.next_revision(id, action, input).await?;
        let (sends, _) = self.revision_effect(&rev).await?;
        rev.sms = sends.sms;
        self.preview_of(&rev, sends).await
    }

    /// Who `rev` would reach over `sends`, and each language's email and SMS.
    async fn preview_of(
        &self,
        rev: &Revision,
        sends: crate::notices::Sends,
    ) -> IntakeResult<NoticePreview> {
        let link = self.notice_link(rev.notice_id);
        let mut recipients: BTreeMap<String, PreviewCount> = Language::ALL
            .iter()
            .map(|l| (l.code().to_owned(), PreviewCount::default()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut cursor = String::new();
        loop {
            let (batch, next) = self
                .store
                .fanout_targets(rev, sends, &cursor, PREVIEW_BATCH)
                .await?;
            for r in batch {
                if seen.insert((r.channel, r.address_key)) {
                    let c = recipients.entry(r.language.code().to_owned()).or_default();
                    match r.channel {
                        Channel::Email => c.email += 1,
                        Channel::Sms => c.sms += 1,
                    }
                }
            }
            match next {
                Some(n) => cursor = n,
                None => break,
            }
        }
        let mut sms_texts = BTreeMap::new();
        let mut email = BTreeMap::new();
        for lang in Language::ALL {
            if let Ok(t) =
                rev.draft
                    .texts
                    .sms_text(*lang, rev.draft.issuer.as_ref(), rev.draft.status, &link)
            {
                sms_texts.insert(
                    lang.code().to_owned(),
                    SmsPreview {
                        text: t.as_str().to_owned(),
                        encoding: t.encoding(),
                        parts: t.parts(),
                    },
                );
            }
            email.insert(
                lang.code().to_owned(),
                render_email(
                    rev,
                    *lang,
                    None,
                    &self.catalogue,
                    EmailLinks {
                        notice: &link,
                        manage: &format!("{}/portal?lang={}", self.public_url, lang.code()),
                        // Signed for each delivery when sent.
                        acknowledge: rev
                            .asks_acknowledgement()
                            .then(|| format!("{}/links/ack?t=…", self.public_url))
                            .as_deref(),
                    },
                    self.plan_rules.is_short_notice(rev),
                ),
            );
        }
        Ok(NoticePreview {
            recipients,
            sms: rev.sms,
            sms_texts,
            email,
        })
    }

    /// Re-drives the latest revision's dead and failed deliveries.
    pub async fn retry_deliveries(
        &self,
        actor: &Actor,
        id: NoticeId,
        keep: Option<Keep<'_, u64>>,
    ) -> IntakeResult<u64> {
        Self::require_operator(actor)?;
        let revision = self.revision_number(id, None).await?;
        let now = self.now();
        let audit = self.event(actor, "notice.redrive", "notice", id.to_text(), None);
        let n = made(
            self.store
                .redrive_deliveries(id, revision, (now, now + self.max_age), &audit, keep)
                .await?,
        )?;
        self.outbox.notify_waiters();
        Ok(n)
    }

    async fn revision_number(&self, id: NoticeId, revision: Option<i32>) -> IntakeResult<i32> {
        let revs = self.store.notice_revisions(id).await?;
        Revision::pick(&revs, revision).ok_or(IntakeError::NotFound)
    }

    /// Records a verified SMS delivery receipt (the signature is checked at the edge).
    pub async fn record_receipt(
        &self,
        reference: Option<&str>,
        external_id: Option<&str>,
        address: Option<&str>,
        delivered: bool,
    ) -> IntakeResult<bool> {
        Ok(self
            .store
            .apply_receipt(reference, external_id, address, delivered, self.now())
            .await?)
    }

    /// The age limit of messages.
    pub fn max_age(&self) -> chrono::Duration {
        self.max_age
    }
}
