//! The console session: its cookie, the extractor that requires one, and the checks that a
//! form was posted by a page of ours.

use super::super::AppState;
use super::super::pages::negotiate;
use super::super::request_id::RequestId;
use crate::access::{Actor, BrowserSecret, ConsoleSession, SessionScope};
use crate::registry::{Language, PortalAdmin};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// The cookie over plain HTTP (the embedded default on loopback).
const COOKIE: &str = "faultcast_session";
/// The cookie over HTTPS: the prefix makes browsers refuse it unless it is `Secure`, for
/// this host only and the whole path.
const HOST_COOKIE: &str = "__Host-faultcast_session";

fn https(s: &AppState) -> bool {
    s.intake.public_url().starts_with("https://")
}

fn cookie_name(s: &AppState) -> &'static str {
    if https(s) { HOST_COOKIE } else { COOKIE }
}

/// The portal's session cookie: its own name, so that a browser may hold a console session
/// and a portal session side by side, and neither is ever presented to the other's pages.
const PORTAL_COOKIE: &str = "faultcast_portal";
const HOST_PORTAL_COOKIE: &str = "__Host-faultcast_portal";

fn portal_cookie_name(s: &AppState) -> &'static str {
    if https(s) {
        HOST_PORTAL_COOKIE
    } else {
        PORTAL_COOKIE
    }
}

/// `Set-Cookie` for a new portal session.
pub fn set_portal_cookie(s: &AppState, secret: &BrowserSecret) -> HeaderValue {
    cookie_header(s, portal_cookie_name(s), secret.reveal(), None)
}

/// `Set-Cookie` that removes the portal session's cookie.
pub fn clear_portal_cookie(s: &AppState) -> HeaderValue {
    cookie_header(s, portal_cookie_name(s), "", Some(0))
}

/// The portal session's cookie, if the browser presented one.
pub fn portal_cookie<'h>(s: &AppState, headers: &'h HeaderMap) -> Option<&'h str> {
    cookie(headers, portal_cookie_name(s))
}

/// The cookie that ties a sign-in through the identity provider to the browser that left.
const FLOW_COOKIE: &str = "faultcast_sign_in";
const HOST_FLOW_COOKIE: &str = "__Host-faultcast_sign_in";

fn flow_cookie_name(s: &AppState) -> &'static str {
    if https(s) {
        HOST_FLOW_COOKIE
    } else {
        FLOW_COOKIE
    }
}

/// `Set-Cookie` of `name` = `value`, for `max_age` seconds (`None`: the browser's session).
fn cookie_header(s: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let secure = if https(s) { "; Secure" } else { "" };
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    let text = format!("{name}={value}; Path=/{age}; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` for a new session.
pub fn set_cookie(s: &AppState, secret: &BrowserSecret) -> HeaderValue {
    cookie_header(s, cookie_name(s), secret.reveal(), None)
}

/// `Set-Cookie` that removes the session's cookie.
pub fn clear_cookie(s: &AppState) -> HeaderValue {
    cookie_header(s, cookie_name(s), "", Some(0))
}

/// `Set-Cookie` for a sign-in through the identity provider (`Lax`, so that the provider's
/// redirect back, a top-level GET, carries it).
pub fn set_flow_cookie(s: &AppState, secret: &BrowserSecret, seconds: i64) -> HeaderValue {
    cookie_header(s, flow_cookie_name(s), secret.reveal(), Some(seconds))
}

/// `Set-Cookie` that removes the sign-in flow's cookie.
pub fn clear_flow_cookie(s: &AppState) -> HeaderValue {
    cookie_header(s, flow_cookie_name(s), "", Some(0))
}

/// The sign-in flow's cookie, if the browser presented one.
pub fn flow_cookie<'h>(s: &AppState, headers: &'h HeaderMap) -> Option<&'h str> {
    cookie(headers, flow_cookie_name(s))
}

/// The value of cookie `name` in the request, if present.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The request's id, for the audit log.
pub fn request_id(parts_or_ext: &axum::http::Extensions) -> String {
    parts_or_ext
        .get::<RequestId>()
        .map(|r| r.as_str().to_owned())
        .unwrap_or_default()
}

/// A 303 to `to`.
pub fn see_other(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// The page language: `?lang=`, else `Accept-Language`, else Finnish.
pub fn language(parts: &Parts) -> Language {
    negotiate(parts.uri.query(), &parts.headers)
}

/// The value of the query parameter `name` (the first, if given twice), if any.
pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The language the address asks for (`?lang=`), if it does.
pub fn explicit_language(parts: &Parts) -> Option<Language> {
    form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Language::parse(&v).ok())
}

/// A request of a signed-in operator. Without an open session the request is answered
/// 303 to the sign-in page; API tokens never count.
pub struct Signed {
    pub session: ConsoleSession,
    pub actor: Actor,
    pub lang: Language,
    /// Who is signed in, as the page header names them.
    pub name: String,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let asked = language(parts);
        let to_login = || see_other(&format!("/console/login?lang={}", asked.code()));
        let Some(presented) = cookie(&parts.headers, cookie_name(s)) else {
            return Err(to_login());
        };
        match s.intake.resume_session(presented).await {
            Ok(Some(session)) if session.scope == SessionScope::Operator => Ok(Signed {
                actor: Actor::person(&session.person, request_id(&parts.extensions)),
                name: session.person.clone(),
                // A page asked in a language shows in it; otherwise the person's own.
                lang: explicit_language(parts).unwrap_or(session.lang),
                session,
            }),
            Ok(_) => Err(to_login()),
            Err(e) => Err(super::super::ApiError::from(e).into_response()),
        }
    }
}

/// A request of a signed-in portal admin: `signed` acts as their contact and is limited to
/// their organisation. Without an open portal session (or once the contact is no longer a
/// portal admin) the request is answered 303 to the portal's sign-in page.
pub struct PortalSigned {
    pub signed: Signed,
    pub admin: PortalAdmin,
}

impl FromRequestParts<AppState> for PortalSigned {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let asked = language(parts);
        let to_portal = || see_other(&format!("/portal?lang={}", asked.code()));
        let failed =
            |e: crate::intake::IntakeError| super::super::ApiError::from(e).into_response();
        let Some(presented) = portal_cookie(s, &parts.headers) else {
            return Err(to_portal());
        };
        let session = match s.intake.resume_session(presented).await {
            Ok(Some(session)) => session,
            Ok(None) => return Err(to_portal()),
            Err(e) => return Err(failed(e)),
        };
        let SessionScope::Portal { org, contact } = session.scope else {
            return Err(to_portal());
        };
        let admin = match s.query.portal_admin(org, contact).await {
            Ok(Some(admin)) => admin,
            Ok(None) => return Err(to_portal()),
            Err(e) => return Err(failed(e)),
        };
        Ok(PortalSigned {
            signed: Signed {
                actor: Actor::contact(contact, org, request_id(&parts.extensions)),
                lang: explicit_language(parts).unwrap_or(session.lang),
                name: format!("{} ({})", admin.name, admin.org_name),
                session,
            },
            admin,
        })
    }
}

/// Whether a state-changing request came from a page of ours: its `Origin` (or, without
/// one, its `Referer`) is this host, as the browser addressed it, or the public URL.
pub fn same_origin(s: &AppState, headers: &HeaderMap) -> bool {
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v).ok());
    let Some(from) = from else {
        return false;
    };
    let origin = |u: &url::Url| {
        u.host_str().map(|h| {
            format!(
                "{}://{h}:{}",
                u.scheme(),
                u.port_or_known_default().unwrap_or(0)
            )
        })
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let asked = host.and_then(|h| url::Url::parse(&format!("{}://{h}", from.scheme())).ok());
    let public = url::Url::parse(s.intake.public_url()).ok();
    let mine = origin(&from);
    mine.is_some()
        && (asked.as_ref().and_then(origin) == mine || public.as_ref().and_then(origin) == mine)
}

/// Whether `given` is the session's form token (compared in constant time).
pub fn csrf_matches(session: &ConsoleSession, given: Option<&str>) -> bool {
    given.is_some_and(|g| bool::from(g.as_bytes().ct_eq(session.csrf.as_bytes())))
}
