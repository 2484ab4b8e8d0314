//! Extractors that turn every client mistake into our problem shape.

use super::AppState;
use super::json_scan::{Finding, scan};
use super::problem::ApiError;
use crate::access::Actor;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use serde::de::DeserializeOwned;

/// The largest fault report request: three attachments of 5 MB, base64 (4/3), and the fields.
pub const MAX_REPORT_BODY: usize = 21 * 1024 * 1024;

/// Object keys are field names; a longer one is cut short where an error message repeats it.
const MAX_ECHOED_KEY: usize = 64;

/// A JSON body: not JSON → 400 `malformed_json`; wrong shape → 422 naming the field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "The body must be JSON (Content-Type: application/json).",
            ));
        }
        let ApiBytes(bytes) = ApiBytes::from_request(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A whole request body, within the size limit and its deadline.
pub struct ApiBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(ApiBytes)
            .map_err(|e| body_error(&e))
    }
}

/// What a failed body read means for the client: too slow (408), too large (413), or
/// broken off (400).
pub fn body_error(e: &(dyn std::error::Error + 'static)) -> ApiError {
    if caused_by::<super::connection::BodyTimedOut>(e) {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "The request body did not arrive in time.",
        )
    } else if caused_by::<http_body_util::LengthLimitError>(e) {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "The request body is too large.",
        )
    } else {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "The request body could not be read.",
        )
    }
}

/// Whether `T` is anywhere in `e`'s chain of causes, also boxed once more (axum boxes a
/// body's error again when it wraps the body).
fn caused_by<T: std::error::Error + 'static>(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<T>() || c.is::<Box<T>>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// Parses JSON into `T` with our error mapping (also used by the CLI's file input). A key
/// given twice in one object is a 400 like any other malformed JSON; a NUL character in a
/// string is a 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match scan(bytes) {
        Ok(()) => {}
        Err(Finding::DuplicateKey { path, key }) => {
            let key: String = key.chars().take(MAX_ECHOED_KEY).collect();
            let at = if path == "." {
                "at the top level".to_owned()
            } else {
                format!("in {path}")
            };
            return Err(ApiError::malformed_json(&format!(
                "the key `{key}` appears twice in one object ({at})"
            )));
        }
        Err(Finding::Nul { path }) => {
            let field = if path == "." { "body".to_owned() } else { path };
            return Err(ApiError::invalid(crate::validation::FieldErrors::single(
                field,
                "must not contain NUL characters",
            )));
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            return Err(match inner.classify() {
                serde_json::error::Category::Data => {
                    let (field, message) = describe_data_error(&path, &inner.to_string());
                    ApiError::invalid(crate::validation::FieldErrors::single(field, message))
                }
                _ => ApiError::malformed_json(&format!(
                    "line {} column {}",
                    inner.line(),
                    inner.column()
                )),
            });
        }
    };
    de.end().map_err(|e| {
        ApiError::malformed_json(&format!(
            "trailing characters at line {} column {}",
            e.line(),
            e.column()
        ))
    })?;
    Ok(value)
}

/// Turns serde's message into a field name and a message that does not echo the value
/// (which could be someone's phone number).
fn describe_data_error(path: &str, msg: &str) -> (String, String) {
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_owned);
    let base = if path == "." {
        String::new()
    } else {
        path.to_owned()
    };
    let join = |name: String| {
        if base.is_empty() {
            name
        } else {
            format!("{base}.{name}")
        }
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        // The path already ends at the unknown key.
        let name = quoted(rest).unwrap_or_default();
        let field = if base == name || base.ends_with(&format!(".{name}")) {
            base
        } else {
            join(name)
        };
        return (field, "is not a known field".into());
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return (join(quoted(rest).unwrap_or_default()), "is required".into());
    }
    let field = if base.is_empty() {
        "body".to_owned()
    } else {
        base
    };
    let expected = msg
        .split(", expected ")
        .nth(1)
        .map(|e| e.split(" at line").next().unwrap_or(e).to_owned());
    if msg.starts_with("must ") {
        // Our own message (a custom deserialiser's), which names no value.
        return (
            field,
            msg.split(" at line").next().unwrap_or(msg).to_owned(),
        );
    }
    let message = match expected {
        Some(what) => format!("has the wrong type or value (expected {what})"),
        None => "has the wrong type or value".to_owned(),
    };
    (field, message)
}

/// Path parameters. Every one names a record (or a receipt profile), so a value that does
/// not even decode — `%c0%af`, not UTF-8 — is simply not found, like any unknown id.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|_| ApiError::not_found())
    }
}

/// Query parameters: a bad one → 422 naming it.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        if let Some((name, _)) =
            form_urlencoded::parse(q.as_bytes()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            let field: String = name.chars().take(MAX_ECHOED_KEY).collect();
            let field = if field.contains('\0') {
                "query".to_owned()
            } else {
                field
            };
            return Err(ApiError::invalid(crate::validation::FieldErrors::single(
                field,
                "must not contain NUL characters",
            )));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let (field, message) =
                    describe_data_error(&e.path().to_string(), &e.into_inner().to_string());
                let field = if field == "body" {
                    "query".to_owned()
                } else {
                    field
                };
                ApiError::invalid(crate::validation::FieldErrors::single(field, message))
            })
    }
}

/// The authenticated caller (found by the `rate_limits::api` middleware); 401 without a
/// valid token.
pub struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        super::rate_limits::actor(parts)
            .map(Caller)
            .ok_or_else(ApiError::unauthorized)
    }
}

/// A page size: 1–`MAX_PAGE`, anything else refused (not quietly clamped) so that what
/// the document says is what the server does.
pub fn page_limit<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let n: u32 = serde::Deserialize::deserialize(d)?;
    if (1..=crate::query::MAX_PAGE).contains(&n) {
        Ok(Some(n))
    } else {
        Err(serde::de::Error::custom(format!(
            "must be 1-{}",
            crate::query::MAX_PAGE
        )))
    }
}

/// Common list parameters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    #[serde(default, deserialize_with = "crate::http::extract::page_limit")]
    pub limit: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: Option<String>,
        list: Option<Vec<String>>,
    }

    #[test]
    fn a_wrong_type_names_the_field_without_echoing_the_value() {
        let e = parse_json::<T>(br#"{"list": ["a", 358401234567]}"#).unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.errors[0].field, "list[1]");
        assert!(
            !e.errors[0].message.contains("358401234567"),
            "{}",
            e.errors[0].message
        );
    }

    #[test]
    fn an_unknown_field_is_named() {
        let e = parse_json::<T>(br#"{"nmae": "x"}"#).unwrap_err();
        assert_eq!(e.errors[0].field, "nmae");
    }

    #[test]
    fn a_key_given_twice_is_a_400_and_a_nul_a_422_naming_the_field() {
        let e = parse_json::<T>(br#"{"name": "a", "name": "b"}"#).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.detail.contains("`name` appears twice"), "{}", e.detail);
        let e = parse_json::<T>(br#"{"list": ["a", "b\u0000"]}"#).unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.errors[0].field, "list[1]");
    }

    #[test]
    fn broken_json_is_a_400() {
        for body in [&b"{"[..], b"", b"{\"name\": \"x\"} trailing", b"\xff"] {
            assert_eq!(
                parse_json::<T>(body).unwrap_err().status,
                StatusCode::BAD_REQUEST
            );
        }
    }
}
