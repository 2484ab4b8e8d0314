//! The OpenAPI document, built from the same route declarations the router uses.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "faultcast", description = "Fault and maintenance notices for national e-health services."),
    modifiers(&BearerAuth),
    tags((name = "registry", description = "Organisations, contacts and the service catalogue"),
         (name = "access", description = "Tokens and the audit log"))
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
