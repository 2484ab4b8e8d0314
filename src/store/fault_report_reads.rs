//! Reading fault reports back: the triage queue, one report with its attachments and
//! history, an attachment's content, and the recent clusters.

use super::error::decode;
use super::fault_reports::status_of;
use super::services::{aggregated, split_services};
use super::sql::Sql;
use super::{DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult};
use crate::fault_reports::{
    AttachmentInfo, Criterion, FaultReport, MediaType, ReportFields, ReportId, ReportSource,
    ReportStatus,
};
use crate::notices::NoticeId;
use crate::registry::{BusinessId, EmailAddress, Language, OrgId, ServiceCode};
use chrono::{DateTime, Utc};

/// Which reports a list shows.
#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    /// Only this organisation's (an org_admin's or a portal's own).
    pub org: Option<OrgId>,
    pub status: Option<ReportStatus>,
    pub service: Option<ServiceCode>,
    /// Only critical reports.
    pub critical: bool,
    /// Only reports of this cluster.
    pub cluster: Option<String>,
}

/// One entry of a report's triage history.
#[derive(Clone, Debug)]
pub struct ReportEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub status: Option<ReportStatus>,
    pub note: Option<String>,
    pub reply: Option<String>,
}

/// An attachment with its content, for download.
#[derive(Clone, Debug)]
pub struct StoredAttachment {
    pub filename: String,
    pub media_type: MediaType,
    pub content: Vec<u8>,
}

/// A probable national fault.
#[derive(Clone, Debug)]
pub struct ClusterView {
    pub id: String,
    pub service: ServiceCode,
    pub opened_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub organisations: i64,
    pub reports: i64,
    pub notice_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: String,
    reference: String,
    org_id: Option<String>,
    source: String,
    organisation_name: String,
    business_id: String,
    reporter_name: String,
    reporter_email: String,
    reporter_phone: String,
    language: String,
    started_at: DateTime<Utc>,
    criteria: String,
    description: String,
    workstation: Option<String>,
    application: Option<String>,
    error_text: Option<String>,
    status: String,
    notice_id: Option<String>,
    duplicate_of: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    services: Option<String>,
}

impl ReportRow {
    fn decode(self, attachments: Vec<AttachmentInfo>) -> StoreResult<FaultReport> {
        let id = |column: &str, v: &str| {
            decode(
                column,
                ReportId::parse(v).ok_or_else(|| "not a uuid".to_owned()),
            )
        };
        Ok(FaultReport {
            id: id("fault_reports.id", &self.id)?,
            reference: self.reference,
            org_id: self
                .org_id
                .map(|o| {
                    decode(
                        "fault_reports.org_id",
                        OrgId::parse(&o).ok_or_else(|| "not a uuid".to_owned()),
                    )
                })
                .transpose()?,
            source: decode("fault_reports.source", ReportSource::parse(&self.source))?,
            fields: ReportFields {
                reporter_name: self.reporter_name,
                reporter_email: decode(
                    "fault_reports.reporter_email",
                    EmailAddress::parse(&self.reporter_email),
                )?,
                reporter_phone: self.reporter_phone,
                language: decode("fault_reports.language", Language::parse(&self.language))?,
                organisation_name: self.organisation_name,
                business_id: decode(
                    "fault_reports.business_id",
                    BusinessId::parse(&self.business_id),
                )?,
                services: split_services("fault_report_services.service", self.services)?,
                started_at: self.started_at,
                criteria: self
                    .criteria
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(|c| decode("fault_reports.criteria", Criterion::parse(c)))
                    .collect::<StoreResult<_>>()?,
                description: self.description,
                workstation: self.workstation,
                application: self.application,
                error_text: self.error_text,
            },
            attachments,
            status: status_of(&self.status)?,
            notice_id: self
                .notice_id
                .map(|n| {
                    decode(
                        "fault_reports.notice_id",
                        NoticeId::parse(&n).ok_or_else(|| "not a uuid".to_owned()),
                    )
                })
                .transpose()?,
            duplicate_of: self
                .duplicate_of
                .map(|d| id("fault_reports.duplicate_of", &d))
                .transpose()?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: String,
    filename: String,
    media_type: String,
    size: i64,
}

fn select(dialect: super::Dialect) -> String {
    format!(
        "SELECT r.id, r.reference, r.org_id, r.source, r.organisation_name, r.business_id, r.reporter_name, \
         r.reporter_email, r.reporter_phone, r.language, r.started_at, r.criteria, r.description, r.workstation, \
         r.application, r.error_text, r.status, r.notice_id, r.duplicate_of, r.created_at, r.updated_at, {} \
         FROM fault_reports r",
        aggregated(dialect, "fault_report_services", "report_id", "r")
    )
}

impl Store {
    /// Reports newest first, `filter`ed, a page at a time (the cursor is the last id seen).
    #[tracing::instrument(skip_all)]
    pub async fn list_fault_reports(
        &self,
        filter: &ReportFilter,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> StoreResult<Page<FaultReport>> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let mut c = self.read();
        let sql = format!(
            "{} WHERE ($1 IS NULL OR r.org_id = $1) AND ($2 IS NULL OR r.status = $2) \
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM fault_report_services s WHERE s.report_id = r.id AND s.service = $3)) \
             AND ($4 = FALSE OR r.critical) \
             AND ($5 IS NULL OR EXISTS (SELECT 1 FROM fault_report_services s WHERE s.report_id = r.id AND s.cluster_id = $5)) \
             AND ($6 IS NULL OR r.id < $6) ORDER BY r.id DESC LIMIT $7",
            select(c.dialect())
        );
        let rows: Vec<ReportRow> = c
            .fetch_all(
                Sql::new(sql)
                    .bind(filter.org.map(OrgId::to_text))
                    .bind(filter.status.map(|s| s.code()))
                    .bind(filter.service.as_ref().map(ServiceCode::as_str))
                    .bind(filter.critical)
                    .bind(filter.cluster.as_deref())
                    .bind(cursor)
                    .bind(i64::from(limit) + 1),
            )
            .await?;
        let items = rows
            .into_iter()
            .map(|r| r.decode(Vec::new()))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::cut(items, limit, |r| r.id.to_text()))
    }

    /// How many reports are in `status` (the dashboard's count, read at each refresh).
    pub async fn count_fault_reports(&self, status: ReportStatus) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM fault_reports WHERE status = $1";
        Ok(self
            .read()
            .scalar(Sql::new(sql).bind(status.code()))
            .await?)
    }

    /// One report with its attachments' descriptions.
    #[tracing::instrument(skip_all, fields(report = %id))]
    pub async fn get_fault_report(&self, id: ReportId) -> StoreResult<Option<FaultReport>> {
        let mut c = self.read();
        let sql = format!("{} WHERE r.id = $1", select(c.dialect()));
        let Some(row) = c
            .fetch_optional::<ReportRow>(Sql::new(sql).bind(id.to_text()))
            .await?
        else {
            return Ok(None);
        };
        let sql = "SELECT id, filename, media_type, size FROM fault_report_attachments WHERE report_id = $1 ORDER BY position";
        let files: Vec<AttachmentRow> = c.fetch_all(Sql::new(sql).bind(id.to_text())).await?;
        let files = files
            .into_iter()
            .map(|f| {
                Ok(AttachmentInfo {
                    media_type: decode(
                        "fault_report_attachments.media_type",
                        MediaType::parse(&f.media_type)
                            .ok_or_else(|| "not an accepted type".to_owned()),
                    )?,
                    id: f.id,
                    filename: f.filename,
                    size: f.size,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        row.decode(files).map(Some)
    }

    /// An attachment of report `id`, with its content.
    pub async fn fault_report_attachment(
        &self,
        id: ReportId,
        attachment: &str,
    ) -> StoreResult<Option<StoredAttachment>> {
        let sql = "SELECT filename, media_type, content FROM fault_report_attachments WHERE report_id = $1 AND id = $2";
        let row: Option<(String, String, Vec<u8>)> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(id.to_text()).bind(attachment))
            .await?;
        row.map(|(filename, media_type, content)| {
            Ok(StoredAttachment {
                filename,
                media_type: decode(
                    "fault_report_attachments.media_type",
                    MediaType::parse(&media_type).ok_or_else(|| "not an accepted type".to_owned()),
                )?,
                content,
            })
        })
        .transpose()
    }

    /// Report `id`'s triage history, oldest first.
    pub async fn fault_report_events(&self, id: ReportId) -> StoreResult<Vec<ReportEvent>> {
        let sql = "SELECT at, actor, status, note, reply FROM fault_report_events WHERE report_id = $1 ORDER BY id";
        type Row = (
            DateTime<Utc>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = self
            .read()
            .fetch_all(Sql::new(sql).bind(id.to_text()))
            .await?;
        rows.into_iter()
            .map(|(at, actor, status, note, reply)| {
                Ok(ReportEvent {
                    at,
                    actor,
                    status: status.as_deref().map(status_of).transpose()?,
                    note,
                    reply,
                })
            })
            .collect()
    }

    /// Clusters whose last report came after `since`, newest first.
    pub async fn recent_clusters(&self, since: DateTime<Utc>) -> StoreResult<Vec<ClusterView>> {
        let sql = "SELECT k.id, k.service, k.opened_at, k.last_at, k.notice_id, \
                   (SELECT COUNT(DISTINCT s.business_id) FROM fault_report_services s WHERE s.cluster_id = k.id), \
                   (SELECT COUNT(*) FROM fault_report_services s WHERE s.cluster_id = k.id) \
                   FROM report_clusters k WHERE k.last_at >= $1 ORDER BY k.last_at DESC LIMIT 50";
        type Row = (
            String,
            String,
            DateTime<Utc>,
            DateTime<Utc>,
            Option<String>,
            i64,
            i64,
        );
        let rows: Vec<Row> = self.read().fetch_all(Sql::new(sql).bind(since)).await?;
        rows.into_iter()
            .map(
                |(id, service, opened_at, last_at, notice_id, organisations, reports)| {
                    Ok(ClusterView {
                        id,
                        service: decode("report_clusters.service", ServiceCode::parse(&service))?,
                        opened_at,
                        last_at,
                        organisations,
                        reports,
                        notice_id,
                    })
                },
            )
            .collect()
    }
}
