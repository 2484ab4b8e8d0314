//! The workers: expand fan-out jobs, claim due deliveries with a lease, send outside any
//! transaction, record the outcomes in one fenced batch.

use super::email::EmailChannel;
use super::error::SendError;
use super::links::MessageLinks;
use super::retry::Backoff;
use super::sms::SmsChannel;
use crate::clock::Clock;
use crate::notices::{DeliveryState, NoticeId, Revision};
use crate::registry::{Catalogue, Channel};
use crate::store::{ClaimedDelivery, Outcome, Store};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, Semaphore};

/// Contacts expanded per fan-out transaction: large enough to be fast, small enough that
/// memory does not grow with the registry and a crash redoes little.
pub const FANOUT_BATCH: u32 = 500;
/// The first batch of a job is small, so the first messages go out while the rest is
/// being expanded (the sender waits for the first batch's commit).
const FIRST_FANOUT_BATCH: u32 = 32;
/// Deliveries claimed per worker per round.
const CLAIM_PER_WORKER: u32 = 32;
/// A channel whose configuration is at fault rests this long before trying again.
pub(super) const PAUSE: Duration = Duration::seconds(30);
/// Without a wake-up, workers look for work this often (other daemons on the same
/// PostgreSQL publish too).
pub(super) const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);
/// Revisions kept rendered-ready in memory.
const REVISION_CACHE: usize = 256;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub fanned_out: usize,
    pub attempted: usize,
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
    owner: String,
    revisions: Mutex<HashMap<(NoticeId, i32), Arc<Revision>>>,
    pub(super) counters: crate::observe::DeliveryCounters,
    paused: crate::observe::ChannelPauses,
    /// Told after every expanded batch: there is something to send.
    pub(super) expanded: Notify,
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
            counters: cfg.counters,
            plan_rules: cfg.plan_rules,
            paused: cfg.pauses,
            expanded: Notify::new(),
        }
    }

    async fn revision(&self, id: NoticeId, number: i32) -> anyhow::Result<Arc<Revision>> {
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

    /// Expands every open fan-out job, batch by batch. Returns deliveries written.
    pub async fn fan_out(&self) -> anyhow::Result<usize> {
        let mut written = 0;
        loop {
            let now = self.clock.now_micros();
            let Some(mut job) = self
                .store
                .claim_fanout_job(&self.owner, now, now + self.lease)
                .await?
            else {
                return Ok(written);
            };
            let rev = self.revision(job.notice_id, job.revision).await?;
            // A maintenance step's messages age from when the step fired, not from publication.
            let expires_at = job.created_at + self.max_age;
            let mut size = FIRST_FANOUT_BATCH;
            loop {
                let (batch, next) = self
                    .store
                    .fanout_targets(&rev, job.sends, &job.cursor, size)
                    .await?;
                size = FANOUT_BATCH;
                let now = self.clock.now_micros();
                if !self
                    .store
                    .write_fanout_batch(&job, &batch, next.as_deref(), now, expires_at)
                    .await?
                {
                    tracing::warn!(notice = %job.notice_id, "fan-out lease lost; another node continues");
                    break;
                }
                written += batch.len();
                self.counters.fanned_out(batch.len());
                self.expanded.notify_waiters();
                match next {
                    Some(n) => job.cursor = n,
                    None => break,
                }
            }
        }
    }

    /// Claims due deliveries and sends them, `workers` at a time. Returns attempts made.
    pub async fn send_due(self: &Arc<Self>) -> anyhow::Result<usize> {
        let now = self.clock.now_micros();
        let claimed = self
            .store
            .claim_deliveries(now, now + self.lease, self.workers * CLAIM_PER_WORKER)
            .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let n = claimed.len();
        let gate = Arc::new(Semaphore::new(self.workers as usize));
        let mut sends = tokio::task::JoinSet::new();
        for group in self.groups(claimed) {
            let (me, gate) = (self.clone(), gate.clone());
            sends.spawn(async move {
                let _permit = gate.acquire_owned().await;
                let outcomes = me.attempt(&group).await;
                group.into_iter().zip(outcomes).collect::<Vec<_>>()
            });
        }
        let outcomes: Vec<_> = sends.join_all().await.into_iter().flatten().collect();
        self.count(&outcomes);
        self.store
            .record_outcomes(&outcomes, self.clock.now_micros())
            .await?;
        Ok(n)
    }

    /// Counts attempts by channel and outcome for `/metrics`.
    pub(super) fn count(&self, outcomes: &[(ClaimedDelivery, Outcome)]) {
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

    /// Sends one group: a single delivery, or SMS deliveries of one revision and language
    /// that the gateway takes in one request. Returns one outcome per delivery.
    pub(super) async fn attempt(&self, group: &[ClaimedDelivery]) -> Vec<Outcome> {
        let Some(d) = group.first() else {
            return Vec::new();
        };
        let now = self.clock.now_micros();
        if let Some(until) = self.paused_until(d.channel(), now) {
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
            .map(|m| self.outcome(m, &result, now))
            .collect()
    }

    /// Until when `channel` is paused, if it is at `now`.
    fn paused_until(&self, channel: Channel, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.paused.until(channel.code(), now)
    }

    /// What the channel's `result` means for delivery `m`.
    fn outcome(
        &self,
        m: &ClaimedDelivery,
        result: &Result<Option<String>, SendError>,
        now: DateTime<Utc>,
    ) -> Outcome {
        match result {
            Ok(external_id) => Outcome::Sent {
                external_id: external_id.clone(),
            },
            Err(SendError::Permanent(reason)) => Outcome::Failed {
                reason: reason.clone(),
            },
            Err(SendError::Config(reason)) => Outcome::Paused {
                at: now + PAUSE,
                reason: reason.clone(),
            },
            Err(SendError::Transient(reason)) => self.retry(m, now, reason.clone(), None),
            Err(SendError::Throttled(wait, reason)) => {
                self.retry(m, now, reason.clone(), Duration::from_std(*wait).ok())
            }
        }
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

    fn retry(
        &self,
        d: &ClaimedDelivery,
        now: DateTime<Utc>,
        reason: String,
        at_least: Option<Duration>,
    ) -> Outcome {
        match self.backoff.next(now, d.attempt, d.expires_at, at_least) {
            Some(at) => Outcome::Retry { at, reason },
            None => Outcome::Dead {
                reason: format!("retries exhausted: {reason}"),
            },
        }
    }

    /// Our stable id of a (revision, channel, address): a duplicate carries the same one.
    pub(super) fn reference(&self, d: &ClaimedDelivery) -> String {
        crate::notices::delivery_reference(d.notice_id, d.revision, d.channel(), &d.address_key)
    }

    /// One round: all fan-out, then one batch of sends.
    pub async fn round(self: &Arc<Self>) -> anyhow::Result<Round> {
        let fanned_out = self.fan_out().await?;
        let attempted = self.send_due().await? + self.send_system_messages().await?;
        Ok(Round {
            fanned_out,
            attempted,
        })
    }
}
