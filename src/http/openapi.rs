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
    Json(DOCUMENT.get_or_init(|| super::api().2).clone())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "faultcast", description = "Fault and maintenance notices for national e-health services."),
    modifiers(&BearerAuth),
    tags((name = "registry", description = "Organisations, contacts and the service catalogue"),
         (name = "access", description = "Tokens and the audit log"),
         (name = "notices", description = "Fault, maintenance and instruction notices and their delivery"),
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

/// Applied to the finished document (the routes add their paths after `ApiDoc`'s own
/// modifiers have run). Error answers are `application/problem+json`, and any authenticated operation can meet a
/// database outage (503); the handlers' annotations say `Problem`, this says how it is sent.
pub struct ProblemAnswers;

impl Modify for ProblemAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, ResponseBuilder, content::ContentBuilder};
        let problem = || {
            ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                .build()
        };
        for item in doc.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in ops.into_iter().flatten() {
                for (status, answer) in op.responses.responses.iter_mut() {
                    if let (true, RefOr::T(r)) =
                        (status.starts_with('4') || status.starts_with('5'), answer)
                    {
                        if let Some(content) = r.content.shift_remove("application/json") {
                            r.content
                                .insert(super::problem::PROBLEM_JSON.to_owned(), content);
                        }
                    }
                }
                if op.security.is_none() {
                    continue; // public operations answer from memory
                }
                op.responses.responses.entry("503".to_owned()).or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description("The database is unavailable; nothing was changed, retry after Retry-After seconds")
                            .content(super::problem::PROBLEM_JSON, problem())
                            .build(),
                    )
                });
            }
        }
    }
}
