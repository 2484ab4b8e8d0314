//! `GET /api/v1/audit`.

use super::AppState;
use super::extract::{ApiQuery, Caller, ListParams};
use super::problem::{ApiError, Problem};
use crate::query::AuditList;
use axum::Json;
use axum::extract::State;

/// The audit log (operators).
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "listAudit", tag = "access", params(ListParams),
    responses((status = 200, body = AuditList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<AuditList>, ApiError> {
    Ok(Json(
        s.query.audit(&actor, p.cursor.as_deref(), p.limit).await?,
    ))
}
