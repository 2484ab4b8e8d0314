//! A request id on every request: taken from `X-Request-Id` when sane, else generated;
//! echoed in the answer and written to the audit log.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Longer ids from clients are replaced rather than logged.
const MAX_REQUEST_ID_LEN: usize = 64;

/// The current request's id.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Middleware: attaches a `RequestId` and echoes it.
pub async fn assign(mut req: Request, next: Next) -> Response {
    let given = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|s| {
            !s.is_empty()
                && s.len() <= MAX_REQUEST_ID_LEN
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    res
}
