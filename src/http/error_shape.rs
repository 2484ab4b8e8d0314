//! Every error answer in the shape of where it was asked: `application/problem+json` under
//! `/api/`, a small page in the status page's style and language on the public pages (and
//! any unknown address). The feeds, the calendar and CAP are read by programs: they answer
//! problem+json too, unless a browser asks for HTML. Our handlers already answer in one of
//! the two shapes; this turns the other into the right one and catches what the HTTP layer
//! answers by itself (a path that does not decode, a body over the limit, a method a route
//! does not take).

use super::pages::{html_headers, negotiate};
use super::problem::{ApiError, PROBLEM_JSON};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Error bodies are small; this bounds what is read to reshape one.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// Probes and scrapers read these; they keep their own plain answers.
const MACHINE_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];
/// Public outputs for programs: their errors are problem+json unless HTML is asked for.
const PROGRAM_OUTPUTS: [&str; 4] = ["/feed.rss", "/feed.atom", "/maintenance.ics", "/cap.xml"];
/// Headers an error answer keeps when it is reshaped.
const KEPT: [header::HeaderName; 3] =
    [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE];

/// Middleware: reshapes an error answer that is not in its address's shape.
pub async fn uniform(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if MACHINE_PATHS.contains(&path) {
        return next.run(req).await;
    }
    // Kept (cheap reference-counted copies) to decide the shape only when it is an error:
    // the status page's hot path pays nothing more.
    let uri = req.uri().clone();
    let kept = [header::ACCEPT, header::ACCEPT_LANGUAGE].map(|n| req.headers().get(&n).cloned());
    let res = next.run(req).await;
    if res.status().as_u16() < 400 {
        return res;
    }
    let mut asked = HeaderMap::new();
    for (name, value) in [header::ACCEPT, header::ACCEPT_LANGUAGE]
        .into_iter()
        .zip(kept)
    {
        if let Some(v) = value {
            asked.insert(name, v);
        }
    }
    let path = uri.path();
    let api = path == "/api" || path.starts_with("/api/");
    let page = !api && (!PROGRAM_OUTPUTS.contains(&path) || accepts_html(&asked));
    let lang = page.then(|| negotiate(uri.query(), &asked));
    let media = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    match lang {
        None if media == PROBLEM_JSON => res,
        None => as_problem(res),
        Some(_) if media.starts_with("text/html") => res,
        Some(lang) => as_page(res, lang, media == PROBLEM_JSON).await,
    }
}

/// Whether the client lists `text/html` among what it accepts (a browser does).
fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("text/html")
        })
}

/// The problem an HTTP-level error stands for (its own text is not echoed: it may quote
/// what the client sent).
fn problem_for(status: StatusCode) -> ApiError {
    let (code, detail) = match status.as_u16() {
        400 => ("bad_request", "The request could not be read."),
        404 => ("not_found", "There is nothing at this address."),
        405 => (
            "method_not_allowed",
            "This address does not take that method.",
        ),
        408 => ("timeout", "The request did not arrive in time."),
        413 => ("too_large", "The request body is too large."),
        414 => ("uri_too_long", "The address is too long."),
        415 => (
            "unsupported_media_type",
            "The body's media type is not accepted here.",
        ),
        429 => (
            "rate_limited",
            "Too many requests; wait as Retry-After says.",
        ),
        431 => ("headers_too_large", "The request's headers are too large."),
        503 => (
            "unavailable",
            "The service is temporarily unavailable; try again shortly.",
        ),
        s if s < 500 => ("bad_request", "The request was refused."),
        _ => (
            "internal",
            "Something went wrong on our side; it has been logged.",
        ),
    };
    ApiError::new(status, code, detail)
}

fn keep_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for name in KEPT {
        if let Some(v) = from.get(&name) {
            to.insert(name, v.clone());
        }
    }
}

fn as_problem(res: Response) -> Response {
    let (parts, _) = res.into_parts();
    let mut out = problem_for(parts.status).into_response();
    keep_headers(&parts.headers, out.headers_mut());
    out
}

async fn as_page(res: Response, lang: crate::registry::Language, is_problem: bool) -> Response {
    let (parts, body) = res.into_parts();
    let details = if is_problem {
        field_errors(body).await
    } else {
        Vec::new()
    };
    let retry_after = parts
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let page = crate::publish::error_page(lang, parts.status.as_u16(), &details, retry_after);
    let mut out = (parts.status, Body::from(page)).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    keep_headers(&parts.headers, out.headers_mut());
    html_headers(out)
}

/// The `errors` of a problem body, as (field, message).
async fn field_errors(body: Body) -> Vec<(String, String)> {
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Vec::new();
    };
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    v["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    let s = |k: &str| e[k].as_str().unwrap_or("").to_owned();
                    (s("field"), s("message"))
                })
                .collect()
        })
        .unwrap_or_default()
}
