//! Use cases: the only way writes enter faultcast. Each checks who acts, validates, and
//! commits the change with its audit record.

mod acknowledge;
mod bounces;
mod console;
mod contacts;
mod fault_reports;
mod housekeeping;
mod links;
mod maintenance;
mod notices;
mod organisations;
mod pending;
mod portal;
mod reach;
mod report_notices;
mod report_triage;
mod templates;
mod tokens;
mod verify;

pub use acknowledge::{AckLink, Acknowledgement};
pub use console::SignIn;
pub use contacts::ImportSummary;
pub use fault_reports::ReportRules;
pub use links::{STILL_CURRENT_VALID, StillCurrent};
pub use notices::{NoticePreview, PreviewCount};
pub use pending::Publication;
pub use portal::{PortalLink, PortalSignIn};
pub use report_notices::{NoticeDraft, ReportsOf};
pub use report_triage::TriageInput;
pub use tokens::{MAX_TOKEN_LABEL_LEN, NewToken};
pub use verify::{VERIFY_VALID, Verification};

use crate::access::{Actor, Answer, Earlier, IdempotencyKey, Kept, SessionRules};
use crate::clock::Clock;
use crate::notices::PlanRules;
use crate::publish::OutputCache;
use crate::registry::Catalogue;
use crate::store::{AuditEvent, Store, StoreError};
use crate::validation::FieldErrors;
use std::sync::Arc;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// Bad input; every bad field is named.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// No such thing, or not the caller's to see (the two are never told apart).
    #[error("not found")]
    NotFound,
    /// The caller is known but its role does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The database is unreachable; nothing was changed.
    #[error("database unavailable")]
    Unavailable,
    /// The idempotency key was used before; nothing was done now.
    #[error("idempotency key used before")]
    Earlier(Earlier),
    /// A bug or corrupt data.
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<StoreError> for IntakeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(field) => {
                IntakeError::Invalid(FieldErrors::single(field, "is already registered"))
            }
            StoreError::Unavailable(_) => IntakeError::Unavailable,
            StoreError::Other(e) => IntakeError::Internal(e),
        }
    }
}

impl From<FieldErrors> for IntakeError {
    fn from(e: FieldErrors) -> Self {
        IntakeError::Invalid(e)
    }
}

/// Results of use cases.
pub type IntakeResult<T> = Result<T, IntakeError>;

/// What a guarded write made, or the earlier request's settlement as an error.
fn made<T>(kept: Kept<T>) -> IntakeResult<T> {
    match kept {
        Kept::Done(value) => Ok(value),
        Kept::Earlier(earlier) => Err(IntakeError::Earlier(earlier)),
    }
}

/// The use cases, sharing the store, the service catalogue and the clock.
#[derive(Clone)]
pub struct Intake {
    store: Store,
    catalogue: Arc<Catalogue>,
    clock: Arc<dyn Clock>,
    /// Base of links to notice pages.
    public_url: Arc<str>,
    /// How long after publication a message may still be sent.
    max_age: chrono::Duration,
    /// Wakes the delivery workers when something enters the outbox.
    outbox: Arc<tokio::sync::Notify>,
    /// The maintenance timing rules.
    plan_rules: PlanRules,
    /// Wakes the scheduler when a plan changes.
    plans: Arc<tokio::sync::Notify>,
    /// The public outputs (page, feeds, calendar), told when a notice changes so that
    /// their cached renderings are replaced at once.
    outputs: Arc<OutputCache>,
    /// How long console sessions and sign-in links last.
    sessions: SessionRules,
    /// Signs the links in messages; the daemon always has one (the CLI makes no links).
    link_key: Option<Arc<crate::access::LinkKey>>,
    /// Hard bounces in a row after which a contact is undeliverable.
    hard_limit: u32,
    /// Messages taken as bounces that were not a DSN for one of our deliveries.
    bounces_ignored: Arc<std::sync::atomic::AtomicU64>,
    /// How fault reports are acknowledged, paged and clustered.
    reports: Arc<ReportRules>,
    /// Which notices need a second operator's approval (`[notices] approval`).
    approval: crate::notices::Approval,
}

/// The default base URL of links (the daemon's own default listen address).
const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";
/// The default message age limit (delivery.md: 6 h after publication).
const DEFAULT_MAX_AGE_HOURS: i64 = 6;
/// Hard bounces in a row that make an address undeliverable (`[bounces] hard_limit`).
const DEFAULT_HARD_LIMIT: u32 = 2;
/// The default announcement lead (domain §5: two weeks).
const DEFAULT_ANNOUNCE_DAYS: u32 = 14;

impl Intake {
    /// Wires the use cases.
    pub fn new(store: Store, catalogue: Arc<Catalogue>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            catalogue,
            clock,
            public_url: Arc::from(DEFAULT_PUBLIC_URL),
            max_age: chrono::Duration::hours(DEFAULT_MAX_AGE_HOURS),
            outbox: Arc::new(tokio::sync::Notify::new()),
            plan_rules: PlanRules {
                tz: crate::calendar::HELSINKI,
                announce_days_before: DEFAULT_ANNOUNCE_DAYS,
                at: chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time"),
                transition_email: false,
            },
            plans: Arc::new(tokio::sync::Notify::new()),
            outputs: Arc::default(),
            sessions: SessionRules::default(),
            link_key: None,
            hard_limit: DEFAULT_HARD_LIMIT,
            bounces_ignored: Arc::default(),
            reports: Arc::default(),
            approval: crate::notices::Approval::Off,
        }
    }

    /// Notices that `approval` covers go out only once a second operator approves them.
    pub fn with_approval(mut self, approval: crate::notices::Approval) -> Self {
        self.approval = approval;
        self
    }

    /// A contact is undeliverable after `hard_limit` hard bounces in a row.
    pub fn with_hard_limit(mut self, hard_limit: u32) -> Self {
        self.hard_limit = hard_limit.max(1);
        self
    }

    /// Links in messages are signed with `key`.
    pub fn with_link_key(mut self, key: crate::access::LinkKey) -> Self {
        self.link_key = Some(Arc::new(key));
        self
    }

    /// The key that signs links, or an error where none was given (the CLI).
    fn link_key(&self) -> IntakeResult<&crate::access::LinkKey> {
        self.link_key
            .as_deref()
            .ok_or_else(|| IntakeError::Internal(anyhow::anyhow!("no key to sign links with")))
    }

    /// How long console sessions and sign-in links last.
    pub fn session_rules(&self) -> &SessionRules {
        &self.sessions
    }

    /// Console sessions and sign-in links last as `rules` say.
    pub fn with_sessions(mut self, rules: SessionRules) -> Self {
        self.sessions = rules;
        self
    }

    /// Maintenance is planned by `rules`.
    pub fn with_plan_rules(mut self, rules: PlanRules) -> Self {
        self.plan_rules = rules;
        self
    }

    /// The signal the scheduler waits on.
    pub fn plan_signal(&self) -> Arc<tokio::sync::Notify> {
        self.plans.clone()
    }

    /// Notices change the public outputs kept in `outputs`.
    pub fn with_outputs(mut self, outputs: Arc<OutputCache>) -> Self {
        self.outputs = outputs;
        self
    }

    /// Marks the public outputs stale (a notice changed).
    fn public_changed(&self) {
        self.outputs.changed();
    }

    /// The maintenance timing rules.
    pub fn plan_rules(&self) -> &PlanRules {
        &self.plan_rules
    }

    /// Links point under `public_url`; messages expire `max_age` after publication.
    pub fn with_delivery(mut self, public_url: &str, max_age: chrono::Duration) -> Self {
        self.public_url = Arc::from(public_url.trim_end_matches('/'));
        self.max_age = max_age;
        self
    }

    /// The signal the delivery workers wait on.
    pub fn outbox_signal(&self) -> Arc<tokio::sync::Notify> {
        self.outbox.clone()
    }

    /// The base of public links.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The public page of a notice.
    pub fn notice_link(&self, id: crate::notices::NoticeId) -> String {
        format!("{}/notices/{id}", self.public_url)
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The service catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The store, for the scheduler, the workers and tests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What an earlier request with `key` settled, if any: checked before a guarded request
    /// runs (the write then claims the key in its own transaction).
    pub async fn earlier_request(&self, key: &IdempotencyKey) -> IntakeResult<Option<Earlier>> {
        Ok(self.store.earlier_request(key, self.now()).await?)
    }

    /// Keeps `answer` for `key` unless an answer is kept already: for requests that
    /// changed nothing (refused, or a preview).
    pub async fn remember_answer(&self, key: &IdempotencyKey, answer: &Answer) -> IntakeResult<()> {
        Ok(self.store.remember_answer(key, answer, self.now()).await?)
    }

    /// Now, to the microsecond: the precision both databases keep, so that what a use case
    /// answers equals what a later read returns.
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now_micros()
    }

    fn event(
        &self,
        actor: &Actor,
        action: &'static str,
        target_kind: &'static str,
        target_id: String,
        org: Option<String>,
    ) -> AuditEvent {
        AuditEvent {
            actor: actor.audit_name(),
            action,
            target_kind,
            target_id,
            org_id: org,
            request_id: actor.request_id.clone(),
            at: self.now(),
        }
    }
}
