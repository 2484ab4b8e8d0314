//! `POST /api/v1/sms/receipts/{profile}`: delivery receipts from the SMS gateway. The
//! configured provider (`crate::gateways`) verifies and reads them; this only dispatches.

use super::AppState;
use super::extract::{ApiBytes, ApiPath};
use super::problem::{ApiError, Problem};
use crate::config::SmsProfile;
use crate::gateways::{ReceiptError, SmsProvider};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::sync::Arc;

/// The configured SMS provider, which verifies receipts, and where the gateway posts them.
#[derive(Clone)]
pub struct SmsReceipts {
    /// The profile named in the receipt URL.
    pub profile: SmsProfile,
    pub provider: Arc<dyn SmsProvider>,
    /// The public base URL (Twilio signs the URL it called).
    pub public_url: String,
}

/// A delivery receipt from the SMS gateway; signature verified per profile.
#[utoipa::path(post, path = "/api/v1/sms/receipts/{profile}", operation_id = "receiveSmsReceipt", tag = "notices",
    params(("profile" = String, Path, description = "gatewayapi, twilio or generic")),
    request_body(content = String, description = "The gateway's receipt (JSON, or a form for Twilio)"),
    responses((status = 204, description = "Recorded, or a status that changes nothing"),
        (status = 401, body = Problem, description = "Missing or invalid signature"),
        (status = 404, body = Problem, description = "No such profile, or no key configured for it")))]
pub async fn receive(
    State(s): State<AppState>,
    ApiPath(profile): ApiPath<String>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<StatusCode, ApiError> {
    let receipts = &s.receipts;
    if profile != receipts.profile.code() {
        return Err(ApiError::not_found());
    }
    let url = format!("{}/api/v1/sms/receipts/{profile}", receipts.public_url);
    let receipt = receipts
        .provider
        .receipt(&url, &headers, &body)
        .map_err(|e| match e {
            ReceiptError::NotConfigured => ApiError::not_found(),
            ReceiptError::Refused => ApiError::unauthorized(),
            ReceiptError::Malformed(why) => ApiError::malformed_json(why),
        })?;
    if let (Some(delivered), true) = (receipt.delivered, receipt.names_one()) {
        let changed = s
            .intake
            .record_receipt(
                receipt.reference.as_deref(),
                receipt.external_id.as_deref(),
                receipt.address.as_deref(),
                delivered,
            )
            .await?;
        tracing::info!(profile, delivered, changed, "sms receipt");
    }
    Ok(StatusCode::NO_CONTENT)
}
