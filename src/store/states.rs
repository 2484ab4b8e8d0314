//! Delivery states as SQL text. Every state and every set of states a statement names is
//! spelled here from `DeliveryState`, so that the names are written once and a new state
//! joins the sets it belongs to by itself. (Literal text, not bound parameters: the partial
//! indexes on `state` are used only when a statement names the same states.)

use crate::notices::DeliveryState;
use std::sync::LazyLock;

/// One state, `'code'`.
pub(super) fn one(s: DeliveryState) -> String {
    format!("'{}'", s.code())
}

/// The states that `pick` keeps as an SQL list, `('pending', 'retry', …)`.
pub(super) fn states_sql(pick: impl Fn(DeliveryState) -> bool) -> String {
    let codes: Vec<String> = DeliveryState::ALL
        .iter()
        .filter(|s| pick(**s))
        .map(|s| one(*s))
        .collect();
    format!("({})", codes.join(", "))
}

/// Not yet final: waiting, in flight or waiting to retry.
/// A delivery in flight: leased to a sender.
pub(super) static SENDING: LazyLock<String> = LazyLock::new(|| one(DeliveryState::Sending));
pub(super) static UNFINISHED: LazyLock<String> =
    LazyLock::new(|| states_sql(DeliveryState::is_pending));
/// Final.
pub(super) static FINISHED: LazyLock<String> = LazyLock::new(|| states_sql(|s| !s.is_pending()));
/// Waiting for an attempt.
pub(super) static WAITING: LazyLock<String> =
    LazyLock::new(|| states_sql(DeliveryState::is_waiting));
/// On the way to the address or there.
pub(super) static REACHED: LazyLock<String> =
    LazyLock::new(|| states_sql(DeliveryState::has_reached));
/// Given up, for re-drive.
pub(super) static REDRIVABLE: LazyLock<String> =
    LazyLock::new(|| states_sql(DeliveryState::is_redrivable));
/// A receipt may still report on it.
pub(super) static AWAITING_RECEIPT: LazyLock<String> =
    LazyLock::new(|| states_sql(DeliveryState::awaits_receipt));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_sets_are_spelled_from_the_vocabulary() {
        assert_eq!(
            *FINISHED,
            "('sent', 'delivered', 'undeliverable', 'failed', 'superseded', 'expired', 'dead', 'bounced')"
        );
        assert_eq!(*UNFINISHED, "('pending', 'sending', 'retry')");
        // The partial indexes of the migrations name exactly these.
        assert_eq!(*WAITING, "('pending', 'retry')");
        assert_eq!(*REACHED, "('sending', 'sent', 'delivered')");
        assert_eq!(one(DeliveryState::Sending), "'sending'");
    }
}
