//! The leases of what this daemon holds. A claimed delivery waits in the send queue while
//! its channel works through what is ahead of it, and a slow channel — an SMS gateway that
//! takes a few messages a second, a relay that times out — can keep it there longer than
//! its lease. After that any daemon, this one included, may claim it again, and it would go
//! out twice. So the daemon renews the leases of what it still holds well before they run
//! out, and never starts a send whose lease is about to run out (a daemon that was stopped,
//! or could not reach the database to renew): that delivery is left to be claimed again.

use super::engine::Deliverer;
use crate::store::ClaimedDelivery;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// Deliveries this daemon has claimed and not yet recorded: their attempt and lease.
#[derive(Default)]
pub(super) struct Held(Mutex<HashMap<i64, (i32, DateTime<Utc>)>>);

impl Held {
    /// Holds `claimed`, leased until `until`.
    pub fn hold(&self, claimed: &[ClaimedDelivery], until: DateTime<Utc>) {
        let mut held = self.lock();
        for d in claimed {
            held.insert(d.id, (d.attempt, until));
        }
    }

    /// Lets go of deliveries recorded (or left to their lease).
    pub fn release(&self, ids: impl IntoIterator<Item = i64>) {
        let mut held = self.lock();
        for id in ids {
            held.remove(&id);
        }
    }

    /// Whether delivery `id` is held with at least `margin` of its lease left at `now`.
    pub fn sendable(&self, id: i64, now: DateTime<Utc>, margin: Duration) -> bool {
        self.lock()
            .get(&id)
            .is_some_and(|(_, until)| *until - now >= margin)
    }

    /// The deliveries whose lease runs out before `before`, with their attempt.
    fn expiring(&self, before: DateTime<Utc>) -> Vec<(i64, i32)> {
        self.lock()
            .iter()
            .filter(|(_, (_, until))| *until < before)
            .map(|(id, (attempt, _))| (*id, *attempt))
            .collect()
    }

    /// Records a renewal to `until` of `renewed` out of `asked`; the others are no longer
    /// ours to send.
    fn renewed(&self, asked: &[(i64, i32)], renewed: &[i64], until: DateTime<Utc>) {
        let mut held = self.lock();
        for id in renewed {
            if let Some(h) = held.get_mut(id) {
                h.1 = until;
            }
        }
        let renewed: std::collections::HashSet<&i64> = renewed.iter().collect();
        for (id, _) in asked {
            if !renewed.contains(id) {
                held.remove(id);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, (i32, DateTime<Utc>)>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Deliverer {
    /// How often held leases are looked at: a quarter of the lease, so that a held
    /// delivery always has at least half of its lease left.
    pub(super) fn renew_every(&self) -> std::time::Duration {
        (self.lease / 4)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(1))
            .max(std::time::Duration::from_millis(100))
    }

    /// The least lease a send may start with: what a renewal round leaves at worst, halved.
    pub(super) fn send_margin(&self) -> Duration {
        self.lease / 4
    }

    /// Renews held leases every `renew_every` until `stop`.
    pub(super) async fn renew_until(
        self: std::sync::Arc<Self>,
        held: std::sync::Arc<Held>,
        stop: tokio_util::sync::CancellationToken,
    ) {
        let mut tick = tokio::time::interval(self.renew_every());
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tick.tick() => self.renew_held(&held).await,
            }
        }
    }

    /// Hands `left` (claimed, never started) back: their leases end now, so that any
    /// daemon claims them at once instead of after the lease.
    pub(super) async fn hand_back(&self, held: &Held, left: &[ClaimedDelivery]) {
        if left.is_empty() {
            return;
        }
        held.release(left.iter().map(|d| d.id));
        let pairs: Vec<(i64, i32)> = left.iter().map(|d| (d.id, d.attempt)).collect();
        match self
            .store
            .renew_leases(&pairs, self.clock.now_micros())
            .await
        {
            Ok(back) => tracing::info!(n = back.len(), "deliveries not started handed back"),
            Err(e) => tracing::warn!(
                error = format!("{e:#}"),
                n = left.len(),
                "handing back deliveries failed; they are claimed again after their lease"
            ),
        }
    }

    /// Renews the leases of held deliveries that are past a quarter of their lease.
    pub(super) async fn renew_held(&self, held: &Held) {
        let now = self.clock.now_micros();
        let expiring = held.expiring(now + self.lease * 3 / 4);
        if expiring.is_empty() {
            return;
        }
        let until = now + self.lease;
        match self.store.renew_leases(&expiring, until).await {
            Ok(renewed) => held.renewed(&expiring, &renewed, until),
            Err(e) => tracing::warn!(
                error = format!("{e:#}"),
                n = expiring.len(),
                "renewing leases failed; deliveries whose lease runs out are left to be claimed again"
            ),
        }
    }
}
