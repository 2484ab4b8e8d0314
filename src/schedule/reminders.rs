//! Firing due reminder steps (and the housekeeping jobs). Each step is a durable row fired in one transaction, so it
//! happens once however many daemons run; the loop sleeps until the next due time.

use super::Housekeeping;
use crate::intake::Intake;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Steps read per query while catching up.
const BATCH: u32 = 100;
/// After a round that could not fire everything due (another daemon holds a step, the
/// database was away), try again this soon.
const RETRY_SLEEP: Duration = Duration::from_secs(2);

/// What a scheduler round did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Round {
    /// Plan steps fired or skipped.
    pub steps: usize,
    /// Housekeeping jobs run on this daemon.
    pub jobs: usize,
    /// Some due step was held by another daemon (try again soon).
    pub left: bool,
    /// Organisations escalated on this daemon.
    pub escalated: usize,
    /// Scheduled notices published on this daemon.
    pub published: usize,
}

/// Fires due plan steps.
#[derive(Clone)]
pub struct Scheduler {
    intake: Intake,
    /// The longest sleep (`schedule.poll_secs`): plans written by another daemon are seen
    /// within this, and a clock step (NTP) cannot delay a step by more.
    max_sleep: Duration,
    housekeeping: Option<Arc<Housekeeping>>,
}

impl Scheduler {
    /// A scheduler acting through `intake`, sleeping at most `max_sleep`.
    pub fn new(intake: Intake, max_sleep: Duration) -> Self {
        Self {
            intake,
            max_sleep,
            housekeeping: None,
        }
    }

    /// Also runs the cron housekeeping jobs.
    pub fn with_housekeeping(mut self, h: Arc<Housekeeping>) -> Self {
        self.housekeeping = Some(h);
        self
    }

    /// Fires every step due now (catching up after downtime), then runs the housekeeping
    /// jobs due.
    pub async fn round(&self) -> anyhow::Result<Round> {
        let published = self.intake.publish_due_notices().await?;
        let (steps, left) = self.reminders().await?;
        let (jobs, escalated) = match &self.housekeeping {
            Some(h) => (h.round().await?, h.escalate().await?),
            None => (0, 0),
        };
        Ok(Round {
            steps,
            jobs,
            left,
            escalated,
            published,
        })
    }

    async fn reminders(&self) -> anyhow::Result<(usize, bool)> {
        let store = self.intake.store();
        let mut handled = 0;
        loop {
            let now = self.intake.clock().now_micros();
            let due = store.due_reminders(now, BATCH).await?;
            if due.is_empty() {
                return Ok((handled, false));
            }
            let mut fired = 0;
            for r in &due {
                match self.intake.fire_reminder(r).await {
                    Ok(true) => fired += 1,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(notice = %r.notice_id, step = %r.step, error = %e, "cannot fire a reminder now")
                    }
                }
            }
            handled += fired;
            if fired < due.len() {
                return Ok((handled, true));
            }
        }
    }

    /// Runs until `shutdown`: a round, then sleep until the next due step, a plan change
    /// (`wake`) or `schedule.poll_secs`, whichever comes first.
    pub async fn run(self, wake: Arc<Notify>, shutdown: CancellationToken) {
        loop {
            let notified = wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let sleep = match self.round().await {
                Ok(r) if r.left => RETRY_SLEEP,
                Ok(_) => self.until_next().await,
                Err(e) => {
                    tracing::warn!(error = %e, "scheduler round failed; retrying");
                    RETRY_SLEEP
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = &mut notified => {}
                _ = shutdown.cancelled() => return,
            }
        }
    }

    /// How long until the next planned step, at most `schedule.poll_secs`.
    async fn until_next(&self) -> Duration {
        let now = self.intake.clock().now_micros();
        let reminder = match self.intake.store().next_reminder_due().await {
            Ok(t) => t,
            Err(_) => return RETRY_SLEEP,
        };
        let job = match &self.housekeeping {
            Some(h) => h.next_due().await,
            None => None,
        };
        let publication = self.intake.next_publication().await.unwrap_or(None);
        match [reminder, job, publication].into_iter().flatten().min() {
            Some(t) => (t - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(self.max_sleep),
            None => self.max_sleep,
        }
    }
}
