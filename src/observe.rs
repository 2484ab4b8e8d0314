//! What the workers know that others show: how deliveries turn out (counters for
//! `/metrics`), and which channels a configuration fault has paused (for the console).

use chrono::{DateTime, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    channel: &'static str,
    outcome: &'static str,
}

/// Delivery attempts by channel and outcome, and deliveries written by fan-out.
#[derive(Clone, Debug, Default)]
pub struct DeliveryCounters {
    attempts: Family<OutcomeLabels, Counter>,
    fanned_out: Counter,
}

impl DeliveryCounters {
    /// Counts one attempt's outcome (`sent`, `failed`, `retry`, `dead`, `paused`).
    pub fn attempt(&self, channel: &'static str, outcome: &'static str) {
        self.attempts
            .get_or_create(&OutcomeLabels { channel, outcome })
            .inc();
    }

    /// Counts deliveries written by fan-out.
    pub fn fanned_out(&self, n: usize) {
        self.fanned_out.inc_by(n as u64);
    }

    /// Adds the counters to a registry.
    pub fn register(&self, registry: &mut prometheus_client::registry::Registry) {
        registry.register(
            "delivery_attempts",
            "Delivery attempts by channel and outcome",
            self.attempts.clone(),
        );
        registry.register(
            "fanout_deliveries",
            "Deliveries written by fan-out",
            self.fanned_out.clone(),
        );
    }
}

/// The channels a configuration fault (a refused login, a wrong gateway token) has paused on
/// this daemon, and until when; the workers pause them, the console shows them.
#[derive(Clone, Debug, Default)]
pub struct ChannelPauses(Arc<Mutex<BTreeMap<&'static str, DateTime<Utc>>>>);

impl ChannelPauses {
    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, DateTime<Utc>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Pauses `channel` until `until`.
    pub fn pause(&self, channel: &'static str, until: DateTime<Utc>) {
        self.map().insert(channel, until);
    }

    /// Until when `channel` is paused, if it is at `now`.
    pub fn until(&self, channel: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.map().get(channel).copied().filter(|u| *u > now)
    }

    /// The channels paused at `now`, with until when.
    pub fn active(&self, now: DateTime<Utc>) -> Vec<(&'static str, DateTime<Utc>)> {
        self.map()
            .iter()
            .filter(|(_, u)| **u > now)
            .map(|(c, u)| (*c, *u))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_holds_until_its_time_and_is_seen_by_every_holder() {
        let now = Utc::now();
        let workers = ChannelPauses::default();
        let console = workers.clone();
        workers.pause("sms", now + chrono::Duration::minutes(5));
        assert_eq!(
            console.until("sms", now),
            Some(now + chrono::Duration::minutes(5))
        );
        assert_eq!(console.until("email", now), None);
        assert_eq!(console.active(now).len(), 1);
        assert!(
            console
                .active(now + chrono::Duration::minutes(5))
                .is_empty()
        );
    }
}
