//! `GET /api/v1/services`: the service catalogue.

use super::AppState;
use crate::registry::ServiceNames;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

/// One national service.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ServiceView {
    pub code: String,
    pub names: ServiceNames,
    /// Earlier names (several services were renamed in 2024).
    pub aliases: Vec<String>,
    pub audiences: Vec<String>,
}

/// The catalogue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ServiceList {
    pub items: Vec<ServiceView>,
    pub next_cursor: Option<String>,
}

/// The national services notices are about.
#[utoipa::path(get, path = "/api/v1/services", operation_id = "listServices", tag = "registry",
    responses((status = 200, description = "The service catalogue", body = ServiceList)))]
pub async fn list(State(state): State<AppState>) -> Json<ServiceList> {
    let items = state
        .intake
        .catalogue()
        .services()
        .iter()
        .map(|s| ServiceView {
            code: s.code.as_str().to_owned(),
            names: s.names.clone(),
            aliases: s.aliases.clone(),
            audiences: s.audiences.iter().map(|a| a.code().to_owned()).collect(),
        })
        .collect();
    Json(ServiceList {
        items,
        next_cursor: None,
    })
}
