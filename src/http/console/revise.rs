//! `/console/notices/{id}/revise`: update a notice (or reschedule a maintenance) from a form
//! filled in from its current revision, with a preview before publishing the revision.

use super::super::{ApiError, AppState};
use super::notices::{checked_form, form_id, notice_id, publish_revision};
use super::session::{Signed, see_other};
use crate::console::{FormMode, NoticeForm, Viewer, notice_form_page};
use crate::intake::{IntakeError, NoticePreview};
use crate::notices::{NoticeId, Revision, Texts};
use crate::validation::FieldError;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// `update`, or `reschedule` when asked for.
fn action_of(query: Option<&str>) -> &'static str {
    let asked = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.into_owned());
    match asked.as_deref() {
        Some("reschedule") => "reschedule",
        _ => "update",
    }
}

/// The notice's latest revision.
async fn current(s: &AppState, id: NoticeId) -> Result<Revision, ApiError> {
    s.query
        .notice_revisions(id)
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}

async fn page(
    s: &AppState,
    signed: &Signed,
    id: NoticeId,
    action: &str,
    form: &NoticeForm,
    shown: (&[FieldError], Option<&NoticePreview>),
) -> Result<Html<String>, ApiError> {
    let current = current(s, id).await?;
    let (title, _) = Texts::pick(&current.draft.texts.title, signed.lang);
    let viewer = Viewer {
        person: &signed.name,
        csrf: &signed.session.csrf,
        desk: crate::console::Desk::Console,
    };
    let mode = FormMode::Revise { id, action, title };
    Ok(Html(notice_form_page(
        signed.lang,
        &viewer,
        form,
        shown,
        s.intake.catalogue(),
        &mode,
    )))
}

/// `GET /console/notices/{id}/revise?action=update|reschedule`: the form, filled in.
pub async fn show(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Html<String>, ApiError> {
    let id = notice_id(&id)?;
    let action = action_of(req.uri().query());
    let form = NoticeForm::from_revision(&current(&s, id).await?, &form_id());
    page(&s, &signed, id, action, &form, (&[], None)).await
}

/// `POST /console/notices/{id}/revise`: `act=preview` shows what the revision would do,
/// `act=publish` publishes it.
pub async fn post(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let id = notice_id(&id)?;
    let path = format!("/console/notices/{id}");
    let (fields, key) = checked_form(&s, &signed, req, &format!("{path}/revise")).await?;
    let form = NoticeForm::from_pairs(&fields);
    let action = if form.value("action") == "reschedule" {
        "reschedule"
    } else {
        "update"
    };
    let input = form.revision_input(action);
    let invalid = async |e: crate::validation::FieldErrors| -> Result<Response, ApiError> {
        let html = page(&s, &signed, id, action, &form, (e.errors(), None)).await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    if form.value("act") != "publish" {
        return match s.intake.preview_revision(&signed.actor, id, input).await {
            Ok(p) => Ok(page(&s, &signed, id, action, &form, (&[], Some(&p)))
                .await?
                .into_response()),
            Err(IntakeError::Invalid(e)) => invalid(e).await,
            Err(e) => Err(e.into()),
        };
    }
    match publish_revision(&s, &signed, id, input, key.as_ref()).await? {
        None => Ok(see_other(&format!("{path}?lang={}", signed.lang.code()))),
        Some(e) => invalid(e).await,
    }
}
