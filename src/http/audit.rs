//! `GET /api/v1/audit`.

use super::AppState;
use super::extract::{ApiQuery, Caller, ListParams};
use super::problem::{ApiError, Problem};
use crate::store::AuditEntry;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

/// A page of audit records, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// The audit log (operators).
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "listAudit", tag = "access", params(ListParams),
    responses((status = 200, body = AuditList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<AuditList>, ApiError> {
    if !actor.is_operator() {
        return Err(ApiError::forbidden("only operators read the audit log"));
    }
    if p.cursor
        .as_deref()
        .is_some_and(|c| c.parse::<i64>().is_err())
    {
        return Err(ApiError::invalid(crate::validation::FieldErrors::single(
            "cursor",
            "is not a cursor from this list",
        )));
    }
    let page = s
        .intake
        .store()
        .list_audit(p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(AuditList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
