//! `/api/v1/organisations`.

use super::AppState;
use super::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use super::idempotency::Guarded;
use super::problem::{ApiError, Problem};
use crate::access::Answer;
use crate::query::{OrganisationList, OrganisationView};
use crate::registry::{OrgId, Organisation, OrganisationInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Parses a path id; anything that is not an id is simply not found.
pub fn org_id(text: &str) -> Result<OrgId, ApiError> {
    OrgId::parse(text).ok_or_else(ApiError::not_found)
}

/// Search and paging.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrgListParams {
    /// Matches the name or business ID, case-insensitively.
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    #[serde(default, deserialize_with = "crate::http::extract::page_limit")]
    pub limit: Option<u32>,
}

/// Register an organisation.
#[utoipa::path(post, path = "/api/v1/organisations", operation_id = "createOrganisation", tag = "registry", request_body = OrganisationInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe creation")),
    responses(
        (status = 201, body = OrganisationView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: Guarded,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> Result<(StatusCode, Json<OrganisationView>), ApiError> {
    let answer = |o: &Organisation| Answer::json(201, &OrganisationView::from(o));
    let org = s
        .intake
        .create_organisation(&actor, input, key.keep(&answer))
        .await?;
    Ok((StatusCode::CREATED, Json((&org).into())))
}

/// Organisations: all for operators, its own for an org_admin.
#[utoipa::path(get, path = "/api/v1/organisations", operation_id = "listOrganisations", tag = "registry", params(OrgListParams),
    responses((status = 200, body = OrganisationList), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<OrgListParams>,
) -> Result<Json<OrganisationList>, ApiError> {
    Ok(Json(
        s.query
            .organisations(&actor, p.q.as_deref(), p.cursor.as_deref(), p.limit)
            .await?,
    ))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{org_id}", operation_id = "getOrganisation", tag = "registry", params(("org_id" = String, Path)),
    responses((status = 200, body = OrganisationView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<OrganisationView>, ApiError> {
    Ok(Json(s.query.organisation(&actor, org_id(&id)?).await?))
}

/// Change an organisation; fields left out stay as they are.
#[utoipa::path(patch, path = "/api/v1/organisations/{org_id}", operation_id = "updateOrganisation", tag = "registry", params(("org_id" = String, Path)),
    request_body = OrganisationInput,
    responses(
        (status = 200, body = OrganisationView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(change): ApiJson<OrganisationInput>,
) -> Result<Json<OrganisationView>, ApiError> {
    let id = org_id(&id)?;
    let org = s.intake.update_organisation(&actor, id, change).await?;
    Ok(Json((&org).into()))
}

/// Delete an organisation with its contacts (personal data erased) and tokens.
#[utoipa::path(delete, path = "/api/v1/organisations/{org_id}", operation_id = "deleteOrganisation", tag = "registry", params(("org_id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    s.intake.delete_organisation(&actor, org_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
