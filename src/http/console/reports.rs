//! Fault reports in the console (the triage queue, a report, its triage form, attachment
//! downloads) and in the portal (the organisation's own reports, read only).

use super::super::fault_reports::download;
use super::super::{ApiError, AppState};
use super::notices::checked_form;
use super::registry::viewer;
use super::session::{PortalSigned, Signed, query_param, see_other};
use crate::console::{Posted, ReportPage, ReportQueue, report_page, reports_page};
use crate::fault_reports::{ReportId, ReportStatus};
use crate::intake::{IntakeError, TriageInput};
use crate::query::ReportQuery;
use crate::validation::FieldError;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Probable national faults shown on the queue: those active in the last day.
const CLUSTER_HOURS: i64 = 24;
/// Reports per page of the queue.
const PAGE: u32 = 50;

fn report_id(id: &str) -> Result<ReportId, ApiError> {
    ReportId::parse(id).ok_or_else(ApiError::not_found)
}

/// The queue's filters from the query string (unknown values are ignored, not refused).
fn filter(query: Option<&str>) -> ReportQuery {
    ReportQuery {
        status: query_param(query, "status").and_then(|s| ReportStatus::parse(&s).ok()),
        service: query_param(query, "service").filter(|s| !s.is_empty()),
        critical: query_param(query, "critical").is_some_and(|c| c == "true"),
        cluster: query_param(query, "cluster").filter(|c| uuid::Uuid::try_parse(c).is_ok()),
    }
}

/// `GET /console/reports`: the triage queue.
pub async fn queue(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Html<String>, ApiError> {
    let query = req.uri().query();
    let f = filter(query);
    let cursor = query_param(query, "cursor").filter(|c| uuid::Uuid::try_parse(c).is_ok());
    let list = match s
        .query
        .fault_reports(&signed.actor, &f, cursor.as_deref(), Some(PAGE))
        .await
    {
        Err(IntakeError::Invalid(_)) => {
            s.query
                .fault_reports(&signed.actor, &ReportQuery::default(), None, Some(PAGE))
                .await?
        }
        other => other?,
    };
    let clusters = s
        .query
        .report_clusters(&signed.actor, CLUSTER_HOURS)
        .await?;
    let q = ReportQueue {
        list: &list,
        filter: &f,
        clusters: &clusters,
    };
    Ok(Html(reports_page(
        signed.lang,
        &viewer(&signed),
        &q,
        s.intake.catalogue(),
    )))
}

/// The report page with the triage form as `posted`, answered with `status`.
async fn shown(
    s: &AppState,
    signed: &Signed,
    id: ReportId,
    posted: &Posted,
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, ApiError> {
    let (_, view) = s.query.fault_report(&signed.actor, id).await?;
    let page = ReportPage {
        report: &view,
        incident_pages: &s.intake.report_rules().incident_pages,
        posted,
        errors,
    };
    Ok((
        status,
        Html(report_page(
            signed.lang,
            &viewer(signed),
            &page,
            s.intake.catalogue(),
        )),
    )
        .into_response())
}

/// `GET /console/reports/{id}`.
pub async fn show(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    shown(
        &s,
        &signed,
        report_id(&id)?,
        &Posted::default(),
        &[],
        StatusCode::OK,
    )
    .await
}

/// `POST /console/reports/{id}`: a triage step, through the intake function of
/// `PATCH /api/v1/fault-reports/{id}`.
pub async fn triage(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let id = report_id(&id)?;
    let path = format!("/console/reports/{id}");
    let (pairs, _) = checked_form(&s, &signed, req, &path).await?;
    let posted = Posted::from_pairs(&pairs);
    let given = |k: &str| Some(posted.get(k).to_owned()).filter(|v| !v.trim().is_empty());
    let input = TriageInput {
        status: given("status"),
        note: given("note"),
        reply: given("reply"),
        estimate: given("estimate"),
        notice_id: given("notice_id"),
        duplicate_of: given("duplicate_of"),
    };
    match s.intake.triage_fault_report(&signed.actor, id, input).await {
        Ok(_) => Ok(see_other(&format!("{path}?lang={}", signed.lang.code()))),
        Err(IntakeError::Invalid(e)) => {
            shown(
                &s,
                &signed,
                id,
                &posted,
                e.errors(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /console/reports/{id}/attachments/{attachment}`: a download, never shown inline.
pub async fn attachment(
    State(s): State<AppState>,
    signed: Signed,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let file = s
        .query
        .fault_report_attachment(&signed.actor, report_id(&id)?, &attachment)
        .await?;
    Ok(download(file))
}

/// `GET /portal/reports`: the organisation's own reports.
pub async fn portal_list(
    State(s): State<AppState>,
    p: PortalSigned,
    req: Request,
) -> Result<Html<String>, ApiError> {
    let cursor =
        query_param(req.uri().query(), "cursor").filter(|c| uuid::Uuid::try_parse(c).is_ok());
    let f = ReportQuery::default();
    let list = s
        .query
        .fault_reports(&p.signed.actor, &f, cursor.as_deref(), Some(PAGE))
        .await?;
    let q = ReportQueue {
        list: &list,
        filter: &f,
        clusters: &[],
    };
    Ok(Html(reports_page(
        p.signed.lang,
        &viewer(&p.signed),
        &q,
        s.intake.catalogue(),
    )))
}

/// `GET /portal/reports/{id}`: one of the organisation's reports, with support's replies.
pub async fn portal_show(
    State(s): State<AppState>,
    p: PortalSigned,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (_, view) = s
        .query
        .fault_report(&p.signed.actor, report_id(&id)?)
        .await?;
    let page = ReportPage {
        report: &view,
        incident_pages: &s.intake.report_rules().incident_pages,
        posted: &Posted::default(),
        errors: &[],
    };
    Ok(Html(report_page(
        p.signed.lang,
        &viewer(&p.signed),
        &page,
        s.intake.catalogue(),
    ))
    .into_response())
}

/// `GET /console/reports/notice?report=…` or `?cluster=…`: the new fault notice form,
/// prefilled from the reports, which it links once published.
pub async fn new_notice(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Response, ApiError> {
    let query = req.uri().query();
    let from = match (query_param(query, "report"), query_param(query, "cluster")) {
        (Some(r), _) => crate::intake::ReportsOf::Report(report_id(&r)?),
        (None, Some(c)) if uuid::Uuid::try_parse(&c).is_ok() => {
            crate::intake::ReportsOf::Cluster(c)
        }
        _ => return Err(ApiError::not_found()),
    };
    let draft = s.intake.notice_draft(&signed.actor, from).await?;
    let local = draft
        .started_at
        .with_timezone(&crate::calendar::HELSINKI)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let mut pairs: Vec<(String, String)> = vec![
        ("kind".into(), draft.kind.clone()),
        ("severity".into(), draft.severity.clone()),
        ("state".into(), draft.state.clone()),
        ("started_at".into(), local),
        ("idem".into(), super::notices::form_id()),
        ("fault_reports".into(), draft.fault_reports.join(",")),
    ];
    pairs.extend(
        draft
            .services
            .iter()
            .map(|c| ("services".to_owned(), c.clone())),
    );
    for (l, text) in &draft.title {
        pairs.push((format!("title_{l}"), text.clone()));
    }
    for (l, text) in &draft.body {
        pairs.push((format!("body_{l}"), text.clone()));
    }
    let viewer = viewer(&signed);
    let form = crate::console::NoticeForm::from_pairs(&pairs);
    Ok(Html(crate::console::new_notice_page(
        signed.lang,
        &viewer,
        &form,
        (&[], None),
        s.intake.catalogue(),
        &[],
    ))
    .into_response())
}
