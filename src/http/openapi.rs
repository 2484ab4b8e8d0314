//! The OpenAPI document, built from the same route declarations the router uses.

use axum::Json;
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The finished document, set once when the router is built.
pub static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();

/// This document: every `/api/v1` operation.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json", body = Object)))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(DOCUMENT.get_or_init(|| super::api().1).clone())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "faultcast", description = "Fault and maintenance notices for national e-health services."),
    modifiers(&BearerAuth),
    tags((name = "registry", description = "Organisations, contacts and the service catalogue"),
         (name = "access", description = "Tokens and the audit log"),
         (name = "meta", description = "This description"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
