//! `Idempotency-Key` on POSTs: a retried request with the same key and body gets the
//! original answer; the same key with another body is refused. The key is checked here
//! before the handler runs; a write claims it and keeps its answer in the write's own
//! transaction (`access::idempotency`); answers that changed nothing (refusals, previews)
//! are kept here after the handler.

use super::AppState;
use super::problem::{ApiError, REPLAYED};
use crate::access::{Answer, IdempotencyKey, Keep};
use crate::validation::FieldErrors;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The header clients send.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Creating requests are small JSON bodies but for fault reports with attachments; this
/// bounds what is buffered for hashing.
const MAX_BODY: usize = super::extract::MAX_REPORT_BODY;
/// Answers are small JSON documents; this bounds what is stored for replay.
const MAX_STORED_ANSWER: usize = 1024 * 1024;

/// Middleware for the API routes.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Only an authenticated request is remembered: without a caller the handler answers
    // 401 at once, and a stranger must not be able to fill the table.
    if req.method() != Method::POST || req.extensions().get::<crate::access::Actor>().is_none() {
        return next.run(req).await;
    }
    let Some(raw) = req.headers().get(IDEMPOTENCY_KEY).cloned() else {
        return next.run(req).await;
    };
    // Keys are scoped to the credential that sent them (hashed: the token is never stored).
    let credential = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return super::extract::body_error(&e).into_response(),
    };
    let key = match IdempotencyKey::new(
        &credential,
        raw.as_bytes(),
        parts.method.as_str(),
        parts.uri.path(),
        &bytes,
    ) {
        Ok(k) => k,
        Err(why) => {
            return ApiError::invalid(FieldErrors::single("Idempotency-Key", why)).into_response();
        }
    };
    match state.intake.earlier_request(&key).await {
        Err(e) => return ApiError::from(e).into_response(),
        Ok(Some(earlier)) => {
            return ApiError::from(crate::intake::IntakeError::Earlier(earlier)).into_response();
        }
        Ok(None) => {}
    }
    let mut req = Request::from_parts(parts, Body::from(bytes));
    req.extensions_mut().insert(key.clone());
    let res = next.run(req).await;
    let status = res.status();
    let keep = status.is_success() || matches!(status.as_u16(), 403 | 404 | 422);
    if !keep || res.headers().contains_key(REPLAYED) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_STORED_ANSWER).await else {
        return ApiError::internal(&anyhow::anyhow!("answer too large to keep for idempotency"))
            .into_response();
    };
    let answer = Answer {
        status: status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    // A write has kept its answer already (this then changes nothing); a refusal or a
    // preview is kept now.
    if let Err(e) = state.intake.remember_answer(&key, &answer).await {
        tracing::warn!(error = %e, "could not record an idempotent answer");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The request's idempotency key, if it came with one (checked by `guard`).
pub struct Guarded(pub Option<IdempotencyKey>);

impl<S: Send + Sync> FromRequestParts<S> for Guarded {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Guarded(parts.extensions.get::<IdempotencyKey>().cloned()))
    }
}

impl Guarded {
    /// The key to claim with the write, whose result the client is answered by `answer`.
    pub fn keep<'a, T>(
        &'a self,
        answer: &'a (dyn Fn(&T) -> Answer + Send + Sync),
    ) -> Option<Keep<'a, T>> {
        self.0.as_ref().map(|key| Keep { key, answer })
    }
}
