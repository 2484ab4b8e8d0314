//! The daemon's delivery loop: the engine's steps overlapped. Whenever half the in-flight
//! room is free, one pull claims what is due and expands the next batch of a fan-out
//! leased to this daemon; `workers` × 4 senders take the send groups from one queue; a
//! recorder writes outcomes as they arrive; a renewer keeps the leases of what is still
//! held (`leases.rs`). So every relay connection stays busy while a batch is being expanded
//! and another recorded, and a first attempt costs one insert and one outcome write.
//! (`Deliverer::round` runs the same steps one after another, for tests.)

use super::engine::{Deliverer, POLL_INTERVAL};
use super::leases::Held;
use crate::store::{ClaimedDelivery, Outcome};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Claimed and not yet recorded deliveries, per worker: enough that a send never waits
/// for a claim or an outcome write, few enough that a crash re-sends little.
const IN_FLIGHT_PER_WORKER: u32 = 64;
/// Sender tasks per worker. A sender spends most of its time waiting (for its relay's
/// answer, for a gateway slot); with too few of them the runtime's threads park and wake
/// again for every message, which cost SMS a quarter of their CPU.
const SENDERS_PER_WORKER: u32 = 4;
/// Outcomes written in one transaction at most.
const RECORD_BATCH: usize = 1_024;
/// While a fan-out job is open but another daemon holds it for its batch, look again
/// this soon (it holds the job only while writing one batch).
const OPEN_JOB_RECHECK: std::time::Duration = std::time::Duration::from_millis(10);
/// How often the sender marks deliveries past their age limit and supersedes abandoned
/// attempts (claims skip those anyway, and the age limit is hours), and the longest an
/// on-duty page waits behind a fan-out.
const SWEEP_EVERY: chrono::Duration = chrono::Duration::seconds(5);

/// A send group waiting for a sender, with its share of the in-flight room.
struct Queued {
    group: Vec<ClaimedDelivery>,
    room: OwnedSemaphorePermit,
}

/// Outcomes of one send group, holding their room until written.
struct Attempted {
    outcomes: Vec<(ClaimedDelivery, Outcome)>,
    _room: OwnedSemaphorePermit,
}

/// What every sender shares.
struct Senders {
    queued: SendQueue,
    done: mpsc::UnboundedSender<Attempted>,
    held: Arc<Held>,
    shutdown: CancellationToken,
}

/// The senders' end of the queue: one waits on it at a time.
type SendQueue = Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Queued>>>;

impl Deliverer {
    /// Runs until `shutdown`. The loop sleeps until woken by a publish, until the next
    /// retry is due, or for the poll interval (other daemons on the same PostgreSQL publish
    /// too). On shutdown nothing more is taken or started; sends under way finish (bounded
    /// by the channel timeouts) and their outcomes are written, and what was claimed but
    /// not started is handed back for any daemon to claim at once.
    pub async fn run(self: Arc<Self>, wake: Arc<Notify>, shutdown: CancellationToken) {
        self.send_until(wake, shutdown).await;
    }

    async fn send_until(self: Arc<Self>, wake: Arc<Notify>, shutdown: CancellationToken) {
        let capacity = (self.workers * IN_FLIGHT_PER_WORKER) as usize;
        let room = Arc::new(Semaphore::new(capacity));
        let held = Arc::new(Held::default());
        let renewing = CancellationToken::new();
        let renewer = tokio::spawn(self.clone().renew_until(held.clone(), renewing.clone()));
        let (done, attempted) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(self.clone().record_until(attempted, held.clone()));
        let (queue, queued) = mpsc::unbounded_channel();
        let queued: SendQueue = Arc::new(tokio::sync::Mutex::new(queued));
        let shared = Arc::new(Senders {
            queued: queued.clone(),
            done,
            held: held.clone(),
            shutdown: shutdown.clone(),
        });
        let sender = |s: &mut JoinSet<()>| {
            s.spawn(self.clone().send_queued(shared.clone()));
        };
        let mut senders = JoinSet::new();
        for _ in 0..self.workers * SENDERS_PER_WORKER {
            sender(&mut senders);
        }
        let mut swept: Option<chrono::DateTime<chrono::Utc>> = None;
        while !shutdown.is_cancelled() {
            let published = wake.notified();
            tokio::pin!(published);
            published.as_mut().enable();
            // A sender that panicked lost its group (its room came back); replace it.
            while let Some(ended) = senders.try_join_next() {
                if let Err(e) = ended {
                    tracing::error!(error = %e, "a sender ended unexpectedly; starting another");
                    sender(&mut senders);
                }
            }
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
            let taken = match self.take(now, permit.num_permits() as u32).await {
                Ok(t) => t,
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "taking deliveries failed");
                    Default::default()
                }
            };
            let claimed = taken.claimed;
            held.hold(&claimed, now + self.lease);
            if claimed.is_empty() {
                drop(permit);
                if taken.expanded {
                    continue;
                }
                let Some(wait) = self.idle().await else {
                    continue;
                };
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = &mut published => {}
                    _ = tokio::time::sleep(wait) => {}
                }
                continue;
            }
            for group in self.groups(claimed) {
                let Some(room) = permit.split(group.len()) else {
                    break; // cannot happen: as many permits as claimed deliveries
                };
                // The senders outlive the queue; a closed queue cannot happen.
                let _ = queue.send(Queued { group, room });
            }
        }
        // The senders end at the shutdown, once the group each is sending is attempted;
        // what they had not started goes back.
        drop(queue);
        senders.join_all().await;
        drop(shared);
        let mut left = Vec::new();
        while let Ok(Queued { group, .. }) = queued.lock().await.try_recv() {
            left.extend(group);
        }
        self.hand_back(&held, &left).await;
        let _ = recorder.await;
        renewing.cancel();
        let _ = renewer.await;
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

    /// With no delivery due: sends system messages; `None` when some went (look again at
    /// once), else how long to wait for the next delivery to fall due.
    async fn idle(self: &Arc<Self>) -> Option<std::time::Duration> {
        match self.send_system_messages().await {
            Ok(n) if n > 0 => return None,
            Ok(_) => {}
            Err(e) => tracing::error!(error = format!("{e:#}"), "system messages failed"),
        }
        if self.store.fanout_open().await.unwrap_or(false) {
            return Some(OPEN_JOB_RECHECK);
        }
        Some(match self.store.next_delivery_due().await {
            Ok(Some(t)) => (t - self.clock.now_micros())
                .to_std()
                .unwrap_or_default()
                .min(POLL_INTERVAL),
            _ => POLL_INTERVAL,
        })
    }

    /// One of the senders: attempts queued groups one after another until the shutdown
    /// (or the queue is closed and empty), and hands their outcomes to the recorder.
    async fn send_queued(self: Arc<Self>, shared: Arc<Senders>) {
        let Senders {
            queued,
            done,
            held,
            shutdown,
        } = &*shared;
        loop {
            let next = tokio::select! {
                biased;
                _ = shutdown.cancelled() => None,
                next = async { queued.lock().await.recv().await } => next,
            };
            let Some(Queued { group, room }) = next else {
                break;
            };
            // Never start a send whose lease may run out before its outcome is written:
            // another daemon may claim it then (see `leases.rs`).
            let now = self.clock.now_micros();
            let (group, lapsed): (Vec<_>, Vec<_>) = group
                .into_iter()
                .partition(|d| held.sendable(d.id, now, self.send_margin()));
            if !lapsed.is_empty() {
                tracing::warn!(
                    n = lapsed.len(),
                    "leases ran out before sending; left to be claimed again"
                );
                held.release(lapsed.iter().map(|d| d.id));
            }
            if group.is_empty() {
                continue;
            }
            let outcomes = self.attempt(&group).await;
            let outcomes = group.into_iter().zip(outcomes).collect();
            // The recorder outlives every sender; a closed channel cannot happen.
            let _ = done.send(Attempted {
                outcomes,
                _room: room,
            });
        }
    }

    /// Writes outcomes as they arrive, many to a transaction, until every sender is gone:
    /// an outcome waits at most for the write in progress, never for a batch to fill.
    async fn record_until(
        self: Arc<Self>,
        mut attempted: mpsc::UnboundedReceiver<Attempted>,
        held: Arc<Held>,
    ) {
        let mut buf = Vec::new();
        while attempted.recv_many(&mut buf, RECORD_BATCH).await > 0 {
            let outcomes: Vec<(ClaimedDelivery, Outcome)> =
                buf.iter_mut().flat_map(|a| a.outcomes.drain(..)).collect();
            self.record(&outcomes).await;
            // Written, or left to their lease after the last try: either way no longer ours.
            held.release(outcomes.iter().map(|(d, _)| d.id));
            buf.clear();
        }
    }
}
