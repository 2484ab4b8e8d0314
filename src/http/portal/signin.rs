//! Signing in to the portal: asking for a link (the same answer whether or not the address
//! is a portal admin's; limited per address and per client), the link's page (a GET only
//! shows), its button's POST (spends the link, opens a session), signing out, the language.

use super::super::console::form::fields;
use super::super::console::language::choose_for;
use super::super::console::session::{
    PortalSigned, clear_portal_cookie, csrf_matches, language, query_param, request_id,
    same_origin, see_other, set_portal_cookie,
};
use super::super::console::signin::forbidden;
use super::super::{ApiError, AppState};
use crate::console::{LinkRequest, PortalLinkState, portal_link_page, portal_request_page};
use crate::intake::{IntakeError, PortalLink, PortalSignIn};
use crate::registry::Language;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Portal forms are a few hundred bytes.
const MAX_FORM: usize = 16 * 1024;

async fn form_of(
    req: Request,
) -> Result<
    (
        axum::http::request::Parts,
        std::collections::HashMap<String, String>,
    ),
    ApiError,
> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_FORM)
        .await
        .map_err(|e| super::super::extract::body_error(&e))?;
    Ok((parts, fields(&body)))
}

/// `POST /portal/link-request`: sends a sign-in link if the address is a portal admin's.
pub async fn request_link(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, form) = form_of(req).await?;
    let lang = language(&parts);
    if !same_origin(&s, &parts.headers) {
        return Err(forbidden());
    }
    let email = form.get("email").map(String::as_str).unwrap_or("").trim();
    let key = email.to_lowercase();
    let now = s.clock.now().timestamp_micros();
    if let Some(seconds) = s.limits.portal_link_request(&parts, &key, now) {
        let page = portal_request_page(lang, &LinkRequest::TooMany { email, seconds });
        let mut res = (StatusCode::TOO_MANY_REQUESTS, Html(page)).into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return Ok(res);
    }
    match s.intake.request_portal_link(email).await {
        Ok(()) => {
            let minutes = s.intake.session_rules().link_valid.num_minutes();
            Ok(Html(portal_request_page(lang, &LinkRequest::Sent { minutes })).into_response())
        }
        Err(IntakeError::Invalid(e)) => {
            let page = portal_request_page(
                lang,
                &LinkRequest::Form {
                    email,
                    errors: e.errors(),
                },
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The page of a link that cannot be used.
fn refused(lang: Language, why: &PortalLink) -> Response {
    let (status, state) = match why {
        PortalLink::Expired => (StatusCode::GONE, PortalLinkState::Expired),
        PortalLink::Spent => (StatusCode::GONE, PortalLinkState::Spent),
        _ => (StatusCode::NOT_FOUND, PortalLinkState::Invalid),
    };
    (status, Html(portal_link_page(lang, &state))).into_response()
}

/// `GET /portal/link?t=…`: who the link signs in to which organisation, and a button.
/// Nothing is spent here: scanners that fetch links must not sign anyone in.
pub async fn link(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let lang = language(&parts);
    let token = query_param(parts.uri.query(), "t").unwrap_or_default();
    match s.intake.portal_link(&token).await? {
        PortalLink::Valid(admin) => {
            let state = PortalLinkState::Valid {
                name: &admin.name,
                org_name: &admin.org_name,
                token: &token,
            };
            Ok(Html(portal_link_page(lang, &state)).into_response())
        }
        why => Ok(refused(lang, &why)),
    }
}

/// `POST /portal/link`: spends the link and opens a portal session (a new id every time).
pub async fn sign_in(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, form) = form_of(req).await?;
    let lang = language(&parts);
    if !same_origin(&s, &parts.headers) {
        return Err(forbidden());
    }
    let token = form.get("t").map(String::as_str).unwrap_or_default();
    match s
        .intake
        .sign_in_portal(token, &request_id(&parts.extensions), lang)
        .await?
    {
        PortalSignIn::Opened { secret, session } => {
            let mut res = see_other(&format!("/portal?lang={}", session.lang.code()));
            res.headers_mut()
                .insert(header::SET_COOKIE, set_portal_cookie(&s, &secret));
            Ok(res)
        }
        PortalSignIn::Refused(why) => Ok(refused(lang, &why)),
    }
}

/// `POST /portal/logout`: ends the session everywhere and forgets the cookie.
pub async fn sign_out(
    State(s): State<AppState>,
    p: PortalSigned,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, form) = form_of(req).await?;
    if !same_origin(&s, &parts.headers)
        || !csrf_matches(&p.signed.session, form.get("csrf").map(String::as_str))
    {
        return Err(forbidden());
    }
    s.intake
        .sign_out(&p.signed.session, &request_id(&parts.extensions))
        .await?;
    let mut res = see_other(&format!("/portal?lang={}", p.signed.lang.code()));
    res.headers_mut()
        .insert(header::SET_COOKIE, clear_portal_cookie(&s));
    Ok(res)
}

/// `POST /portal/language`: the portal admin's language, remembered for their next sessions.
pub async fn choose_language(
    State(s): State<AppState>,
    p: PortalSigned,
    req: Request,
) -> Result<Response, ApiError> {
    choose_for(&s, &p.signed, "/portal", req).await
}
