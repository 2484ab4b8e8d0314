//! The notices' closed vocabularies.

use crate::codes::code_enum;
use crate::registry::NoticeKind;

code_enum! {
    /// How bad a fault is; SMS goes out for major and critical ones.
    pub enum Severity { Minor = "minor", Major = "major", Critical = "critical" }
}

code_enum! {
    /// Where a notice is in its life. Which states a kind may take is `allowed_for`.
    pub enum NoticeState {
        Investigating = "investigating",
        Identified = "identified",
        Monitoring = "monitoring",
        Resolved = "resolved",
        Scheduled = "scheduled",
        InProgress = "in-progress",
        Completed = "completed",
        Active = "active",
        Withdrawn = "withdrawn",
        /// Retracted (issued in error) or a cancelled maintenance.
        Cancelled = "cancelled",
    }
}

code_enum! {
    /// A real notice, or an exercise (a drill that measures reach without alarming anyone).
    #[derive(Default)]
    pub enum NoticeStatus {
        #[default]
        Actual = "actual",
        Exercise = "exercise",
    }
}

impl NoticeStatus {
    /// Whether this is a real notice (what older revisions, stored without a status, are).
    pub fn is_actual(&self) -> bool {
        *self == NoticeStatus::Actual
    }
}

/// What every subject, body and SMS of an exercise begins with, in all three languages so
/// that no reader takes it for a real fault.
pub const EXERCISE_MARK: &str = "HARJOITUS / ÖVNING / EXERCISE";

code_enum! {
    /// What a revision does to its notice.
    pub enum Action {
        Publish = "publish",
        Update = "update",
        End = "end",
        Reschedule = "reschedule",
        Cancel = "cancel",
    }
}

code_enum! {
    /// Where one delivery — a revision to one address by one channel — is (delivery.md,
    /// the promise §2). Adding a state is this list, its `is_pending`, and the migrations.
    pub enum DeliveryState {
        /// Waiting for its first attempt.
        Pending = "pending",
        /// Leased to a worker, being sent.
        Sending = "sending",
        /// Waiting to be tried again.
        Retry = "retry",
        /// Accepted by the relay or gateway.
        Sent = "sent",
        /// Reported delivered by an SMS receipt.
        Delivered = "delivered",
        /// Reported undeliverable by an SMS receipt.
        Undeliverable = "undeliverable",
        /// Refused for good (SMTP 5xx, gateway 4xx), or its recipient was deleted.
        Failed = "failed",
        /// A newer revision of the notice got to the address first.
        Superseded = "superseded",
        /// Past its age limit before its first attempt.
        Expired = "expired",
        /// Retries exhausted; listed for re-drive.
        Dead = "dead",
        /// Accepted by the relay, then returned by the recipient's server as undeliverable
        /// (a hard bounce).
        Bounced = "bounced",
    }
}

impl DeliveryState {
    /// Not yet in a terminal state: waiting, in flight, or waiting to retry.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            DeliveryState::Pending | DeliveryState::Sending | DeliveryState::Retry
        )
    }

    /// Waiting for an attempt: its first, or another after a failure.
    pub fn is_waiting(self) -> bool {
        matches!(self, DeliveryState::Pending | DeliveryState::Retry)
    }

    /// On its way to the address or there: a later revision of the notice is sent to the
    /// same address to tell what changed.
    pub fn has_reached(self) -> bool {
        matches!(
            self,
            DeliveryState::Sending | DeliveryState::Sent | DeliveryState::Delivered
        )
    }

    /// Given up (refused for good, or out of retries), for an operator to re-drive.
    pub fn is_redrivable(self) -> bool {
        matches!(self, DeliveryState::Failed | DeliveryState::Dead)
    }

    /// Handed to an SMS gateway (or being handed): a delivery receipt may still report
    /// on it.
    pub fn awaits_receipt(self) -> bool {
        matches!(self, DeliveryState::Sending | DeliveryState::Sent)
    }
}

impl NoticeState {
    /// The states an `update` may set for a notice of `kind` (ending goes through `end`).
    pub fn open_states(kind: NoticeKind) -> &'static [NoticeState] {
        match kind {
            NoticeKind::Fault => &[
                NoticeState::Investigating,
                NoticeState::Identified,
                NoticeState::Monitoring,
            ],
            NoticeKind::Maintenance | NoticeKind::Change => {
                &[NoticeState::Scheduled, NoticeState::InProgress]
            }
            NoticeKind::Instruction => &[NoticeState::Active],
        }
    }

    /// Every state a notice of `kind` may be in: its open states, its end, and cancelled.
    pub fn allowed(kind: NoticeKind) -> Vec<NoticeState> {
        let mut states = Self::open_states(kind).to_vec();
        states.extend([Self::ended(kind), NoticeState::Cancelled]);
        states
    }

    /// The state `end` moves a notice of `kind` to.
    pub fn ended(kind: NoticeKind) -> NoticeState {
        match kind {
            NoticeKind::Fault => NoticeState::Resolved,
            NoticeKind::Maintenance | NoticeKind::Change => NoticeState::Completed,
            NoticeKind::Instruction => NoticeState::Withdrawn,
        }
    }

    /// True once nothing more will happen to the notice.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            NoticeState::Resolved
                | NoticeState::Completed
                | NoticeState::Withdrawn
                | NoticeState::Cancelled
        )
    }
}

/// Delivery lanes: lower goes first (faults before maintenance reminders before housekeeping).
pub fn lane(kind: NoticeKind) -> i32 {
    match kind {
        NoticeKind::Fault | NoticeKind::Instruction => 0,
        NoticeKind::Maintenance | NoticeKind::Change => 1,
    }
}

/// Whether a list holds exercises: the public outputs never do; the console shows them
/// among the rest, marked; the exercise CAP feed holds nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exercises {
    Hidden,
    Shown,
    Only,
}

impl Exercises {
    /// The condition on `notices n` in SQL.
    pub fn clause(self) -> &'static str {
        match self {
            Exercises::Hidden => "n.exercise = FALSE",
            Exercises::Shown => "TRUE",
            Exercises::Only => "n.exercise = TRUE",
        }
    }
}

/// Which notices a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeFilter {
    /// Not ended, and (for maintenance) the window has begun.
    Active,
    /// Maintenance whose window has not begun.
    Upcoming,
    /// Resolved, completed, withdrawn or cancelled.
    Ended,
    All,
}

impl NoticeFilter {
    /// `active`, `upcoming` or `ended`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "active" => Ok(NoticeFilter::Active),
            "upcoming" => Ok(NoticeFilter::Upcoming),
            "ended" => Ok(NoticeFilter::Ended),
            _ => Err("must be one of active, upcoming, ended".into()),
        }
    }
}
