//! `GET /api/v1/notices/{id}/reach`: the reach board of a notice, as JSON or (with
//! `Accept: text/csv`) CSV.

use super::AppState;
use super::extract::{ApiPath, Caller};
use super::notices::notice_id;
use super::problem::{ApiError, Problem};
use crate::query::ReachView;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Whether the caller asked for CSV.
fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"))
}

/// Reach per organisation: each organisation the notice was sent to is `unreached`,
/// `reached` (an email accepted by its server or an SMS delivered, to any of its contacts)
/// or `acknowledged`, with when it was escalated and, until it acknowledges, its contacts'
/// phones for a call. Who has not heard comes first.
#[utoipa::path(get, path = "/api/v1/notices/{id}/reach", operation_id = "getReach", tag = "notices", params(("id" = String, Path)),
    responses((status = 200, description = "The board, as JSON or (`Accept: text/csv`) CSV",
            content((ReachView = "application/json"), (String = "text/csv"))),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn reach(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let view = s.query.reach(&actor, notice_id(&id)?).await?;
    if !wants_csv(&headers) {
        return Ok(Json(view).into_response());
    }
    let mut res = view.to_csv().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"reach.csv\""),
    );
    Ok(res)
}
