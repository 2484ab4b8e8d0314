//! Four eyes before publishing, and publication at a set time: which notices need a second
//! operator's approval, and where a notice not yet published stands.

use super::{NoticeFields, Severity};
use crate::codes::code_enum;
use crate::registry::NoticeKind;
use chrono::{DateTime, Utc};

code_enum! {
    /// `[notices] approval`: which notices a second operator must approve before they go out.
    #[derive(Default)]
    pub enum Approval {
        /// None: whoever writes a notice publishes it.
        #[default]
        Off = "off",
        /// Critical faults and the authorities' instructions.
        Critical = "critical",
        /// Every notice.
        All = "all",
    }
}

impl Approval {
    /// Whether `notice` needs a second operator's approval.
    pub fn requires(self, notice: &NoticeFields) -> bool {
        match self {
            Approval::Off => false,
            Approval::All => true,
            Approval::Critical => {
                notice.kind == NoticeKind::Instruction || notice.severity == Severity::Critical
            }
        }
    }
}

code_enum! {
    /// Where a notice not yet published stands.
    pub enum Pending {
        /// Saved by its author; not public, nothing sent.
        Draft = "draft",
        /// Submitted; waits for an operator other than its author.
        AwaitingApproval = "awaiting_approval",
        /// Approved (or needing no approval); goes out at `publish_at`.
        Scheduled = "scheduled",
        /// Gone out: a notice like any other now.
        Published = "published",
        /// Thrown away unpublished.
        Discarded = "discarded",
    }
}

/// The longest a written reason for publishing without approval may be.
pub const MAX_OVERRIDE_REASON_LEN: usize = 1_000;

/// A notice not yet published (or published from here): its checked content — revision 1
/// as it will go out — and who did what with it.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingNotice {
    /// The id the notice has once published.
    pub id: super::NoticeId,
    pub draft: super::NoticeDraft,
    pub state: Pending,
    pub needs_approval: bool,
    /// Who wrote it (an audit name: `console:…`, `token:…`).
    pub author: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// Why it went out without the approval it needed.
    pub override_reason: Option<String>,
    /// When it goes out; none: as soon as it may.
    pub publish_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PendingNotice {
    /// Whether it may go out at `now`: submitted, approved when it must be, and due.
    pub fn may_publish(&self, now: DateTime<Utc>) -> bool {
        self.state == Pending::Scheduled && self.publish_at.is_none_or(|t| t <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::tests::fault_draft;

    #[test]
    fn critical_approval_covers_critical_faults_and_instructions_only() {
        let mut n = fault_draft(Severity::Critical).0;
        assert!(Approval::Critical.requires(&n));
        assert!(Approval::All.requires(&n));
        assert!(!Approval::Off.requires(&n));
        n.severity = Severity::Major;
        assert!(!Approval::Critical.requires(&n));
        assert!(Approval::All.requires(&n));
        n.kind = NoticeKind::Instruction;
        assert!(Approval::Critical.requires(&n));
    }
}
