//! `/api/v1/tokens`.

use super::AppState;
use super::extract::{ApiJson, ApiPath, Caller};
use super::idempotency::Guarded;
use super::problem::{ApiError, Problem};
use crate::access::{Answer, IssuedToken, TokenId, TokenRecord};
use crate::intake::NewToken;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A new token. `token` is shown this once and cannot be recovered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub id: String,
    pub token: String,
    pub role: String,
    pub org_id: Option<String>,
    pub label: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Create a token.
#[utoipa::path(post, path = "/api/v1/tokens", operation_id = "createToken", tag = "access", request_body = NewToken,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe creation")),
    responses(
        (status = 201, body = CreatedToken), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: Guarded,
    ApiJson(req): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let answer =
        |created: &(TokenRecord, IssuedToken)| Answer::json(201, &CreatedToken::from(created));
    let created = s
        .intake
        .create_token(&actor, req, key.keep(&answer))
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken::from(&created))))
}

impl From<&(TokenRecord, IssuedToken)> for CreatedToken {
    fn from((record, issued): &(TokenRecord, IssuedToken)) -> Self {
        Self {
            id: record.id.to_text(),
            token: issued.reveal().to_owned(),
            role: record.role.code().to_owned(),
            org_id: record.org.map(|o| o.to_text()),
            label: record.label.clone(),
            expires_at: record.expires_at,
        }
    }
}

/// Revoke a token; it fails on the very next request.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", operation_id = "revokeToken", tag = "access", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn revoke(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = TokenId::parse(&id).ok_or_else(ApiError::not_found)?;
    s.intake.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
