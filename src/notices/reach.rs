//! Reach per organisation (console.md): for a notice that asks to be acknowledged, each
//! organisation it was sent to is unreached, reached (a relay's 250 for an email or a
//! `delivered` receipt for an SMS, to any of its contacts) or acknowledged.

use crate::registry::OrgId;
use chrono::{DateTime, Utc};

crate::codes::code_enum! {
    /// How far a notice got with one organisation.
    pub enum ReachState {
        Unreached = "unreached",
        Reached = "reached",
        Acknowledged = "acknowledged",
    }
}

/// One organisation a notice was sent to, and how far it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationReach {
    pub org: OrgId,
    pub name: String,
    pub business_id: String,
    /// Some message to one of its contacts was accepted by a mail server or delivered to a phone.
    pub reached: bool,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
}

impl OrganisationReach {
    /// Where it stands: an acknowledgement counts whatever the delivery states say.
    pub fn state(&self) -> ReachState {
        if self.acknowledged_at.is_some() {
            ReachState::Acknowledged
        } else if self.reached {
            ReachState::Reached
        } else {
            ReachState::Unreached
        }
    }
}

/// A notice still waiting for an organisation's acknowledgement past the time allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueEscalation {
    pub notice: super::NoticeId,
    /// The notice's latest revision: what the escalation sends.
    pub revision: i32,
    pub org: OrgId,
}
