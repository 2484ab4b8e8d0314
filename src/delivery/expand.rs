//! Step one, expand: claim a fan-out job for one batch, read its next recipients, write
//! them — leased to this daemon and handed straight to its sender, or waiting for any
//! daemon's claim — and move the job's cursor, in one transaction.

use super::engine::Deliverer;
use crate::store::{ClaimedDelivery, Handover};

/// Contacts expanded per batch when the whole job is written waiting: large enough to be
/// fast, small enough that memory does not grow with the registry.
pub const FANOUT_BATCH: u32 = 500;
/// The first batch of a job is small, so the first messages go out at once.
const FIRST_FANOUT_BATCH: u32 = 32;

impl Deliverer {
    /// Expands one batch of the most urgent open fan-out job (faults first), for at most
    /// `room` deliveries, leased to this daemon: `None` when no job is open (or another
    /// daemon holds the only one for its batch), else what was handed over — possibly
    /// nothing, when the batch's contacts want none of the job's channels or a newer
    /// revision has reached them (then the batch waits for a claim).
    pub(super) async fn expand(&self, room: u32) -> anyhow::Result<Option<Vec<ClaimedDelivery>>> {
        let now = self.clock.now_micros();
        let until = now + self.lease;
        self.expand_batch(room, Handover::Lease(until)).await
    }

    /// Expands every open fan-out job into waiting deliveries, for any daemon to claim.
    /// Returns deliveries written. (The daemon expands as its sender has room; tests use
    /// this to set a queue up without sending.)
    pub async fn fan_out(&self) -> anyhow::Result<usize> {
        let mut written = 0;
        while let Some(batch) = self.expand_batch(FANOUT_BATCH, Handover::Queue).await? {
            written += batch.len();
        }
        Ok(written)
    }

    /// The step itself: `Some(handed)` once a batch was written, `None` when there was no
    /// job to expand. `room` bounds the deliveries written (a contact may have two).
    async fn expand_batch(
        &self,
        room: u32,
        handover: Handover,
    ) -> anyhow::Result<Option<Vec<ClaimedDelivery>>> {
        let now = self.clock.now_micros();
        let Some(job) = self
            .store
            .claim_fanout_job(&self.owner, now, now + self.lease)
            .await?
        else {
            return Ok(None);
        };
        let rev = self.revision(job.notice_id, job.revision).await?;
        let per_contact = u32::from(job.sends.email) + u32::from(job.sends.sms);
        let mut limit = (room / per_contact.max(1)).max(1);
        if job.cursor.is_empty() {
            limit = limit.min(FIRST_FANOUT_BATCH);
        }
        let (batch, next) = self
            .store
            .fanout_targets(&rev, job.sends, &job.cursor, limit)
            .await?;
        // A maintenance step's messages age from when the step fired, not from publication.
        let expires_at = job.created_at + self.max_age;
        let now = self.clock.now_micros();
        // Past its age limit nothing is sent: written waiting, the sweep marks it expired.
        let handover = if expires_at <= now {
            Handover::Queue
        } else {
            handover
        };
        let written = self
            .store
            .write_fanout_batch(&job, &batch, next.as_deref(), (now, expires_at), handover)
            .await?;
        let Some(handed) = written else {
            tracing::warn!(notice = %job.notice_id, "fan-out lease lost; another node continues");
            return Ok(Some(Vec::new()));
        };
        self.counters.fanned_out(batch.len());
        Ok(Some(handed))
    }
}
