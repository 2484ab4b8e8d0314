//! `GET /api/v1/reports/unreachable`: contact hygiene for operators.

use super::AppState;
use super::extract::Caller;
use super::problem::{ApiError, Problem};
use crate::store::Unreachable;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

/// Organisation and service pairs that no contact can be reached for, by name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnreachableList {
    pub items: Vec<Unreachable>,
    /// Always null: the report is one page.
    pub next_cursor: Option<String>,
}

/// Active organisations using a service for which none of their contacts would receive a
/// fault notice by any channel (operators).
#[utoipa::path(get, path = "/api/v1/reports/unreachable", operation_id = "unreachableReport", tag = "registry",
    responses((status = 200, body = UnreachableList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn unreachable(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<UnreachableList>, ApiError> {
    if !actor.is_operator() {
        return Err(ApiError::forbidden("only operators read registry reports"));
    }
    Ok(Json(UnreachableList {
        items: s.intake.unreachable().await?,
        next_cursor: None,
    }))
}
