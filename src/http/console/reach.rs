//! `/console/notices/{id}/reach`: the reach board of a notice.

use super::super::{ApiError, AppState};
use super::registry::viewer;
use super::session::Signed;
use crate::console::reach_page;
use crate::notices::NoticeId;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

/// `GET /console/notices/{id}/reach.csv`: the reach report to keep or pass on (an exercise's
/// result, a fault's who-heard): one row per organisation.
pub async fn csv(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = NoticeId::parse(&id).ok_or_else(ApiError::not_found)?;
    let board = s.query.reach(&signed.actor, id).await?;
    let mut res = board.to_csv().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"reach-{id}.csv\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// `GET /console/notices/{id}/reach`.
pub async fn show(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Html<String>, ApiError> {
    let id = NoticeId::parse(&id).ok_or_else(ApiError::not_found)?;
    let board = s.query.reach(&signed.actor, id).await?;
    let notice = s.query.notice(id).await?;
    let ongoing =
        crate::notices::NoticeState::parse(&notice.current.state).is_ok_and(|st| !st.is_final());
    Ok(Html(reach_page(
        signed.lang,
        &viewer(&signed),
        &board,
        ongoing,
    )))
}
