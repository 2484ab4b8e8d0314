//! Signing in through the operator's OpenID Connect provider: the button's POST sends the
//! browser there with a fresh state, nonce and PKCE challenge; the provider sends it back to
//! the callback, which opens a session only for an operator.

use super::super::{ApiError, AppState};
use super::session::{
    clear_flow_cookie, flow_cookie, language, request_id, same_origin, see_other, set_cookie,
    set_flow_cookie,
};
use super::signin::{forbidden, signin_response};
use crate::console::ProviderOutcome;
use crate::oidc::{Oidc, OidcError};
use crate::registry::Language;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// How long the flow cookie lives: as long as the server keeps the sign-in.
const FLOW_SECONDS: i64 = 600;

fn provider(s: &AppState) -> Result<&Arc<Oidc>, ApiError> {
    s.oidc.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "No identity provider is configured; sign in with a link from faultcast login-link.",
        )
    })
}

/// The sign-in page again, saying why, with `status`; the flow's cookie is let go.
fn outcome(s: &AppState, lang: Language, status: StatusCode, why: &ProviderOutcome) -> Response {
    let mut res = signin_response(s, lang, status, Some(why));
    res.headers_mut()
        .append(header::SET_COOKIE, clear_flow_cookie(s));
    res
}

/// `POST /console/login/oidc`: to the identity provider.
pub async fn start(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let lang = language(&parts);
    if !same_origin(&s, &parts.headers) {
        return Err(forbidden());
    }
    let oidc = provider(&s)?;
    let started = match oidc.start().await {
        Ok(started) => started,
        Err(e) => {
            tracing::warn!(error = %e, "console sign-in could not start");
            let status = StatusCode::BAD_GATEWAY;
            return Ok(outcome(&s, lang, status, &ProviderOutcome::Unavailable));
        }
    };
    let flow = s
        .intake
        .begin_provider_sign_in(&started.pending, lang)
        .await?;
    let mut res = see_other(&started.url);
    res.headers_mut()
        .insert(header::SET_COOKIE, set_flow_cookie(&s, &flow, FLOW_SECONDS));
    Ok(res)
}

/// `GET /console/login/oidc/callback?code=…&state=…`: back from the provider. The sign-in
/// kept for this browser is taken first, so that an answer is used once whatever follows.
pub async fn callback(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let oidc = provider(&s)?;
    let query: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let param = |k: &str| {
        query
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    let kept = match flow_cookie(&s, &parts.headers) {
        Some(flow) => s.intake.take_provider_sign_in(flow).await?,
        None => None,
    };
    let refused = |lang| outcome(&s, lang, StatusCode::FORBIDDEN, &ProviderOutcome::Refused);
    let Some((pending, lang)) = kept else {
        return Ok(refused(language(&parts)));
    };
    let state_matches =
        param("state").is_some_and(|st| bool::from(st.as_bytes().ct_eq(pending.state.as_bytes())));
    let (Some(code), true) = (param("code"), state_matches) else {
        if let Some(error) = param("error") {
            tracing::info!(error = %error.chars().take(64).collect::<String>(), "identity provider answered an error");
        }
        return Ok(refused(lang));
    };
    let person = match oidc.finish(code, &pending).await {
        Ok(person) => person,
        Err(e @ OidcError::Unavailable(_)) => {
            tracing::warn!(error = %e, "console sign-in could not finish");
            let status = StatusCode::BAD_GATEWAY;
            return Ok(outcome(&s, lang, status, &ProviderOutcome::Unavailable));
        }
        Err(e @ OidcError::Refused(_)) => {
            tracing::warn!(error = %e, "console sign-in refused");
            return Ok(refused(lang));
        }
    };
    let rid = request_id(&parts.extensions);
    if !person.operator {
        s.intake
            .refuse_provider_sign_in(&person.display, &rid)
            .await?;
        let why = ProviderOutcome::NoAccess {
            person: &person.display,
        };
        return Ok(outcome(&s, lang, StatusCode::FORBIDDEN, &why));
    }
    let (secret, session) = s
        .intake
        .sign_in_by_provider(&person.display, &rid, lang)
        .await?;
    let mut res = see_other(&format!("/console?lang={}", session.lang.code()));
    let h = res.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(&s, &secret));
    h.append(header::SET_COOKIE, clear_flow_cookie(&s));
    Ok(res)
}
