//! Step three, record: write outcomes many to a transaction, each fenced by its attempt
//! number, and count them for `/metrics`.

use super::engine::Deliverer;
use crate::notices::DeliveryState;
use crate::store::{ClaimedDelivery, Outcome};

/// Tries of an outcome write before leaving the deliveries to their lease (they are then
/// claimed and sent again: at least once, never lost).
const RECORD_TRIES: u32 = 10;
const RECORD_RETRY_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

impl Deliverer {
    /// Writes `outcomes` in one fenced batch, trying again while the database is away
    /// (an outage of seconds loses nothing); after the last try they are logged and left
    /// to their lease. Returns whether they were written.
    pub(super) async fn record(&self, outcomes: &[(ClaimedDelivery, Outcome)]) -> bool {
        self.count(outcomes);
        for attempt in 1..=RECORD_TRIES {
            match self
                .store
                .record_outcomes(outcomes, self.clock.now_micros())
                .await
            {
                Ok(_) => return true,
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
        false
    }

    /// Counts attempts by channel and outcome for `/metrics`.
    fn count(&self, outcomes: &[(ClaimedDelivery, Outcome)]) {
        for (d, o) in outcomes {
            let outcome = match o {
                Outcome::Sent { .. } => DeliveryState::Sent.code(),
                Outcome::Failed { .. } => DeliveryState::Failed.code(),
                Outcome::Retry { .. } => DeliveryState::Retry.code(),
                Outcome::Dead { .. } => DeliveryState::Dead.code(),
                Outcome::Paused { .. } => "paused",
            };
            self.counters.attempt(d.channel().code(), outcome);
        }
    }
}
