//! Fault reports: what an organisation's helpdesk tells national technical support, on the
//! six criteria, without patient identifiers.

pub(crate) mod attachment;
mod criteria;
mod identity_code;
mod messages;
mod report;
mod status;

pub use attachment::{Attachment, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MediaType, sniff};
pub use criteria::{Criterion, none_applies};
pub use identity_code::contains_identity_code;
pub use messages::{
    IncidentPage, ReporterContext, Text, acknowledgement, cluster_alert, incident_duty, page,
    phone_request, progress,
};
pub use report::{
    AttachmentInfo, AttachmentInput, FaultReport, FaultReportInput, ReportDraft, ReportFields,
    ReportId, ReportSource, SignedOrg, reference,
};
pub use status::ReportStatus;
