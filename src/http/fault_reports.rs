//! `/api/v1/fault-reports`: organisations report faults; operators triage them.

use super::AppState;
use super::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use super::idempotency::Guarded;
use super::problem::{ApiError, Problem};
use crate::access::Answer;
use crate::fault_reports::{FaultReportInput, ReportId, ReportStatus};
use crate::intake::{NoticeDraft, TriageInput};
use crate::query::{FaultReportList, FaultReportView, ReportQuery};
use crate::store::ReportReceipt;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use super::extract::MAX_REPORT_BODY;

/// Parses a path id; anything that is not an id is simply not found.
pub fn report_id(text: &str) -> Result<ReportId, ApiError> {
    ReportId::parse(text).ok_or_else(ApiError::not_found)
}

/// Filters and paging of the triage queue.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportListParams {
    #[param(value_type = Option<ReportStatus>)]
    pub status: Option<String>,
    /// A service code.
    pub service: Option<String>,
    /// Only critical reports.
    pub critical: Option<bool>,
    /// Only the reports of one probable national fault.
    pub cluster: Option<String>,
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    #[serde(default, deserialize_with = "crate::http::extract::page_limit")]
    pub limit: Option<u32>,
}

impl ReportListParams {
    /// The filters, checked.
    pub fn query(&self) -> Result<ReportQuery, ApiError> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(ReportStatus::parse(s).map_err(|m| {
                ApiError::invalid(crate::validation::FieldErrors::single("status", m))
            })?),
            None => None,
        };
        Ok(ReportQuery {
            status,
            service: self.service.clone().filter(|s| !s.is_empty()),
            critical: self.critical.unwrap_or(false),
            cluster: self
                .cluster
                .clone()
                .filter(|c| uuid::Uuid::try_parse(c).is_ok()),
        })
    }
}

/// Report a fault (an org_admin for its own organisation, as registered; an operator on
/// someone's behalf). The acknowledgement is emailed to the reporter.
#[utoipa::path(post, path = "/api/v1/fault-reports", operation_id = "createFaultReport", tag = "fault-reports", request_body = FaultReportInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe creation")),
    responses(
        (status = 201, body = ReportReceipt), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: Guarded,
    ApiJson(input): ApiJson<FaultReportInput>,
) -> Result<(StatusCode, Json<ReportReceipt>), ApiError> {
    let answer = |r: &ReportReceipt| Answer::json(201, r);
    let receipt = s
        .intake
        .submit_fault_report(&actor, input, key.keep(&answer))
        .await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// The triage queue, newest first: every report for operators, its own organisation's
/// for an org_admin.
#[utoipa::path(get, path = "/api/v1/fault-reports", operation_id = "listFaultReports", tag = "fault-reports", params(ReportListParams),
    responses((status = 200, body = FaultReportList), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ReportListParams>,
) -> Result<Json<FaultReportList>, ApiError> {
    let q = p.query()?;
    Ok(Json(
        s.query
            .fault_reports(&actor, &q, p.cursor.as_deref(), p.limit)
            .await?,
    ))
}

/// One report with its triage history.
#[utoipa::path(get, path = "/api/v1/fault-reports/{id}", operation_id = "getFaultReport", tag = "fault-reports", params(("id" = String, Path)),
    responses((status = 200, body = FaultReportView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<FaultReportView>, ApiError> {
    Ok(Json(s.query.fault_report(&actor, report_id(&id)?).await?.1))
}

/// Triage: a new state, a note, a reply to the reporter, the linked notice or the
/// report this one repeats. A new state or a reply is emailed to the reporter.
#[utoipa::path(patch, path = "/api/v1/fault-reports/{id}", operation_id = "triageFaultReport", tag = "fault-reports", params(("id" = String, Path)),
    request_body = TriageInput,
    responses(
        (status = 200, body = FaultReportView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn triage(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<TriageInput>,
) -> Result<Json<FaultReportView>, ApiError> {
    let id = report_id(&id)?;
    s.intake.triage_fault_report(&actor, id, input).await?;
    Ok(Json(s.query.fault_report(&actor, id).await?.1))
}

/// A draft fault notice prefilled from the report (and every report of a probable national
/// fault it belongs to): the body of `POST /api/v1/notices`, with `fault_reports` naming the
/// reports that publishing links and whose reporters it tells. Nothing is stored.
#[utoipa::path(post, path = "/api/v1/fault-reports/{id}/notice", operation_id = "draftNoticeFromReport", tag = "fault-reports", params(("id" = String, Path)),
    responses((status = 200, body = NoticeDraft), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn draft_notice(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<NoticeDraft>, ApiError> {
    let from = crate::intake::ReportsOf::Report(report_id(&id)?);
    Ok(Json(s.intake.notice_draft(&actor, from).await?))
}

/// An attachment, as a download (operators only; never rendered inline).
#[utoipa::path(get, path = "/api/v1/fault-reports/{id}/attachments/{attachment_id}", operation_id = "getFaultReportAttachment", tag = "fault-reports",
    params(("id" = String, Path), ("attachment_id" = String, Path)),
    responses((status = 200, description = "the file, as an attachment", content_type = "application/octet-stream"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn attachment(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath((id, attachment)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let file = s
        .query
        .fault_report_attachment(&actor, report_id(&id)?, &attachment)
        .await?;
    Ok(download(file))
}

/// A stored attachment as a download that no browser renders or sniffs.
pub fn download(file: crate::store::StoredAttachment) -> Response {
    let ascii: String = file
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(file.filename.as_bytes()).collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    );
    (
        [
            (header::CONTENT_TYPE, file.media_type.mime().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        file.content,
    )
        .into_response()
}
