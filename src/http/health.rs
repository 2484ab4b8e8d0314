//! Liveness and readiness.

use super::AppState;
use super::problem::ApiError;
use axum::extract::State;
use std::time::Duration;

/// Readiness must answer quickly even when the database hangs (load balancers time out).
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: the process is up.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: the database answers a query.
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    match tokio::time::timeout(READY_TIMEOUT, state.query.ready()).await {
        Ok(true) => Ok("ready\n"),
        _ => Err(ApiError::unavailable()),
    }
}
