//! `/portal` itself: the organisation's front page for a signed-in portal admin (the sign-in
//! request otherwise), "every recipient is still current", and the services in use.

use super::super::console::notices::checked_form;
use super::super::console::registry::viewer;
use super::super::console::session::{PortalSigned, language, query_param, see_other};
use super::super::{ApiError, AppState};
use crate::console::{
    LinkRequest, PortalHome, portal_home_page, portal_request_page, received_page,
};
use crate::intake::IntakeError;
use crate::registry::OrganisationInput;
use crate::validation::FieldError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// An organisation's recipients shown on its page.
const CONTACTS_SHOWN: u32 = 500;

/// The front page, with a confirmation said or a refused change of services shown.
async fn front(
    s: &AppState,
    p: &PortalSigned,
    confirmed: Option<u64>,
    services: Option<(&[String], &[FieldError])>,
) -> Result<String, ApiError> {
    let actor = &p.signed.actor;
    let org = s.query.organisation(actor, p.admin.org).await?;
    let contacts = s
        .query
        .contacts(actor, p.admin.org, None, Some(CONTACTS_SHOWN))
        .await?;
    let home = PortalHome {
        organisation: &org,
        contacts: &contacts,
        confirmed,
        services,
    };
    Ok(portal_home_page(
        p.signed.lang,
        &viewer(&p.signed),
        &home,
        s.intake.catalogue(),
    ))
}

/// `GET /portal`: the organisation's page, or without a session the sign-in request.
pub async fn show(
    State(s): State<AppState>,
    signed: Result<PortalSigned, Response>,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    match signed {
        Ok(p) => {
            let confirmed =
                query_param(parts.uri.query(), "confirmed").and_then(|n| n.parse().ok());
            Ok(Html(front(&s, &p, confirmed, None).await?).into_response())
        }
        Err(_) => {
            let state = LinkRequest::Form {
                email: "",
                errors: &[],
            };
            Ok(Html(portal_request_page(language(&parts), &state)).into_response())
        }
    }
}

/// A posted portal form, checked to come from a page of this session.
async fn checked(
    s: &AppState,
    p: &PortalSigned,
    req: Request,
) -> Result<Vec<(String, String)>, ApiError> {
    let path = req.uri().path().to_owned();
    Ok(checked_form(s, &p.signed, req, &path).await?.0)
}

/// `POST /portal/confirm`: every recipient of the organisation is still current.
pub async fn confirm(
    State(s): State<AppState>,
    p: PortalSigned,
    req: Request,
) -> Result<Response, ApiError> {
    checked(&s, &p, req).await?;
    let n = s
        .intake
        .confirm_contacts(&p.signed.actor, p.admin.org)
        .await?;
    Ok(see_other(&format!(
        "/portal?lang={}&confirmed={n}",
        p.signed.lang.code()
    )))
}

/// `POST /portal/services`: the services the organisation uses (and hears about).
pub async fn services(
    State(s): State<AppState>,
    p: PortalSigned,
    req: Request,
) -> Result<Response, ApiError> {
    let fields = checked(&s, &p, req).await?;
    let chosen: Vec<String> = fields
        .into_iter()
        .filter(|(k, _)| k == "services")
        .map(|(_, v)| v)
        .collect();
    let change = OrganisationInput {
        services: Some(chosen.clone()),
        ..OrganisationInput::default()
    };
    match s
        .intake
        .update_organisation(&p.signed.actor, p.admin.org, change)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/portal?lang={}", p.signed.lang.code()))),
        Err(IntakeError::Invalid(e)) => {
            let page = front(&s, &p, None, Some((&chosen, e.errors()))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /portal/notices`: "did we get it?" for the organisation's own recipients.
pub async fn received(
    State(s): State<AppState>,
    p: PortalSigned,
) -> Result<Html<String>, ApiError> {
    let notices = s.query.received(&p.signed.actor, p.admin.org).await?;
    Ok(Html(received_page(
        p.signed.lang,
        &viewer(&p.signed),
        &notices,
    )))
}
