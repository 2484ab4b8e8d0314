//! The reach board of a notice: each organisation it was sent to — unreached, reached or
//! acknowledged, and whether it was escalated — with the phones to call where it has not
//! acknowledged. Operators only; as JSON and CSV.

use super::{Query, require_operator};
use crate::access::Actor;
use crate::intake::{IntakeError, IntakeResult};
use crate::notices::{NoticeId, ReachState, Revision};
use crate::registry::defuse_csv_cell as defuse;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Counts of the board.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ReachCounts {
    pub organisations: usize,
    pub unreached: usize,
    pub reached: usize,
    pub acknowledged: usize,
    pub escalated: usize,
}

/// A contact's phone, for a call.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PhoneView {
    pub name: String,
    /// E.164.
    pub phone: String,
}

/// One organisation on the board.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganisationReachView {
    pub id: String,
    pub name: String,
    pub business_id: String,
    /// `unreached`, `reached` or `acknowledged`.
    pub state: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    /// Its contacts' phones, while it has not acknowledged.
    pub phones: Vec<PhoneView>,
}

/// The reach board of one notice: who has not heard first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReachView {
    pub notice_id: String,
    pub revision: i32,
    /// Whether recipients are asked to acknowledge it (critical faults, instructions).
    pub asks_acknowledgement: bool,
    pub title: BTreeMap<String, String>,
    pub counts: ReachCounts,
    pub organisations: Vec<OrganisationReachView>,
}

impl Query {
    /// The reach board of notice `id` (operators).
    pub async fn reach(&self, actor: &Actor, id: NoticeId) -> IntakeResult<ReachView> {
        require_operator(actor, "only operators read the reach of a notice")?;
        let revs = self.store.notice_revisions(id).await?;
        let last: &Revision = revs.last().ok_or(IntakeError::NotFound)?;
        let mut phones: BTreeMap<String, Vec<PhoneView>> = BTreeMap::new();
        for (org, name, phone) in self.store.phones_for(id).await? {
            phones
                .entry(org)
                .or_default()
                .push(PhoneView { name, phone });
        }
        let mut counts = ReachCounts::default();
        let mut organisations: Vec<OrganisationReachView> = self
            .store
            .reach(id)
            .await?
            .into_iter()
            .map(|o| {
                let state = o.state();
                counts.organisations += 1;
                match state {
                    ReachState::Unreached => counts.unreached += 1,
                    ReachState::Reached => counts.reached += 1,
                    ReachState::Acknowledged => counts.acknowledged += 1,
                }
                counts.escalated += usize::from(o.escalated_at.is_some());
                let id = o.org.to_text();
                OrganisationReachView {
                    phones: if state == ReachState::Acknowledged {
                        Vec::new()
                    } else {
                        phones.get(&id).cloned().unwrap_or_default()
                    },
                    id,
                    name: o.name,
                    business_id: o.business_id,
                    state: state.code().to_owned(),
                    acknowledged_at: o.acknowledged_at,
                    escalated_at: o.escalated_at,
                }
            })
            .collect();
        let rank = |s: &str| ReachState::parse(s).map_or(3, |s| s as usize);
        organisations.sort_by_key(|o| rank(&o.state));
        Ok(ReachView {
            notice_id: id.to_text(),
            revision: last.number,
            asks_acknowledgement: last.asks_acknowledgement(),
            title: super::notice_views::texts(&last.draft.texts.title),
            counts,
            organisations,
        })
    }
}

impl ReachView {
    /// The board as CSV: one row an organisation; phones as "name number; …". Cells that a
    /// spreadsheet would run as a formula are defused.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "organisation",
            "business_id",
            "state",
            "acknowledged_at",
            "escalated_at",
            "phones",
        ]);
        let time = |t: &Option<DateTime<Utc>>| {
            t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default()
        };
        for o in &self.organisations {
            let phones: Vec<String> = o
                .phones
                .iter()
                .map(|p| format!("{} '{}", p.name, p.phone))
                .collect();
            let _ = w.write_record([
                defuse(&o.name),
                o.business_id.clone(),
                o.state.clone(),
                time(&o.acknowledged_at),
                time(&o.escalated_at),
                defuse(&phones.join("; ")),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}
