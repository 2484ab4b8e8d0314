//! "Did we get it?": for each recent notice, what an organisation's own contacts were sent,
//! on which channel, when, and how far it got — their full addresses, to their own people
//! only.

use super::notice_views::NoticeView;
use super::{Query, require_access};
use crate::access::Actor;
use crate::intake::IntakeResult;
use crate::registry::OrgId;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// How far back the page looks: a quarter covers a fault and its follow-up questions.
pub const RECEIVED_DAYS: i64 = 90;
/// The most deliveries shown (an organisation has tens of contacts, a quarter tens of notices).
const MAX_RECEIVED: u32 = 2_000;

/// One notice and what it sent to the organisation's contacts.
#[derive(Debug, Serialize)]
pub struct ReceivedNotice {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub severity: String,
    pub title: BTreeMap<String, String>,
    /// Newest first.
    pub deliveries: Vec<ReceivedDelivery>,
}

/// One message to one of the organisation's contacts.
#[derive(Debug, Serialize)]
pub struct ReceivedDelivery {
    pub contact: String,
    pub channel: String,
    /// In full: the organisation's own contact.
    pub address: Option<String>,
    /// Which revision of the notice (1 = its first message).
    pub revision: i32,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Query {
    /// The notices of the last `RECEIVED_DAYS` that were sent to contacts of `org`, the
    /// most recently sent first.
    pub async fn received(&self, actor: &Actor, org: OrgId) -> IntakeResult<Vec<ReceivedNotice>> {
        require_access(actor, org)?;
        let since = self.clock.now_micros() - Duration::days(RECEIVED_DAYS);
        let sent = self.store.org_deliveries(org, since, MAX_RECEIVED).await?;
        let mut out: Vec<ReceivedNotice> = Vec::new();
        for d in sent {
            let at = match out.iter().position(|n| n.id == d.notice.to_text()) {
                Some(at) => at,
                None => {
                    let revs = self.store.notice_revisions(d.notice).await?;
                    let Some(view) = NoticeView::new(&revs, false) else {
                        continue;
                    };
                    out.push(ReceivedNotice {
                        id: view.id,
                        kind: view.kind,
                        state: view.current.state,
                        severity: view.current.severity,
                        title: view.current.title,
                        deliveries: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let r = &d.record;
            out[at].deliveries.push(ReceivedDelivery {
                contact: d.contact,
                channel: r.channel.code().to_owned(),
                address: r.address.as_ref().map(|a| a.as_str().to_owned()),
                revision: r.revision,
                state: r.state.code().to_owned(),
                attempts: r.attempts,
                last_error: r.last_error.clone(),
                updated_at: r.updated_at,
            });
        }
        Ok(out)
    }
}
