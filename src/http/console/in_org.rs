//! The organisation a registry page works on: in the console the one its path names (any,
//! for an operator), in the portal the signed-in admin's own and no other. The same handlers
//! serve both, so that the portal's forms are the console's, limited by who is signed in.

use super::super::{ApiError, AppState};
use super::session::{PortalSigned, Signed};
use crate::registry::{ContactId, OrgId};
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// A signed-in request about one organisation (and perhaps one of its contacts).
pub struct InOrg {
    pub signed: Signed,
    pub org: OrgId,
    /// The contact the path names, if it names one.
    pub contact: Option<ContactId>,
    /// Where the organisation's pages are: `/console/organisations/{id}` or `/portal`.
    pub base: String,
}

impl InOrg {
    /// The contact the path names (a route without one never asks).
    pub fn contact(&self) -> Result<ContactId, ApiError> {
        self.contact.ok_or_else(ApiError::not_found)
    }
}

fn not_found() -> Response {
    ApiError::not_found().into_response()
}

impl FromRequestParts<AppState> for InOrg {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let params = RawPathParams::from_request_parts(parts, s)
            .await
            .map_err(IntoResponse::into_response)?;
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
        };
        let contact = match param("contact") {
            Some(text) => Some(ContactId::parse(&text).ok_or_else(not_found)?),
            None => None,
        };
        if parts.uri.path().starts_with("/portal") {
            let p = PortalSigned::from_request_parts(parts, s).await?;
            return Ok(InOrg {
                org: p.admin.org,
                signed: p.signed,
                contact,
                base: "/portal".to_owned(),
            });
        }
        let signed = Signed::from_request_parts(parts, s).await?;
        let org = param("id")
            .and_then(|id| OrgId::parse(&id))
            .ok_or_else(not_found)?;
        Ok(InOrg {
            base: format!("/console/organisations/{}", org.to_text()),
            signed,
            org,
            contact,
        })
    }
}
