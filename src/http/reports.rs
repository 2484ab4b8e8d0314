//! `GET /api/v1/reports/unreachable`: contact hygiene for operators.

use super::AppState;
use super::extract::Caller;
use super::problem::{ApiError, Problem};
use crate::query::UnreachableList;
use axum::Json;
use axum::extract::State;

/// Active organisations using a service for which none of their contacts would receive a
/// fault notice by any channel (operators).
#[utoipa::path(get, path = "/api/v1/reports/unreachable", operation_id = "unreachableReport", tag = "registry",
    responses((status = 200, body = UnreachableList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn unreachable(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<UnreachableList>, ApiError> {
    Ok(Json(s.query.unreachable(&actor).await?))
}
