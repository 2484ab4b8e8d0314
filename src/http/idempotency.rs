//! `Idempotency-Key` on POSTs: a retried request with the same key and body gets the
//! original answer; the same key with another body is refused.

use super::AppState;
use super::problem::ApiError;
use crate::store::IdempotencyClaim;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The header clients send.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Keys are client-chosen identifiers (UUIDs in practice); longer ones are refused.
const MAX_KEY_LEN: usize = 255;
/// Creating requests are small JSON bodies; this bounds what is buffered for hashing.
const MAX_BODY: usize = 1024 * 1024;
/// Answers are small JSON documents; this bounds what is stored for replay.
const MAX_STORED_ANSWER: usize = 1024 * 1024;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Middleware for the API routes.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Only an authenticated request is remembered: without a caller the handler answers
    // 401 at once, and a stranger must not be able to fill the table.
    if req.method() != Method::POST || req.extensions().get::<crate::access::Actor>().is_none() {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(IDEMPOTENCY_KEY) else {
        return next.run(req).await;
    };
    let key = match key.to_str() {
        Ok(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY_LEN
                && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            k.to_owned()
        }
        _ => {
            return ApiError::invalid(crate::validation::FieldErrors::single(
                "Idempotency-Key",
                format!("must be 1-{MAX_KEY_LEN} visible ASCII characters"),
            ))
            .into_response();
        }
    };
    // Keys are scoped to the credential that sent them (hashed: the token is never stored).
    let actor = hex(&Sha256::digest(
        req.headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes())
            .unwrap_or_default(),
    ));
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return super::extract::body_error(&e).into_response(),
    };
    let mut h = Sha256::new();
    h.update(parts.method.as_str());
    h.update([0]);
    h.update(parts.uri.path());
    h.update([0]);
    h.update(&bytes);
    let request_hash = hex(&h.finalize());
    let store = state.intake.store();
    match store
        .claim_idempotency(&actor, &key, &request_hash, state.clock.now())
        .await
    {
        Err(e) => return ApiError::from(e).into_response(),
        Ok(IdempotencyClaim::Mismatch) => {
            return ApiError::invalid(crate::validation::FieldErrors::single(
                "Idempotency-Key",
                "was already used for a different request",
            ))
            .into_response();
        }
        Ok(IdempotencyClaim::InProgress) => {
            return ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "A request with this Idempotency-Key is still being processed.",
            )
            .into_response();
        }
        Ok(IdempotencyClaim::Replay { status, body }) => return replay(status, body),
        Ok(IdempotencyClaim::Fresh) => {}
    }
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = res.status();
    let keep = status.is_success() || matches!(status.as_u16(), 403 | 404 | 422);
    if !keep {
        if let Err(e) = store.release_idempotency(&actor, &key).await {
            tracing::warn!(error = %e, "could not release an idempotency key");
        }
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_STORED_ANSWER).await else {
        let _ = store.release_idempotency(&actor, &key).await;
        return ApiError::internal(&anyhow::anyhow!("answer too large to keep for idempotency"))
            .into_response();
    };
    if let Err(e) = store
        .complete_idempotency(
            &actor,
            &key,
            status.as_u16(),
            &String::from_utf8_lossy(&bytes),
        )
        .await
    {
        tracing::warn!(error = %e, "could not record an idempotent answer");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let kind = if status.is_success() {
        "application/json"
    } else {
        super::problem::PROBLEM_JSON
    };
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}
