//! Step two, send: group claimed deliveries (SMS of one text share a gateway request),
//! hold them while their channel is paused, attempt them, and turn each result into the
//! delivery's outcome.

use super::engine::Deliverer;
use super::error::SendError;
use super::retry::PAUSE;
use crate::notices::NoticeId;
use crate::registry::Channel;
use crate::store::{ClaimedDelivery, Outcome};
use std::collections::HashMap;

impl Deliverer {
    /// Sends one group: a single delivery, or SMS deliveries of one revision and language
    /// that the gateway takes in one request. Returns one outcome per delivery.
    pub(super) async fn attempt(&self, group: &[ClaimedDelivery]) -> Vec<Outcome> {
        let Some(d) = group.first() else {
            return Vec::new();
        };
        let now = self.clock.now_micros();
        if let Some(until) = self.paused.until(d.channel().code(), now) {
            let reason = format!("{} channel paused after a configuration fault", d.channel());
            return group
                .iter()
                .map(|_| Outcome::Paused {
                    at: until,
                    reason: reason.clone(),
                })
                .collect();
        }
        let rev = match self.revision(d.notice_id, d.revision).await {
            Ok(r) => r,
            Err(e) => {
                let reason = format!("cannot load the revision: {e}");
                return group
                    .iter()
                    .map(|_| Outcome::Paused {
                        at: now + PAUSE,
                        reason: reason.clone(),
                    })
                    .collect();
            }
        };
        let result = self.send(group, d, &rev).await;
        let now = self.clock.now_micros();
        if let Err(SendError::Config(reason)) = &result {
            tracing::error!(channel = %d.channel(), %reason, "channel paused: configuration fault");
            self.paused.pause(d.channel().code(), now + PAUSE);
        }
        group
            .iter()
            .map(|m| self.backoff.decide(&result, m.attempt, m.expires_at, now))
            .collect()
    }

    /// Splits claimed deliveries into send groups: SMS of one revision and language share a
    /// request up to the gateway's batch size; everything else goes alone.
    pub(super) fn groups(&self, claimed: Vec<ClaimedDelivery>) -> Vec<Vec<ClaimedDelivery>> {
        let max = self.sms.batch_max();
        let mut groups: Vec<Vec<ClaimedDelivery>> = Vec::new();
        let mut open: HashMap<(NoticeId, i32, &'static str), usize> = HashMap::new();
        for d in claimed {
            if d.channel() == Channel::Sms && max > 1 {
                let key = (d.notice_id, d.revision, d.language.code());
                if let Some(&i) = open.get(&key) {
                    if groups[i].len() < max {
                        groups[i].push(d);
                        continue;
                    }
                }
                open.insert(key, groups.len());
            }
            groups.push(vec![d]);
        }
        groups
    }
}
