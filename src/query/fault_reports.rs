//! Fault reports as the API, the console and the portal show them.

use super::{Query, id_cursor, require_operator};
use crate::access::Actor;
use crate::fault_reports::{FaultReport, ReportId, ReportStatus};
use crate::intake::{IntakeError, IntakeResult};
use crate::store::{ClusterView, ReportFilter, StoredAttachment};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// An attachment's description; its content is downloaded by operators only.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
}

/// One step of a report's triage. Notes and who acted are for operators only.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportEventView {
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub reply: Option<String>,
}

/// A fault report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FaultReportView {
    pub id: String,
    /// `FR-2026-000123`.
    pub reference: String,
    /// `new`, `acknowledged`, `investigating`, `linked`, `local`, `duplicate`, `closed`.
    pub status: String,
    /// `api`, `portal` or `public` (the organisation is as typed).
    pub source: String,
    /// The registered organisation with the report's business ID, if any.
    pub org_id: Option<String>,
    pub organisation_name: String,
    pub business_id: String,
    pub reporter_name: String,
    pub reporter_email: String,
    pub reporter_phone: String,
    pub language: String,
    pub services: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub criteria: Vec<String>,
    /// Patient safety, data protection or use prevented: the on-duty operators were paged.
    pub critical: bool,
    pub patient_safety_risk: bool,
    pub data_protection_risk: bool,
    pub description: String,
    pub workstation: Option<String>,
    pub application: Option<String>,
    pub error_text: Option<String>,
    pub attachments: Vec<AttachmentView>,
    pub notice_id: Option<String>,
    pub duplicate_of: Option<String>,
    /// The triage history (on the single report only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<ReportEventView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&FaultReport> for FaultReportView {
    fn from(r: &FaultReport) -> Self {
        use crate::fault_reports::Criterion;
        let f = &r.fields;
        Self {
            id: r.id.to_text(),
            reference: r.reference.clone(),
            status: r.status.code().to_owned(),
            source: r.source.code().to_owned(),
            org_id: r.org_id.map(|o| o.to_text()),
            organisation_name: f.organisation_name.clone(),
            business_id: f.business_id.to_string(),
            reporter_name: f.reporter_name.clone(),
            reporter_email: f.reporter_email.as_str().to_owned(),
            reporter_phone: f.reporter_phone.clone(),
            language: f.language.code().to_owned(),
            services: f.services.iter().map(|s| s.as_str().to_owned()).collect(),
            started_at: f.started_at,
            criteria: f.criteria.iter().map(|c| c.code().to_owned()).collect(),
            critical: f.is_critical(),
            patient_safety_risk: f.criteria.contains(&Criterion::PatientSafety),
            data_protection_risk: f.criteria.contains(&Criterion::DataProtection),
            description: f.description.clone(),
            workstation: f.workstation.clone(),
            application: f.application.clone(),
            error_text: f.error_text.clone(),
            attachments: r
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    id: a.id.clone(),
                    filename: a.filename.clone(),
                    media_type: a.media_type.mime().to_owned(),
                    size: a.size,
                })
                .collect(),
            notice_id: r.notice_id.map(|n| n.to_text()),
            duplicate_of: r.duplicate_of.map(|d| d.to_text()),
            events: Vec::new(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A page of reports, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FaultReportList {
    pub items: Vec<FaultReportView>,
    pub next_cursor: Option<String>,
}

/// Which reports to list, as asked.
#[derive(Clone, Debug, Default)]
pub struct ReportQuery {
    pub status: Option<ReportStatus>,
    pub service: Option<String>,
    pub critical: bool,
    pub cluster: Option<String>,
}

impl Query {
    /// Reports newest first: every report for operators, their own organisation's for
    /// org_admins and portal admins.
    pub async fn fault_reports(
        &self,
        actor: &Actor,
        q: &ReportQuery,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> IntakeResult<FaultReportList> {
        let org = match actor.is_operator() {
            true => None,
            false => Some(actor.own_org().ok_or(IntakeError::Forbidden(
                "this token belongs to no organisation",
            ))?),
        };
        let service = match q.service.as_deref() {
            Some(s) => Some(self.catalogue.parse_code(s).map_err(|m| {
                IntakeError::Invalid(crate::validation::FieldErrors::single("service", m))
            })?),
            None => None,
        };
        let filter = ReportFilter {
            org,
            status: q.status,
            service,
            critical: q.critical,
            cluster: q.cluster.clone(),
        };
        let page = self
            .store
            .list_fault_reports(&filter, id_cursor(cursor)?, limit)
            .await?;
        Ok(FaultReportList {
            items: page.items.iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// One report with its history, if the actor may see it.
    pub async fn fault_report(
        &self,
        actor: &Actor,
        id: ReportId,
    ) -> IntakeResult<(FaultReport, FaultReportView)> {
        let report = self
            .store
            .get_fault_report(id)
            .await?
            .ok_or(IntakeError::NotFound)?;
        let visible = actor.is_operator() || report.org_id.is_some_and(|o| actor.may_access(o));
        if !visible {
            return Err(IntakeError::NotFound);
        }
        let operator = actor.is_operator();
        let mut view = FaultReportView::from(&report);
        view.events = self
            .store
            .fault_report_events(id)
            .await?
            .into_iter()
            .filter(|e| operator || e.status.is_some() || e.reply.is_some())
            .map(|e| ReportEventView {
                at: e.at,
                actor: operator.then_some(e.actor),
                status: e.status.map(|s| s.code().to_owned()),
                note: e.note.filter(|_| operator),
                reply: e.reply,
            })
            .collect();
        Ok((report, view))
    }

    /// An attachment's content (operators only: it may show anything).
    pub async fn fault_report_attachment(
        &self,
        actor: &Actor,
        id: ReportId,
        attachment: &str,
    ) -> IntakeResult<StoredAttachment> {
        require_operator(actor, "only operators open attachments")?;
        self.store
            .fault_report_attachment(id, attachment)
            .await?
            .ok_or(IntakeError::NotFound)
    }

    /// How many reports nobody has triaged yet (operators).
    pub async fn new_report_count(&self, actor: &Actor) -> IntakeResult<i64> {
        require_operator(actor, "only operators triage reports")?;
        Ok(self.store.count_fault_reports(ReportStatus::New).await?)
    }

    /// Probable national faults active in the last `hours`.
    pub async fn report_clusters(
        &self,
        actor: &Actor,
        hours: i64,
    ) -> IntakeResult<Vec<ClusterView>> {
        require_operator(actor, "only operators see clusters")?;
        Ok(self
            .store
            .recent_clusters(self.now() - chrono::Duration::hours(hours))
            .await?)
    }
}
