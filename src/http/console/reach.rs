//! `/console/notices/{id}/reach`: the reach board of a notice.

use super::super::{ApiError, AppState};
use super::registry::viewer;
use super::session::Signed;
use crate::console::reach_page;
use crate::notices::NoticeId;
use axum::extract::{Path, State};
use axum::response::Html;

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
