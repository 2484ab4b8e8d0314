//! One step of a maintenance notice's reminder plan, as it stands.

use super::notice::NoticeId;
use super::plan::{Sends, Step, StepState};
use chrono::{DateTime, Utc};

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    pub notice_id: NoticeId,
    pub step: Step,
    /// The revision that planned it.
    pub revision: i32,
    pub sends: Sends,
    pub due_at: DateTime<Utc>,
    pub state: StepState,
    pub reason: Option<String>,
    pub fired_at: Option<DateTime<Utc>>,
    /// The revision it sent (announcement, reminder) or created (start, end).
    pub fired_revision: Option<i32>,
}
