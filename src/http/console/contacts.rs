//! `…/contacts/…` of an organisation, in the console (`/console/organisations/{id}`) and in
//! the portal (`/portal`): adding, changing and deleting notice recipients. Each form posts
//! to the intake function the API's contact routes call.

use super::super::{ApiError, AppState};
use super::in_org::InOrg;
use super::notices::checked_form;
use super::registry::viewer;
use super::session::see_other;
use crate::access::{Answer, Earlier, Keep};
use crate::console::{ContactForm, ContactMode, contact_form_page};
use crate::intake::IntakeError;
use crate::query::{ContactView, OrganisationView};
use crate::registry::{Contact, Organisation};
use crate::validation::FieldError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

fn page(
    s: &AppState,
    at: &InOrg,
    org: &OrganisationView,
    mode: &ContactMode,
    form: &ContactForm,
    errors: &[FieldError],
) -> Html<String> {
    Html(contact_form_page(
        at.signed.lang,
        &viewer(&at.signed),
        org,
        mode,
        form,
        errors,
        s.intake.catalogue(),
    ))
}

/// Back to the organisation's page.
fn to_organisation(at: &InOrg) -> Response {
    see_other(&format!("{}?lang={}", at.base, at.signed.lang.code()))
}

/// `GET …/contacts/new`.
pub async fn new(State(s): State<AppState>, at: InOrg) -> Result<Html<String>, ApiError> {
    let org = s.query.organisation(&at.signed.actor, at.org).await?;
    let mut form = ContactForm::blank();
    form.set_form_id(&super::notices::form_id());
    Ok(page(&s, &at, &org, &ContactMode::New, &form, &[]))
}

/// `POST …/contacts/new`: adds the recipient (once, however often the form is sent), or
/// shows the form again with each bad field marked.
pub async fn create(
    State(s): State<AppState>,
    at: InOrg,
    req: Request,
) -> Result<Response, ApiError> {
    let path = format!("{}/contacts/new", at.base);
    let (fields, key) = checked_form(&s, &at.signed, req, &path).await?;
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
        .create_contact(&at.signed.actor, at.org, form.input(), keep)
        .await
    {
        Ok(_) | Err(IntakeError::Earlier(Earlier::Answered(_))) => Ok(to_organisation(&at)),
        Err(IntakeError::Invalid(e)) => {
            let view = s.query.organisation(&at.signed.actor, at.org).await?;
            let html = page(&s, &at, &view, &ContactMode::New, &form, e.errors());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET …/contacts/{contact}`: the recipient's form, filled in.
pub async fn edit(State(s): State<AppState>, at: InOrg) -> Result<Html<String>, ApiError> {
    let view = s.query.organisation(&at.signed.actor, at.org).await?;
    let c = s
        .query
        .contact(&at.signed.actor, at.org, at.contact()?)
        .await?;
    let form = ContactForm::from_contact(&c);
    Ok(page(&s, &at, &view, &ContactMode::Edit(&c), &form, &[]))
}

/// `POST …/contacts/{contact}`: changes the recipient (which also confirms it as current).
pub async fn update(
    State(s): State<AppState>,
    at: InOrg,
    req: Request,
) -> Result<Response, ApiError> {
    let cid = at.contact()?;
    let path = format!("{}/contacts/{}", at.base, cid.to_text());
    let (fields, _) = checked_form(&s, &at.signed, req, &path).await?;
    let form = ContactForm::from_pairs(&fields);
    match s
        .intake
        .update_contact(&at.signed.actor, at.org, cid, form.input())
        .await
    {
        Ok(_) => Ok(to_organisation(&at)),
        Err(IntakeError::Invalid(e)) => {
            let view = s.query.organisation(&at.signed.actor, at.org).await?;
            let c = s.query.contact(&at.signed.actor, at.org, cid).await?;
            let html = page(&s, &at, &view, &ContactMode::Edit(&c), &form, e.errors());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST …/contacts/{contact}/delete`: deletes the recipient and erases their addresses. One
/// that is not there (gone already, or another organisation's) is not found.
pub async fn delete(
    State(s): State<AppState>,
    at: InOrg,
    req: Request,
) -> Result<Response, ApiError> {
    let cid = at.contact()?;
    let path = format!("{}/contacts/{}/delete", at.base, cid.to_text());
    checked_form(&s, &at.signed, req, &path).await?;
    match s.intake.delete_contact(&at.signed.actor, at.org, cid).await {
        Ok(()) => Ok(to_organisation(&at)),
        Err(e) => Err(e.into()),
    }
}
