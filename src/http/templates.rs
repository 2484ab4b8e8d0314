//! `/api/v1/templates`: notice templates, each change a new version.

use super::AppState;
use super::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use super::idempotency::Guarded;
use super::problem::{ApiError, Problem};
use crate::access::Answer;
use crate::query::{TemplateFilter, TemplateNotice, TemplateView};
use crate::registry::NoticeKind;
use crate::store::TemplateRecord;
use crate::templates::{Phase, TemplateInput};
use crate::validation::FieldErrors;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

/// `?kind=&phase=&service=`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TemplateListParams {
    #[param(value_type = Option<NoticeKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<Phase>)]
    pub phase: Option<String>,
    /// A service code: its templates and those for any service.
    pub service: Option<String>,
}

/// `?version=`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TemplateVersionParams {
    /// An earlier version; default the latest.
    #[param(minimum = 1)]
    pub version: Option<i32>,
}

/// The templates (all of them: a few dozen at most, so one page).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateList {
    pub items: Vec<TemplateView>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// The latest version of each template, by id.
#[utoipa::path(get, path = "/api/v1/templates", operation_id = "listTemplates", tag = "templates", params(TemplateListParams),
    responses((status = 200, body = TemplateList), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<TemplateListParams>,
) -> Result<Json<TemplateList>, ApiError> {
    let mut e = FieldErrors::new();
    let filter = TemplateFilter {
        kind: p
            .kind
            .as_deref()
            .and_then(|k| e.check("kind", NoticeKind::parse(k))),
        phase: p
            .phase
            .as_deref()
            .and_then(|k| e.check("phase", Phase::parse(k))),
        service: p.service.and_then(|code| {
            e.check("service", s.intake.catalogue().parse_code(&code))
                .map(|c| c.as_str().to_owned())
        }),
    };
    e.finish(|| ()).map_err(crate::intake::IntakeError::from)?;
    let items = s.query.templates(&actor, &filter).await?;
    Ok(Json(TemplateList {
        items,
        next_cursor: None,
    }))
}

/// Create a template (version 1). Its texts may hold the placeholders `{service}`,
/// `{start}`, `{estimated_end}`, `{next_update}`, `{window_start}`, `{window_end}` and
/// `{link}`; they are checked filled, as a notice would be.
#[utoipa::path(post, path = "/api/v1/templates", operation_id = "createTemplate", tag = "templates", request_body = TemplateInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe creation")),
    responses(
        (status = 201, body = TemplateView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: Guarded,
    ApiJson(input): ApiJson<TemplateInput>,
) -> Result<(StatusCode, Json<TemplateView>), ApiError> {
    let answer = |r: &TemplateRecord| Answer::json(201, &TemplateView::from(r.clone()));
    let record = s
        .intake
        .create_template(&actor, input, "api", key.keep(&answer))
        .await?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

/// One template, its latest version or `?version=`, with the list of its versions.
#[utoipa::path(get, path = "/api/v1/templates/{template_id}", operation_id = "getTemplate", tag = "templates",
    params(("template_id" = String, Path), TemplateVersionParams),
    responses((status = 200, body = TemplateView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<TemplateVersionParams>,
) -> Result<Json<TemplateView>, ApiError> {
    Ok(Json(s.query.template(&actor, &id, p.version).await?))
}

/// A notice body from the template (its latest version or `?version=`), to complete and
/// publish: the kind, severity, services, audiences and texts, the texts with their
/// placeholders, which publishing fills in each language.
#[utoipa::path(get, path = "/api/v1/templates/{template_id}/notice", operation_id = "getTemplateNotice", tag = "templates",
    params(("template_id" = String, Path), TemplateVersionParams),
    responses((status = 200, body = TemplateNotice), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn notice(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<TemplateVersionParams>,
) -> Result<Json<TemplateNotice>, ApiError> {
    Ok(Json(s.query.template_notice(&actor, &id, p.version).await?))
}

/// Change a template: the whole template again, written as its next version (earlier
/// versions stay readable).
#[utoipa::path(put, path = "/api/v1/templates/{template_id}", operation_id = "changeTemplate", tag = "templates",
    params(("template_id" = String, Path)), request_body = TemplateInput,
    responses(
        (status = 200, body = TemplateView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn change(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<TemplateInput>,
) -> Result<Json<TemplateView>, ApiError> {
    let record = s.intake.change_template(&actor, &id, input, "api").await?;
    Ok(Json(record.into()))
}
