//! `/links/…`: the pages signed links in messages open. No sign-in: the link is the
//! capability. A GET only shows what the link would do; the POST (from our own page) acts.
//! Answers are private like the console's (never cached: the address holds the link).

use super::console::session::{language, query_param, request_id, same_origin};
use super::console::signin::forbidden;
use super::{ApiError, AppState};
use crate::intake::{AckLink, Acknowledgement, StillCurrent, Verification};
use crate::publish::{
    AckPage, ListedRecipient, ReviewLink, VerifyPage, ack_page, review_link_page, verify_page,
};
use crate::registry::Language;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

/// The routes of signed links.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/links/still-current", get(show).post(confirm))
        .route("/links/ack", get(ack_show).post(ack_record))
        .route("/a/{code}", get(short_show).post(short_record))
        .route("/links/verify", get(verify_show).post(verify_record))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            super::rate_limits::console,
        ))
        .layer(axum::middleware::from_fn(super::console::private))
}

/// The page of a link that cannot be used.
fn refused(lang: Language, why: &StillCurrent) -> Response {
    let (status, state) = match why {
        StillCurrent::Expired => (StatusCode::GONE, ReviewLink::Expired),
        _ => (StatusCode::NOT_FOUND, ReviewLink::Invalid),
    };
    (status, Html(review_link_page(lang, &state))).into_response()
}

/// `GET /links/still-current?t=…`: whose recipients the link confirms, and a button.
pub async fn show(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let lang = language(&parts);
    let token = query_param(parts.uri.query(), "t").unwrap_or_default();
    match s.intake.still_current(&token).await? {
        StillCurrent::Valid {
            organisation,
            recipients,
            ..
        } => {
            let listed: Vec<ListedRecipient> = recipients
                .iter()
                .map(|(name, role)| ListedRecipient { name, role })
                .collect();
            let state = ReviewLink::Valid {
                organisation: &organisation.draft.name,
                recipients: &listed,
                token: &token,
            };
            Ok(Html(review_link_page(lang, &state)).into_response())
        }
        other => Ok(refused(lang, &other)),
    }
}

/// `POST /links/still-current`: confirms the recipients.
pub async fn confirm(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let lang = language(&parts);
    if !same_origin(&s, &parts.headers) {
        return Err(forbidden());
    }
    let body = axum::body::to_bytes(body, 8 * 1024)
        .await
        .map_err(|e| super::extract::body_error(&e))?;
    let token = query_param(std::str::from_utf8(&body).ok(), "t").unwrap_or_default();
    match s
        .intake
        .confirm_still_current(&token, &request_id(&parts.extensions))
        .await?
    {
        Ok((organisation, count)) => {
            let state = ReviewLink::Confirmed {
                organisation: &organisation,
                count,
            };
            Ok(Html(review_link_page(lang, &state)).into_response())
        }
        Err(why) => Ok(refused(lang, &why)),
    }
}

/// The page of acknowledgement `link` at `base` (its address without a language): as it is,
/// or after recording it when `record`.
async fn ack(
    s: &AppState,
    req: Request,
    link: AckLink<'_>,
    base: &str,
    record: bool,
) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let lang = language(&parts);
    let sep = if base.contains('?') { '&' } else { '?' };
    let action = format!("{base}{sep}lang={}", lang.code());
    if record && !same_origin(s, &parts.headers) {
        return Err(forbidden());
    }
    let found = if record {
        s.intake
            .acknowledge(link, &request_id(&parts.extensions))
            .await?
    } else {
        s.intake.acknowledgement(link).await?
    };
    let (status, page) = match found {
        Acknowledgement::Valid(target) => {
            let notice = s.query.notice(target.notice).await?;
            let titles = &notice.current.title;
            let title = titles
                .get(lang.code())
                .or_else(|| titles.get("fi"))
                .map(String::as_str)
                .unwrap_or("");
            let state = AckPage::Valid {
                title,
                organisation: &target.org_name,
                contact: &target.contact_name,
                notice: &notice.id,
                action: &action,
                base,
                at: target.acknowledged_at,
            };
            (StatusCode::OK, ack_page(lang, &state))
        }
        Acknowledgement::Expired => (StatusCode::GONE, ack_page(lang, &AckPage::Expired)),
        Acknowledgement::Invalid => (StatusCode::NOT_FOUND, ack_page(lang, &AckPage::Invalid)),
    };
    Ok((status, Html(page)).into_response())
}

/// The `t` of an email's acknowledgement link, and the link without its language.
fn token_and_base(req: &Request) -> (String, String) {
    let token = query_param(req.uri().query(), "t").unwrap_or_default();
    let base = format!("/links/ack?t={}", urlencoding(&token));
    (token, base)
}

fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `GET /links/ack?t=…`: which notice the email's link acknowledges, and a button.
pub async fn ack_show(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (token, base) = token_and_base(&req);
    ack(&s, req, AckLink::Token(&token), &base, false).await
}

/// `POST /links/ack?t=…`: records the acknowledgement (once).
pub async fn ack_record(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (token, base) = token_and_base(&req);
    ack(&s, req, AckLink::Token(&token), &base, true).await
}

/// `GET /a/{code}`: the same for an SMS's short link.
pub async fn short_show(
    State(s): State<AppState>,
    Path(code): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let base = format!("/a/{}", urlencoding(&code));
    ack(&s, req, AckLink::Code(&code), &base, false).await
}

/// `POST /a/{code}`.
pub async fn short_record(
    State(s): State<AppState>,
    Path(code): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let base = format!("/a/{}", urlencoding(&code));
    ack(&s, req, AckLink::Code(&code), &base, true).await
}

/// The verification link's page, after verifying when `record`.
async fn verify(s: &AppState, req: Request, record: bool) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let lang = language(&parts);
    if record && !same_origin(s, &parts.headers) {
        return Err(forbidden());
    }
    let token = query_param(parts.uri.query(), "t").unwrap_or_default();
    let found = if record {
        s.intake
            .verify_address(&token, &request_id(&parts.extensions))
            .await?
    } else {
        s.intake.verification(&token).await?
    };
    let base = format!("/links/verify?t={}", urlencoding(&token));
    let action = format!("{base}&lang={}", lang.code());
    let (status, page) = match &found {
        Verification::Valid {
            organisation,
            email,
            verified,
        } => {
            let state = VerifyPage::Valid {
                organisation,
                email,
                verified: *verified,
                action: &action,
                base: &base,
            };
            (StatusCode::OK, verify_page(lang, &state))
        }
        Verification::Expired => (StatusCode::GONE, verify_page(lang, &VerifyPage::Expired)),
        Verification::Invalid => (
            StatusCode::NOT_FOUND,
            verify_page(lang, &VerifyPage::Invalid),
        ),
    };
    Ok((status, Html(page)).into_response())
}

/// `GET /links/verify?t=…`: which address the link confirms, and a button.
pub async fn verify_show(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    verify(&s, req, false).await
}

/// `POST /links/verify?t=…`: confirms the address.
pub async fn verify_record(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    verify(&s, req, true).await
}
