//! `/console/organisations/{id}/contacts/…`: adding, changing and deleting an organisation's
//! notice recipients. Each form posts to the intake function the API's contact routes call.

use super::super::{ApiError, AppState};
use super::notices::checked_form;
use super::registry::{org_id, viewer};
use super::session::{Signed, see_other};
use crate::access::{Answer, Earlier, Keep};
use crate::console::{ContactForm, ContactMode, contact_form_page};
use crate::intake::IntakeError;
use crate::query::{ContactView, OrganisationView};
use crate::registry::{Contact, ContactId, OrgId, Organisation};
use crate::validation::FieldError;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// The organisation and contact a console path names, and the contact's path.
fn ids(org: &str, contact: &str) -> Result<(OrgId, ContactId, String), ApiError> {
    let org = org_id(org)?;
    let cid = ContactId::parse(contact).ok_or_else(ApiError::not_found)?;
    let path = format!(
        "/console/organisations/{}/contacts/{}",
        org.to_text(),
        cid.to_text()
    );
    Ok((org, cid, path))
}

fn page(
    s: &AppState,
    signed: &Signed,
    org: &OrganisationView,
    mode: &ContactMode,
    form: &ContactForm,
    errors: &[FieldError],
) -> Html<String> {
    Html(contact_form_page(
        signed.lang,
        &viewer(signed),
        org,
        mode,
        form,
        errors,
        s.intake.catalogue(),
    ))
}

/// Back to the organisation's page.
fn to_organisation(signed: &Signed, org: OrgId) -> Response {
    see_other(&format!(
        "/console/organisations/{}?lang={}",
        org.to_text(),
        signed.lang.code()
    ))
}

/// `GET /console/organisations/{id}/contacts/new`.
pub async fn new(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Html<String>, ApiError> {
    let org = s.query.organisation(&signed.actor, org_id(&id)?).await?;
    let mut form = ContactForm::blank();
    form.set_form_id(&super::notices::form_id());
    Ok(page(&s, &signed, &org, &ContactMode::New, &form, &[]))
}

/// `POST /console/organisations/{id}/contacts/new`: adds the recipient (once, however
/// often the form is sent), or shows the form again with each bad field marked.
pub async fn create(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let org = org_id(&id)?;
    let path = format!("/console/organisations/{}/contacts/new", org.to_text());
    let (fields, key) = checked_form(&s, &signed, req, &path).await?;
    let form = ContactForm::from_pairs(&fields);
    let answer = |(c, o): &(Contact, Organisation)| {
        Answer::json(201, &ContactView::new(c, &o.draft.services))
    };
    let keep = key.as_ref().map(|key| Keep {
        key,
        answer: &answer,
    });
    match s
        .intake
        .create_contact(&signed.actor, org, form.input(), keep)
        .await
    {
        Ok(_) | Err(IntakeError::Earlier(Earlier::Answered(_))) => {
            Ok(to_organisation(&signed, org))
        }
        Err(IntakeError::Invalid(e)) => {
            let view = s.query.organisation(&signed.actor, org).await?;
            let html = page(&s, &signed, &view, &ContactMode::New, &form, e.errors());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /console/organisations/{id}/contacts/{contact}`: the recipient's form, filled in.
pub async fn edit(
    State(s): State<AppState>,
    signed: Signed,
    Path((id, contact)): Path<(String, String)>,
) -> Result<Html<String>, ApiError> {
    let (org, cid, _) = ids(&id, &contact)?;
    let view = s.query.organisation(&signed.actor, org).await?;
    let c = s.query.contact(&signed.actor, org, cid).await?;
    let form = ContactForm::from_contact(&c);
    Ok(page(&s, &signed, &view, &ContactMode::Edit(&c), &form, &[]))
}

/// `POST /console/organisations/{id}/contacts/{contact}`: changes the recipient (which also
/// confirms it as current).
pub async fn update(
    State(s): State<AppState>,
    signed: Signed,
    Path((id, contact)): Path<(String, String)>,
    req: Request,
) -> Result<Response, ApiError> {
    let (org, cid, path) = ids(&id, &contact)?;
    let (fields, _) = checked_form(&s, &signed, req, &path).await?;
    let form = ContactForm::from_pairs(&fields);
    match s
        .intake
        .update_contact(&signed.actor, org, cid, form.input())
        .await
    {
        Ok(_) => Ok(to_organisation(&signed, org)),
        Err(IntakeError::Invalid(e)) => {
            let view = s.query.organisation(&signed.actor, org).await?;
            let c = s.query.contact(&signed.actor, org, cid).await?;
            let html = page(
                &s,
                &signed,
                &view,
                &ContactMode::Edit(&c),
                &form,
                e.errors(),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/organisations/{id}/contacts/{contact}/delete`: deletes the recipient and
/// erases their addresses. Deleting one already gone is done as well.
pub async fn delete(
    State(s): State<AppState>,
    signed: Signed,
    Path((id, contact)): Path<(String, String)>,
    req: Request,
) -> Result<Response, ApiError> {
    let (org, cid, path) = ids(&id, &contact)?;
    checked_form(&s, &signed, req, &format!("{path}/delete")).await?;
    match s.intake.delete_contact(&signed.actor, org, cid).await {
        Ok(()) | Err(IntakeError::NotFound) => Ok(to_organisation(&signed, org)),
        Err(e) => Err(e.into()),
    }
}
