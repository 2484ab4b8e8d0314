//! Signing in with a one-time link, and signing out.

use super::super::{ApiError, AppState};
use super::form::fields;
use super::session::{
    Signed, clear_cookie, csrf_matches, language, query_param, request_id, same_origin, see_other,
    set_cookie,
};
use crate::console::{LinkState, ProviderOutcome, link_page, signin_page};
use crate::intake::SignIn;
use crate::registry::Language;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// `GET /console/login`: how to sign in.
pub async fn page(State(s): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    signin_response(&s, language(&parts), StatusCode::OK, None)
}

/// The sign-in page with `status`; `why` says why a try failed. With a provider, the page's
/// policy lets its button's form lead there.
pub fn signin_response(
    s: &AppState,
    lang: Language,
    status: StatusCode,
    why: Option<&ProviderOutcome>,
) -> Response {
    let minutes = s.intake.session_rules().link_valid.num_minutes();
    let name = s.oidc.as_ref().map(|o| o.display_name.as_str());
    let mut res = (status, Html(signin_page(lang, minutes, name, why))).into_response();
    if let Some(oidc) = &s.oidc {
        let csp = super::csp_with_form_targets(&oidc.form_origins());
        if let Ok(v) = HeaderValue::from_str(&csp) {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    res
}

/// `GET /console/login/link?token=…`: what the link would do, and a button. Nothing is
/// spent here: scanners that fetch links must not sign anyone in.
pub async fn link(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let lang = language(&parts);
    let token = query_param(parts.uri.query(), "token").unwrap_or_default();
    let now = s.clock.now_micros();
    let link = s.query.login_link(&token).await?;
    let state = match &link {
        Some(l) if l.used_at.is_none() && l.expires_at > now => LinkState::Valid {
            label: &l.label,
            token: &token,
        },
        Some(l) if l.used_at.is_none() => LinkState::Expired,
        _ => LinkState::Spent,
    };
    let status = match state {
        LinkState::Valid { .. } => StatusCode::OK,
        _ => StatusCode::GONE,
    };
    Ok((status, Html(link_page(lang, &state))).into_response())
}

/// `POST /console/login/link`: spends the link and opens a session (a new id every time,
/// so that no id planted before sign-in survives it).
pub async fn sign_in(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let lang = language(&parts);
    if !same_origin(&s, &parts.headers) {
        return Err(forbidden());
    }
    let body = axum::body::to_bytes(body, MAX_FORM)
        .await
        .unwrap_or_default();
    let form = fields(&body);
    let token = form.get("token").map(String::as_str).unwrap_or_default();
    match s
        .intake
        .sign_in_by_link(token, &request_id(&parts.extensions), lang)
        .await?
    {
        SignIn::Opened { secret, session } => {
            let mut res = see_other(&format!("/console?lang={}", session.lang.code()));
            res.headers_mut()
                .insert(header::SET_COOKIE, set_cookie(&s, &secret));
            Ok(res)
        }
        SignIn::Expired => {
            Ok((StatusCode::GONE, Html(link_page(lang, &LinkState::Expired))).into_response())
        }
        SignIn::Spent => {
            Ok((StatusCode::GONE, Html(link_page(lang, &LinkState::Spent))).into_response())
        }
    }
}

/// `POST /console/logout`: ends the session everywhere and forgets the cookie.
pub async fn sign_out(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let body: Bytes = axum::body::to_bytes(body, MAX_FORM)
        .await
        .unwrap_or_default();
    let form = fields(&body);
    if !same_origin(&s, &parts.headers)
        || !csrf_matches(&signed.session, form.get("csrf").map(String::as_str))
    {
        return Err(forbidden());
    }
    s.intake
        .sign_out(&signed.session, &request_id(&parts.extensions))
        .await?;
    let mut res = see_other(&format!("/console/login?lang={}", signed.lang.code()));
    res.headers_mut()
        .insert(header::SET_COOKIE, clear_cookie(&s));
    Ok(res)
}

/// Sign-in and sign-out forms are a few hundred bytes.
const MAX_FORM: usize = 16 * 1024;

/// 403 for a form that did not come from a page of ours (or carried the wrong token).
pub fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        "This form did not come from a console page of this session; reload the page and try again.",
    )
}
