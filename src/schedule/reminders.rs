//! Firing due reminder steps. Each step is a durable row fired in one transaction, so it
//! happens once however many daemons run; the loop sleeps until the next due time.

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

/// Fires due plan steps.
#[derive(Clone)]
pub struct Scheduler {
    intake: Intake,
    /// The longest sleep (`schedule.poll_secs`): plans written by another daemon are seen
    /// within this, and a clock step (NTP) cannot delay a step by more.
    max_sleep: Duration,
}

impl Scheduler {
    /// A scheduler acting through `intake`, sleeping at most `max_sleep`.
    pub fn new(intake: Intake, max_sleep: Duration) -> Self {
        Self { intake, max_sleep }
    }

    /// Fires every step due now (catching up after downtime). Returns how many were fired
    /// or skipped, and whether some due step was left (held by another daemon).
    pub async fn round(&self) -> anyhow::Result<(usize, bool)> {
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
                Ok((_, true)) => RETRY_SLEEP,
                Ok((_, false)) => self.until_next().await,
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
        match self.intake.store().next_reminder_due().await {
            Ok(Some(t)) => (t - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(self.max_sleep),
            Ok(None) => self.max_sleep,
            Err(_) => RETRY_SLEEP,
        }
    }
}
