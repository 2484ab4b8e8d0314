//! `POST /api/v1/sms/receipts/{profile}`: delivery receipts from the SMS gateway, accepted
//! only with a valid signature (GatewayAPI: HS256 JWT in `X-Gwapi-Signature`; Twilio:
//! `X-Twilio-Signature`; generic: `X-Faultcast-Signature: sha256=<HMAC of the body>`).

use super::AppState;
use super::extract::{ApiBytes, ApiPath};
use super::problem::{ApiError, Problem};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// The keys that sign receipts, per profile.
#[derive(Clone, Default)]
pub struct ReceiptKeys {
    pub gatewayapi: Option<SecretString>,
    pub generic: Option<SecretString>,
    /// Twilio's auth token.
    pub twilio: Option<SecretString>,
    /// The public base URL: Twilio signs the URL it called.
    pub public_url: String,
}

/// What a verified receipt says.
struct Receipt {
    reference: Option<String>,
    external_id: Option<String>,
    /// The recipient, where one message went to many (GatewayAPI batches).
    address: Option<String>,
    /// `Some(true)` delivered, `Some(false)` undeliverable, `None` an intermediate status.
    delivered: Option<bool>,
}

/// Our references and gateways' message ids are short; anything longer cannot name one of
/// our deliveries.
const MAX_RECEIPT_ID_LEN: usize = 128;

/// A reference or gateway id from a signed receipt, kept only if it could name one of our
/// deliveries: a receipt whose ids are empty, overlong or hold control characters (NUL
/// among them, which PostgreSQL cannot even compare) matches nothing and changes nothing.
fn matchable(id: Option<String>) -> Option<String> {
    id.filter(|s| {
        !s.is_empty() && s.len() <= MAX_RECEIPT_ID_LEN && !s.chars().any(char::is_control)
    })
}

/// An MSISDN from a receipt as E.164 (`+` and 8–15 digits), or nothing.
fn msisdn(digits: &str) -> Option<String> {
    let d = digits.trim_start_matches('+');
    ((8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())).then(|| format!("+{d}"))
}

fn refused() -> ApiError {
    ApiError::unauthorized()
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Hmac<sha2::Sha256> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m
}

/// GatewayAPI: the JWT's payload is the receipt; its HS256 signature must verify.
fn gatewayapi(secret: &SecretString, headers: &HeaderMap) -> Result<Receipt, ApiError> {
    let jwt = headers
        .get("x-gwapi-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(refused)?;
    let mut parts = jwt.split('.');
    let (Some(h), Some(p), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(refused());
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(refused)?;
    if header["alg"] != "HS256" {
        return Err(refused());
    }
    let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| refused())?;
    hmac_sha256(
        secret.expose_secret().as_bytes(),
        format!("{h}.{p}").as_bytes(),
    )
    .verify_slice(&sig)
    .map_err(|_| refused())?;
    let claims: Value = URL_SAFE_NO_PAD
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(refused)?;
    let delivered = match claims["status"].as_str().unwrap_or("") {
        "DELIVERED" => Some(true),
        "UNDELIVERABLE" | "REJECTED" | "EXPIRED" => Some(false),
        _ => None,
    };
    // A message may have gone to many recipients (one userref for all): the message id
    // and the MSISDN name the delivery; the userref alone does only without an MSISDN.
    let address = claims["msisdn"]
        .as_u64()
        .map(|m| m.to_string())
        .or_else(|| claims["msisdn"].as_str().map(str::to_owned))
        .and_then(|m| msisdn(&m));
    Ok(Receipt {
        reference: if address.is_some() {
            None
        } else {
            matchable(claims["userref"].as_str().map(str::to_owned))
        },
        address,
        external_id: matchable(
            claims["id"]
                .as_i64()
                .map(|i| i.to_string())
                .or_else(|| claims["id"].as_str().map(str::to_owned)),
        ),
        delivered,
    })
}

/// Twilio: Base64(HMAC-SHA1(auth token, URL + each POST parameter name and value, sorted)).
fn twilio(
    token: &SecretString,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Receipt, ApiError> {
    let given = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(refused)?;
    let given = STANDARD.decode(given).map_err(|_| refused())?;
    let mut params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    params.sort();
    let mut signed = url.to_owned();
    for (k, v) in &params {
        signed.push_str(k);
        signed.push_str(v);
    }
    let mut m = Hmac::<sha1::Sha1>::new_from_slice(token.expose_secret().as_bytes())
        .expect("HMAC takes any key length");
    m.update(signed.as_bytes());
    m.verify_slice(&given).map_err(|_| refused())?;
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let delivered = match get("MessageStatus").as_deref() {
        Some("delivered") => Some(true),
        Some("undelivered" | "failed") => Some(false),
        _ => None,
    };
    Ok(Receipt {
        reference: None,
        external_id: matchable(get("MessageSid")),
        address: None,
        delivered,
    })
}

/// Generic: `X-Faultcast-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, body
/// `{"reference": "…", "status": "delivered" | "undeliverable"}`.
fn generic(secret: &SecretString, headers: &HeaderMap, body: &[u8]) -> Result<Receipt, ApiError> {
    let given = headers
        .get("x-faultcast-signature")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256="))
        .ok_or_else(refused)?;
    let given: Vec<u8> = (0..given.len() / 2)
        .filter_map(|i| {
            given
                .get(2 * i..2 * i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    hmac_sha256(secret.expose_secret().as_bytes(), body)
        .verify_slice(&given)
        .map_err(|_| refused())?;
    let v: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::malformed_json("a receipt must be a JSON object"))?;
    let delivered = match v["status"].as_str() {
        Some("delivered") => Some(true),
        Some("undeliverable") => Some(false),
        _ => None,
    };
    Ok(Receipt {
        reference: matchable(v["reference"].as_str().map(str::to_owned)),
        external_id: matchable(v["id"].as_str().map(str::to_owned)),
        address: None,
        delivered,
    })
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
    let keys = &s.receipts;
    let receipt = match (
        profile.as_str(),
        &keys.gatewayapi,
        &keys.twilio,
        &keys.generic,
    ) {
        ("gatewayapi", Some(k), _, _) => gatewayapi(k, &headers)?,
        ("twilio", _, Some(k), _) => twilio(
            k,
            &format!("{}/api/v1/sms/receipts/twilio", keys.public_url),
            &headers,
            &body,
        )?,
        ("generic", _, _, Some(k)) => generic(k, &headers, &body)?,
        _ => return Err(ApiError::not_found()),
    };
    let names_one = receipt.reference.is_some() || receipt.external_id.is_some();
    if let (Some(delivered), true) = (receipt.delivered, names_one) {
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
