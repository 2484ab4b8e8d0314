//! The delivery ledger as operators read it: one record per delivery (a revision to one
//! address by one channel), and the counts per channel of a revision.

use super::vocabulary::DeliveryState;
use crate::registry::{Address, Channel, Language};
use chrono::{DateTime, Utc};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::collections::BTreeMap;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, schema::SchemaType};

/// One delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub revision: i32,
    pub channel: Channel,
    /// None once the recipient was deleted (its personal data erased).
    pub address: Option<Address>,
    pub language: Language,
    pub state: DeliveryState,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// When a waiting delivery is next tried.
    pub next_attempt_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A delivery to one of an organisation's own contacts ("did we get it?").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactDelivery {
    pub notice: super::NoticeId,
    /// The contact's name.
    pub contact: String,
    pub record: DeliveryRecord,
}

/// The delivery an acknowledgement link names: what went to whom, and whether it was
/// acknowledged already.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcknowledgementTarget {
    pub delivery: i64,
    pub notice: super::NoticeId,
    pub revision: i32,
    pub channel: Channel,
    pub org: crate::registry::OrgId,
    pub org_name: String,
    pub contact: crate::registry::ContactId,
    pub contact_name: String,
    /// When the delivery was made (a short SMS code is good for a while after it).
    pub sent_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// Counts per state for one channel: answered as `total`, `pending` (every delivery not
/// yet in a terminal state) and one count per terminal state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelSummary {
    counts: BTreeMap<DeliveryState, i64>,
}

impl ChannelSummary {
    /// Counts `n` more deliveries in `state`.
    pub fn add(&mut self, state: DeliveryState, n: i64) {
        *self.counts.entry(state).or_default() += n;
    }

    /// Every delivery.
    pub fn total(&self) -> i64 {
        self.counts.values().sum()
    }

    /// Deliveries not yet in a terminal state.
    pub fn pending(&self) -> i64 {
        self.counts
            .iter()
            .filter(|(s, _)| s.is_pending())
            .map(|(_, n)| n)
            .sum()
    }

    /// Deliveries in `state`.
    pub fn count(&self, state: DeliveryState) -> i64 {
        self.counts.get(&state).copied().unwrap_or(0)
    }

    /// The terminal states, each answered with its own count.
    fn terminal() -> impl Iterator<Item = DeliveryState> {
        DeliveryState::ALL
            .iter()
            .copied()
            .filter(|s| !s.is_pending())
    }
}

impl Serialize for ChannelSummary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("total", &self.total())?;
        map.serialize_entry("pending", &self.pending())?;
        for state in Self::terminal() {
            map.serialize_entry(state.code(), &self.count(state))?;
        }
        map.end()
    }
}

impl utoipa::PartialSchema for ChannelSummary {
    fn schema() -> RefOr<Schema> {
        let count = || ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer));
        let mut object = ObjectBuilder::new()
            .description(Some(
                "Deliveries of one channel: total, pending (not yet in a terminal state) and each terminal state",
            ))
            .property("total", count())
            .required("total")
            .property("pending", count())
            .required("pending");
        for state in Self::terminal() {
            object = object
                .property(state.code(), count())
                .required(state.code());
        }
        object.into()
    }
}

impl utoipa::ToSchema for ChannelSummary {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_counts_pending_states_together_and_each_terminal_one_apart() {
        let mut s = ChannelSummary::default();
        s.add(DeliveryState::Pending, 2);
        s.add(DeliveryState::Sending, 1);
        s.add(DeliveryState::Sent, 5);
        s.add(DeliveryState::Dead, 1);
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["total"], 9);
        assert_eq!(v["pending"], 3);
        assert_eq!(v["sent"], 5);
        assert_eq!(v["dead"], 1);
        assert_eq!(v["delivered"], 0);
        assert!(
            v.get("sending").is_none(),
            "pending states are counted together"
        );
        assert_eq!(v["bounced"], 0);
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys.len(),
            2 + 8,
            "total, pending and each of the eight terminal states"
        );
    }
}
