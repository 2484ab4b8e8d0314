//! The document itself: declared with utoipa, finished as JSON, served as bytes made once.

use crate::registry::Catalogue;
use axum::Extension;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The finished document, serialised once when the router is built.
#[derive(Clone)]
pub struct OpenApiJson(pub Bytes);

/// This document: every `/api/v1` operation.
#[utoipa::path(get, path = "/api/v1/openapi.json", operation_id = "openapiDocument", tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json", body = Object)))]
pub async fn document(Extension(doc): Extension<OpenApiJson>) -> Response {
    let mut res = doc.0.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

#[derive(OpenApi)]
#[openapi(
    info(title = "faultcast", description = "Fault and maintenance notices for national e-health services. Every error is `application/problem+json`; every operation may answer 429 (rate limited, with `Retry-After`)."),
    modifiers(&BearerAuth),
    tags((name = "registry", description = "Organisations, contacts and the service catalogue"),
         (name = "access", description = "Tokens and the audit log"),
         (name = "notices", description = "Fault, maintenance and instruction notices and their delivery"),
         (name = "fault-reports", description = "Fault reports from organisations, and their triage"),
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

/// The declared document made exact: request bodies as the parsers take them, response
/// vocabularies as enums (the services from `catalogue`), and every answer each operation
/// can give.
pub fn finish(doc: utoipa::openapi::OpenApi, catalogue: &Catalogue) -> Value {
    // A document of plain data always serialises.
    let mut v = serde_json::to_value(doc).unwrap_or_default();
    let services: Vec<&str> = catalogue
        .services()
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    super::bodies::install(&mut v, &services);
    super::notice_bodies::install(&mut v, &services);
    super::views::install(&mut v, &services);
    super::answers::install(&mut v, &services);
    v
}
