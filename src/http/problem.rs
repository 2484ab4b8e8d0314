//! The one HTTP error type, answered as `application/problem+json` with a stable `code`.

use crate::access::{Answer, Earlier};
use crate::intake::IntakeError;
use crate::validation::{FieldError, FieldErrors};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";
/// The header on an answer given again for a repeated `Idempotency-Key`.
pub const REPLAYED: &str = "idempotent-replayed";
/// How soon a client may retry while the database is out: it is usually back in seconds.
const UNAVAILABLE_RETRY_SECS: u64 = 5;

/// An error answer. Internal causes are logged, never sent.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Seconds a client should wait before trying again (`Retry-After`).
    pub retry_after: Option<u64>,
    /// The answer an earlier request with the same idempotency key got, given again
    /// instead of this error.
    pub replay: Option<Answer>,
}

/// The body of an error answer (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:faultcast:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable: `invalid`, `malformed_json`, `not_found`, `unauthorized`, …
    pub code: String,
    /// Each bad field, for `invalid`.
    pub errors: Vec<FieldError>,
}

impl ApiError {
    /// An error with no field list.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            replay: None,
        }
    }

    /// 429: this caller has spent its allowance; it may try again in `secs` seconds.
    pub fn rate_limited(secs: u64) -> Self {
        Self {
            retry_after: Some(secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("Too many requests; try again in {secs} s (Retry-After)."),
            )
        }
    }

    /// 422: the listed fields are invalid.
    pub fn invalid(errors: FieldErrors) -> Self {
        let detail = match errors.errors().len() {
            1 => format!("The field {} is invalid.", errors.errors()[0].field),
            n => format!("{n} fields are invalid."),
        };
        Self {
            errors: errors.errors().to_vec(),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail)
        }
    }

    /// 404, the same for "does not exist" and "not yours".
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is nothing at this address.",
        )
    }

    /// 401.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A valid bearer token is required (Authorization: Bearer …).",
        )
    }

    /// 403.
    pub fn forbidden(why: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("This token's role does not allow this: {why}."),
        )
    }

    /// 400 for a body that is not JSON.
    pub fn malformed_json(why: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("The request body is not valid JSON: {why}."),
        )
    }

    /// 503: the database cannot be reached; nothing was changed, try again.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The service is temporarily unavailable; nothing was changed. Try again shortly.",
        )
    }

    /// 500 for a bug: logged with its cause, answered opaquely.
    pub fn internal(cause: &anyhow::Error) -> Self {
        tracing::error!(error = format!("{cause:#}"), "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side; it has been logged.",
        )
    }

    fn title(&self) -> &'static str {
        self.status.canonical_reason().unwrap_or("Error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(answer) = self.replay {
            return replay(answer);
        }
        let body = Problem {
            kind: format!("urn:faultcast:problem:{}", self.code),
            title: self.title().to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
            errors: self.errors,
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        let retry_after = match (self.retry_after, self.status) {
            (Some(secs), _) => Some(secs),
            (None, StatusCode::SERVICE_UNAVAILABLE) => Some(UNAVAILABLE_RETRY_SECS),
            _ => None,
        };
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::Invalid(f) => ApiError::invalid(f),
            IntakeError::NotFound => ApiError::not_found(),
            IntakeError::Forbidden(why) => ApiError::forbidden(why),
            IntakeError::Unavailable => ApiError::unavailable(),
            IntakeError::Earlier(Earlier::Answered(answer)) => ApiError {
                replay: Some(answer),
                ..ApiError::new(StatusCode::OK, "replayed", "")
            },
            IntakeError::Earlier(Earlier::OtherRequest) => ApiError::invalid(FieldErrors::single(
                "Idempotency-Key",
                "was already used for a different request",
            )),
            IntakeError::Earlier(Earlier::Unfinished) => ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "A request with this Idempotency-Key is still being processed.",
            ),
            IntakeError::Internal(e) => ApiError::internal(&e),
        }
    }
}

/// An earlier answer, given again.
fn replay(answer: Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let kind = if status.is_success() {
        "application/json"
    } else {
        PROBLEM_JSON
    };
    let mut res = (status, answer.body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    res.headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    res
}

/// The answer for any path no route matches.
pub async fn no_route() -> ApiError {
    ApiError::not_found()
}

/// The answer for a known path with a method it does not take.
pub async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This address does not take that method.",
    )
}
