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

/// The current request's id (ASCII letters, digits, `-` and `_`).
#[derive(Clone, Debug)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only ids checked to be ASCII are kept.
        self.0.to_str().unwrap_or_default()
    }
}

/// Middleware: attaches a `RequestId` and echoes it.
pub async fn assign(mut req: Request, next: Next) -> Response {
    let given = req.headers().get(REQUEST_ID_HEADER).filter(|v| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= MAX_REQUEST_ID_LEN
            && b.iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    });
    let id = match given {
        Some(v) => v.clone(),
        None => {
            let mut buf = uuid::Uuid::encode_buffer();
            let text = uuid::Uuid::now_v7().simple().encode_lower(&mut buf);
            HeaderValue::from_str(text).expect("a UUID is a valid header value")
        }
    };
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.run(req).await;
    res.headers_mut().insert(REQUEST_ID_HEADER, id);
    res
}
