//! The daemon's delivery loops. Expansion runs beside sending, so the first messages go
//! out while a large fan-out is still being expanded; and sending is a pipeline — claims,
//! sends and outcome writes overlap, so every relay connection stays busy while a batch
//! is being claimed and another recorded. (`Deliverer::round` does the same work one step
//! at a time, for tests that drive the workers.)

use super::worker::{Deliverer, POLL_INTERVAL};
use crate::store::{ClaimedDelivery, Outcome};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Claimed and not yet recorded deliveries, per worker: enough that a send never waits
/// for a claim or an outcome write, few enough that a crash re-sends little.
const IN_FLIGHT_PER_WORKER: u32 = 64;
/// Outcomes written in one transaction at most.
const RECORD_BATCH: usize = 1_024;
/// Tries of an outcome write before leaving the deliveries to their lease (they are then
/// claimed and sent again: at least once, never lost).
const RECORD_TRIES: u32 = 10;
const RECORD_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);
/// How often the sender marks deliveries past their age limit and supersedes abandoned
/// attempts (claims skip those anyway, and the age limit is hours), and the longest an
/// on-duty page waits behind a fan-out.
const SWEEP_EVERY: chrono::Duration = chrono::Duration::seconds(5);

/// Outcomes of one send group, holding their in-flight room until written.
struct Attempted {
    outcomes: Vec<(ClaimedDelivery, Outcome)>,
    _room: OwnedSemaphorePermit,
}

impl Deliverer {
    /// Runs until `shutdown`. Each loop sleeps until woken by a publish (the sender also by
    /// each expanded batch), until the next retry is due, or for the poll interval. On
    /// shutdown nothing more is claimed; in-flight sends finish (bounded by the channel
    /// timeouts) and their outcomes are written before this returns.
    pub async fn run(self: Arc<Self>, wake: Arc<Notify>, shutdown: CancellationToken) {
        tokio::join!(
            self.clone().expand_until(wake.clone(), shutdown.clone()),
            self.send_until(wake, shutdown)
        );
    }

    async fn expand_until(self: Arc<Self>, wake: Arc<Notify>, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            let notified = wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.fan_out().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = format!("{e:#}"), "fan-out failed"),
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = &mut notified => {}
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
    }

    async fn send_until(self: Arc<Self>, wake: Arc<Notify>, shutdown: CancellationToken) {
        let capacity = (self.workers * IN_FLIGHT_PER_WORKER) as usize;
        let room = Arc::new(Semaphore::new(capacity));
        let gate = Arc::new(Semaphore::new(self.workers as usize));
        let (done, attempted) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(self.clone().record(attempted));
        let mut sends = JoinSet::new();
        let mut swept: Option<chrono::DateTime<chrono::Utc>> = None;
        while !shutdown.is_cancelled() {
            let published = wake.notified();
            let expanded = self.expanded.notified();
            tokio::pin!(published, expanded);
            published.as_mut().enable();
            expanded.as_mut().enable();
            while sends.try_join_next().is_some() {}
            // Claim once half the room is free, so that claims come in large batches.
            let mut permit = tokio::select! {
                _ = shutdown.cancelled() => break,
                p = room.clone().acquire_many_owned((capacity / 2) as u32) => match p {
                    Ok(p) => p,
                    Err(_) => break,
                },
            };
            if let Ok(more) = room
                .clone()
                .try_acquire_many_owned(room.available_permits() as u32)
            {
                permit.merge(more);
            }
            let now = self.clock.now_micros();
            self.sweep_if_due(&mut swept, now).await;
            let claimed = self.claim(now, permit.num_permits() as u32).await;
            if claimed.is_empty() {
                drop(permit);
                let Some(wait) = self.idle().await else {
                    continue;
                };
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = &mut published => {}
                    _ = &mut expanded => {}
                    _ = tokio::time::sleep(wait) => {}
                }
                continue;
            }
            self.spawn_sends(claimed, permit, &gate, &done, &mut sends);
        }
        sends.join_all().await;
        drop(done);
        let _ = recorder.await;
    }

    /// Marks deliveries past their age limit, supersedes abandoned attempts and sends
    /// urgent system messages (on-duty pages, which must not wait for a fan-out to end), at
    /// most every `SWEEP_EVERY`.
    async fn sweep_if_due(self: &Arc<Self>, swept: &mut Option<DateTime<Utc>>, now: DateTime<Utc>) {
        if swept.is_none_or(|t| now - t >= SWEEP_EVERY) {
            match self.store.sweep_deliveries(now).await {
                Ok(()) => *swept = Some(now),
                Err(e) => tracing::error!(error = format!("{e:#}"), "sweeping deliveries failed"),
            }
            if let Err(e) = self.send_urgent_messages().await {
                tracing::error!(error = format!("{e:#}"), "urgent system messages failed");
            }
        }
    }

    /// Claims up to `wanted` due deliveries (none when the database fails; logged).
    async fn claim(&self, now: DateTime<Utc>, wanted: u32) -> Vec<ClaimedDelivery> {
        match self.store.claim_due(now, now + self.lease, wanted).await {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "claiming deliveries failed");
                Vec::new()
            }
        }
    }

    /// With no delivery due: sends system messages; `None` when some went (look again at
    /// once), else how long to wait for the next delivery to fall due.
    async fn idle(self: &Arc<Self>) -> Option<std::time::Duration> {
        match self.send_system_messages().await {
            Ok(n) if n > 0 => return None,
            Ok(_) => {}
            Err(e) => tracing::error!(error = format!("{e:#}"), "system messages failed"),
        }
        Some(match self.store.next_delivery_due().await {
            Ok(Some(t)) => (t - self.clock.now_micros())
                .to_std()
                .unwrap_or_default()
                .min(POLL_INTERVAL),
            _ => POLL_INTERVAL,
        })
    }

    /// Sends each group of `claimed` on its own task (at most as many at once as `gate`
    /// lets through), each holding its share of `permit` until its outcomes are written.
    fn spawn_sends(
        self: &Arc<Self>,
        claimed: Vec<ClaimedDelivery>,
        mut permit: OwnedSemaphorePermit,
        gate: &Arc<Semaphore>,
        done: &mpsc::UnboundedSender<Attempted>,
        sends: &mut JoinSet<()>,
    ) {
        for group in self.groups(claimed) {
            let Some(held) = permit.split(group.len()) else {
                break; // cannot happen: as many permits as claimed deliveries
            };
            let (me, gate, done) = (self.clone(), gate.clone(), done.clone());
            sends.spawn(async move {
                let _sending = gate.acquire_owned().await;
                let outcomes = me.attempt(&group).await;
                let outcomes = group.into_iter().zip(outcomes).collect();
                // The recorder outlives every send; a closed channel cannot happen.
                let _ = done.send(Attempted {
                    outcomes,
                    _room: held,
                });
            });
        }
    }

    /// Writes outcomes as they arrive, many to a transaction, until every sender is gone.
    async fn record(self: Arc<Self>, mut attempted: mpsc::UnboundedReceiver<Attempted>) {
        let mut buf = Vec::new();
        while attempted.recv_many(&mut buf, RECORD_BATCH).await > 0 {
            let outcomes: Vec<(ClaimedDelivery, Outcome)> =
                buf.iter_mut().flat_map(|a| a.outcomes.drain(..)).collect();
            self.count(&outcomes);
            for attempt in 1..=RECORD_TRIES {
                match self
                    .store
                    .record_outcomes(&outcomes, self.clock.now_micros())
                    .await
                {
                    Ok(_) => break,
                    Err(e) if attempt < RECORD_TRIES => {
                        tracing::warn!(
                            error = format!("{e:#}"),
                            attempt,
                            "recording outcomes failed; trying again"
                        );
                        tokio::time::sleep(RECORD_RETRY_PAUSE).await;
                    }
                    Err(e) => tracing::error!(
                        error = format!("{e:#}"),
                        n = outcomes.len(),
                        "outcomes not recorded; their leases will expire and they will be sent again"
                    ),
                }
            }
            buf.clear();
        }
    }
}
