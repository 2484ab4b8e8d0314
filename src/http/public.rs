//! Public, cacheable outputs: the maintenance calendar.

use super::AppState;
use super::extract::ApiQuery;
use super::problem::ApiError;
use crate::registry::Language;
use crate::validation::FieldErrors;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// How far back the calendar keeps finished and cancelled maintenance.
const CALENDAR_HISTORY_DAYS: i64 = 90;
/// At most this many events: years of maintenance, and a bounded answer.
const CALENDAR_MAX_EVENTS: u32 = 2_000;
/// Calendar clients poll; five minutes matches the feeds' `ttl`.
const CACHE_CONTROL: &str = "public, max-age=300";

/// `?lang=`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarParams {
    pub lang: Option<String>,
}

/// A strong ETag of `body`.
pub(super) fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether the client's `If-None-Match` already names `tag`.
pub(super) fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*")
}

/// `GET /maintenance.ics`: maintenance of the last 90 days and ahead, in `lang` (fi).
pub async fn maintenance_ics(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<CalendarParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = match p.lang.as_deref() {
        None => Language::Fi,
        Some(l) => {
            Language::parse(l).map_err(|m| ApiError::invalid(FieldErrors::single("lang", m)))?
        }
    };
    let since = s.clock.now_micros() - chrono::Duration::days(CALENDAR_HISTORY_DAYS);
    let notices = s
        .intake
        .store()
        .maintenance_calendar(since, CALENDAR_MAX_EVENTS)
        .await?;
    let body = crate::publish::maintenance_calendar(
        &notices,
        lang,
        s.intake.catalogue(),
        s.intake.public_url(),
    );
    let tag = etag(body.as_bytes());
    let mut res = if not_modified(&headers, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            body,
        )
            .into_response()
    };
    let h = res.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    Ok(res)
}
