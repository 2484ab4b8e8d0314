//! `/links/…`: the pages signed links in messages open. No sign-in: the link is the
//! capability. A GET only shows what the link would do; the POST (from our own page) acts.
//! Answers are private like the console's (never cached: the address holds the link).

use super::console::session::{language, query_param, request_id, same_origin};
use super::console::signin::forbidden;
use super::{ApiError, AppState};
use crate::intake::StillCurrent;
use crate::publish::{ListedRecipient, ReviewLink, review_link_page};
use crate::registry::Language;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

/// The routes of signed links.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/links/still-current", get(show).post(confirm))
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
