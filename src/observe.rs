//! Counters that the workers keep and `/metrics` shows: how deliveries turn out.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;

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
