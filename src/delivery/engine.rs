//! The delivery engine: one set of named steps — expand (`expand.rs`), send (`send.rs`),
//! record (`record.rs`), retry (`retry.rs`) — that the daemon's pipeline (`pipeline.rs`)
//! overlaps and a test's `round` runs one after another. There is no other sending path.

use super::email::EmailChannel;
use super::links::MessageLinks;
use super::retry::Backoff;
use super::sms::SmsChannel;
use crate::clock::Clock;
use crate::notices::{NoticeId, Revision};
use crate::registry::Catalogue;
use crate::store::{ClaimedDelivery, Store};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Deliveries a test's round takes per worker.
const ROUND_PER_WORKER: u32 = 32;
/// Without a wake-up, workers look for work this often (other daemons on the same
/// PostgreSQL publish too).
pub(super) const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);
/// Revisions kept rendered-ready in memory.
const REVISION_CACHE: usize = 256;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Fan-out batches expanded.
    pub fanned_out: usize,
    pub attempted: usize,
}

/// Deliveries taken for sending by one pull.
#[derive(Default)]
pub(super) struct Taken {
    pub claimed: Vec<ClaimedDelivery>,
    /// Whether a fan-out batch was expanded (even one that handed nothing over).
    pub expanded: bool,
}

/// The delivery engine of one daemon.
pub struct Deliverer {
    pub(super) store: Store,
    pub(super) catalogue: Arc<Catalogue>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) email: EmailChannel,
    pub(super) sms: SmsChannel,
    pub(super) backoff: Backoff,
    pub(super) lease: Duration,
    pub(super) max_age: Duration,
    pub(super) workers: u32,
    pub(super) links: MessageLinks,
    pub(super) message_domain: String,
    pub(super) plan_rules: crate::notices::PlanRules,
    pub(super) owner: String,
    revisions: Mutex<HashMap<(NoticeId, i32), Arc<Revision>>>,
    pub(super) contents:
        super::content::SharedContents<super::content::EmailKey, super::content::EmailContent>,
    pub(super) sms_contents:
        super::content::SharedContents<super::sms_content::SmsKey, super::sms_content::SmsContent>,
    pub(super) counters: crate::observe::DeliveryCounters,
    pub(super) paused: crate::observe::ChannelPauses,
}

/// Settings of the engine.
pub struct DelivererConfig {
    pub email: EmailChannel,
    pub sms: SmsChannel,
    pub backoff: Backoff,
    pub lease: Duration,
    pub max_age: Duration,
    pub workers: u32,
    pub public_url: String,
    /// Where outcomes are counted for `/metrics`.
    pub counters: crate::observe::DeliveryCounters,
    /// To mark a late maintenance announcement as short notice.
    pub plan_rules: crate::notices::PlanRules,
    /// Where paused channels are kept, for the console to show.
    pub pauses: crate::observe::ChannelPauses,
    /// Signs the links in messages that act for one delivery (acknowledgements).
    pub link_key: Option<crate::access::LinkKey>,
    /// `[email] bounce_address`: the base of each message's envelope sender (VERP).
    pub bounce_address: String,
}

impl Deliverer {
    /// A new engine; `owner` names this daemon in leases.
    pub fn new(
        store: Store,
        catalogue: Arc<Catalogue>,
        clock: Arc<dyn Clock>,
        cfg: DelivererConfig,
    ) -> Self {
        let message_domain = url::Url::parse(&cfg.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "faultcast.invalid".into());
        Self {
            store,
            catalogue,
            clock,
            email: cfg.email,
            sms: cfg.sms,
            backoff: cfg.backoff,
            lease: cfg.lease,
            max_age: cfg.max_age,
            workers: cfg.workers.max(1),
            links: MessageLinks::new(&cfg.public_url, cfg.link_key, &cfg.bounce_address),
            message_domain,
            owner: format!("node-{}", uuid::Uuid::now_v7().simple()),
            revisions: Mutex::new(HashMap::new()),
            contents: Default::default(),
            sms_contents: Default::default(),
            counters: cfg.counters,
            plan_rules: cfg.plan_rules,
            paused: cfg.pauses,
        }
    }

    pub(super) async fn revision(
        &self,
        id: NoticeId,
        number: i32,
    ) -> anyhow::Result<Arc<Revision>> {
        if let Some(r) = self
            .revisions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(id, number))
        {
            return Ok(r.clone());
        }
        let rev = Arc::new(
            self.store
                .notice_revision(id, number)
                .await?
                .ok_or_else(|| anyhow::anyhow!("revision {id}/{number} is missing"))?,
        );
        let mut cache = self.revisions.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= REVISION_CACHE {
            cache.clear();
        }
        cache.insert((id, number), rev.clone());
        Ok(rev)
    }

    /// Up to `room` deliveries to send now: first those already stored and due (retries,
    /// claims of a crashed daemon whose lease ran out, deliveries queued for any daemon),
    /// faults first, then a newly expanded batch leased to this daemon.
    pub(super) async fn take(&self, now: DateTime<Utc>, room: u32) -> anyhow::Result<Taken> {
        let mut claimed = self.store.claim_due(now, now + self.lease, room).await?;
        let left = room.saturating_sub(claimed.len() as u32);
        let mut expanded = false;
        // A batch of a revision that a newer one follows is queued, not handed over (it
        // waits for the newer one's expansion): expand on until something is handed over.
        if left > 0 {
            while let Some(batch) = self.expand(left).await? {
                expanded = true;
                if !batch.is_empty() {
                    claimed.extend(batch);
                    break;
                }
            }
        }
        Ok(Taken { claimed, expanded })
    }

    /// Our stable id of a (revision, channel, address): a duplicate carries the same one.
    pub(super) fn reference(&self, d: &ClaimedDelivery) -> String {
        crate::notices::delivery_reference(d.notice_id, d.revision, d.channel(), &d.address_key)
    }

    /// One round of the same steps the daemon overlaps, one after another: sweep, take
    /// (claim due, expand one batch), send `workers` at a time, record; then faultcast's
    /// own messages. Tests drive the engine with it.
    pub async fn round(self: &Arc<Self>) -> anyhow::Result<Round> {
        let now = self.clock.now_micros();
        self.store.sweep_deliveries(now).await?;
        let taken = self.take(now, self.workers * ROUND_PER_WORKER).await?;
        let mut attempted = taken.claimed.len();
        if !taken.claimed.is_empty() {
            let gate = Arc::new(Semaphore::new(self.workers as usize));
            let mut sends = tokio::task::JoinSet::new();
            for group in self.groups(taken.claimed) {
                let (me, gate) = (self.clone(), gate.clone());
                sends.spawn(async move {
                    let _permit = gate.acquire_owned().await;
                    let outcomes = me.attempt(&group).await;
                    group.into_iter().zip(outcomes).collect::<Vec<_>>()
                });
            }
            let outcomes: Vec<_> = sends.join_all().await.into_iter().flatten().collect();
            anyhow::ensure!(self.record(&outcomes).await, "outcomes not recorded");
        }
        attempted += self.send_system_messages().await?;
        Ok(Round {
            fanned_out: usize::from(taken.expanded),
            attempted,
        })
    }
}
