//! Notices: faults, maintenance and instructions, each a chain of immutable revisions.

mod approval;
mod checks;
mod content;
mod dsn;
mod impact;
mod input;
mod issuer;
mod labels;
mod ledger;
mod notice;
mod placeholders;
mod plan;
mod reach;
mod reference;
mod reminder;
mod render;
mod revise;
mod sms;
mod vocabulary;
mod windows;

pub use approval::{Approval, MAX_OVERRIDE_REASON_LEN, Pending, PendingNotice};
pub use content::{
    Localized, LocalizedInput, MAX_BODY_LEN, MAX_INSTRUCTION_LEN, MAX_TITLE_LEN, Texts, localized,
};
pub use dsn::{DsnRecipient, recipients as dsn_recipients};
pub use impact::{Impact, impact_facts};
pub use input::NoticeInput;
pub use issuer::{Issuer, MAX_ISSUER_LEN, issued_by};
pub use labels::{
    action as action_label, audience as audience_label, kind as kind_label,
    severity as severity_label, state as state_label, time as local_time,
};
pub use ledger::{AcknowledgementTarget, ChannelSummary, ContactDelivery, DeliveryRecord};
pub use notice::{ACKNOWLEDGE_VALID, NoticeDraft, NoticeFields, NoticeId, Revision};
pub use placeholders::{PLACEHOLDERS, unknown_placeholders};
pub use plan::{Effect, PlanRules, PlanStatus, PlannedStep, Sends, Step, StepState};
pub use reach::{DueEscalation, OrganisationReach, ReachState};
pub use reference::delivery_reference;
pub use reminder::Reminder;
pub use render::{
    EmailLinks, RenderedEmail, escape_html, phases, render_email, render_sms, subject,
};
pub use revise::{revise, revision_action};
pub use sms::{MAX_SMS_PARTS, SmsEncoding, SmsText, normalise as normalise_sms, split_parts};
pub use vocabulary::{
    Action, DeliveryState, EXERCISE_MARK, Exercises, NoticeFilter, NoticeState, NoticeStatus,
    Severity, lane,
};
pub use windows::{MAX_SUB_WINDOWS, SubWindow, SubWindowInput};

#[cfg(test)]
pub(crate) mod tests;
