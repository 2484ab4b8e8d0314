//! `/console/notices/{id}/approve` and `/submit`: four eyes from the dashboard.

use super::super::{ApiError, AppState};
use super::notices::{checked_form, notice_id};
use super::session::{Signed, see_other};
use axum::extract::{Path, Request, State};
use axum::response::Response;

/// `POST /console/notices/{id}/approve` and `/submit`: a second operator approves a notice
/// (never its author), or its author submits a draft; back to the dashboard.
async fn advance(
    s: AppState,
    signed: Signed,
    id: String,
    req: Request,
    approve: bool,
) -> Result<Response, ApiError> {
    let id = notice_id(&id)?;
    let step = if approve { "approve" } else { "submit" };
    checked_form(&s, &signed, req, &format!("/console/notices/{id}/{step}")).await?;
    if approve {
        s.intake.approve_notice(&signed.actor, id).await?;
    } else {
        s.intake.submit_notice(&signed.actor, id).await?;
    }
    Ok(see_other(&format!("/console?lang={}", signed.lang.code())))
}

/// `POST /console/notices/{id}/approve`.
pub async fn approve(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    advance(s, signed, id, req, true).await
}

/// `POST /console/notices/{id}/submit`.
pub async fn submit(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    advance(s, signed, id, req, false).await
}
