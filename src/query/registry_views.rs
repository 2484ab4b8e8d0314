//! The JSON shapes of registry objects.

use crate::registry::{Contact, Organisation, ServiceCode, UnreachableService};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// An organisation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    pub business_id: String,
    pub oid: Option<String>,
    pub audience: String,
    pub services: Vec<String>,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Organisation> for OrganisationView {
    fn from(o: &Organisation) -> Self {
        let d = &o.draft;
        Self {
            id: o.id.to_text(),
            name: d.name.clone(),
            business_id: d.business_id.to_string(),
            oid: d.oid.as_ref().map(|x| x.as_str().to_owned()),
            audience: d.audience.code().to_owned(),
            services: d.services.iter().map(|s| s.as_str().to_owned()).collect(),
            state: d.state.code().to_owned(),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A contact. `services` is what the contact hears about now; `all_services` says whether
/// that follows the organisation's services as they change.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactView {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    pub language: String,
    pub channels: Vec<String>,
    pub services: Vec<String>,
    pub all_services: bool,
    pub kinds: Vec<String>,
    /// Signs in to the organisation portal with a link sent to `email`.
    pub portal_admin: bool,
    /// Someone reading `email` confirmed it with the link sent there (notices go to an
    /// unverified address all the same).
    pub email_verified: bool,
    /// `email` bounces for good: notices do not reach it.
    pub undeliverable: bool,
    pub source: String,
    pub reviewed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ContactView {
    /// The view of `c`, whose organisation uses `org_services`.
    pub fn new(c: &Contact, org_services: &std::collections::BTreeSet<ServiceCode>) -> Self {
        let d = &c.draft;
        Self {
            id: c.id.to_text(),
            org_id: c.org_id.to_text(),
            name: d.name.clone(),
            role: d.role.code().to_owned(),
            email: d.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: d.phone.as_ref().map(|p| p.as_str().to_owned()),
            language: d.language.code().to_owned(),
            channels: d.channels.iter().map(|c| c.code().to_owned()).collect(),
            services: d
                .effective_services(org_services)
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            all_services: d.services.is_none(),
            kinds: d.kinds.iter().map(|k| k.code().to_owned()).collect(),
            portal_admin: d.portal_admin,
            email_verified: d.email.is_some() && c.email_verified_at.is_some(),
            undeliverable: c.undeliverable_at.is_some(),
            source: c.source.code().to_owned(),
            reviewed_at: c.reviewed_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A page of organisations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationView>,
    pub next_cursor: Option<String>,
}

/// A page of contacts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactList {
    pub items: Vec<ContactView>,
    pub next_cursor: Option<String>,
}

/// An organisation using a service that no contact of its can be reached for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Unreachable {
    pub org_id: String,
    pub name: String,
    pub business_id: String,
    pub service: String,
}

impl From<&UnreachableService> for Unreachable {
    fn from(u: &UnreachableService) -> Self {
        Self {
            org_id: u.org_id.to_text(),
            name: u.name.clone(),
            business_id: u.business_id.to_string(),
            service: u.service.as_str().to_owned(),
        }
    }
}

/// Organisation and service pairs that no contact can be reached for, by name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnreachableList {
    pub items: Vec<Unreachable>,
    /// Always null: the report is one page.
    pub next_cursor: Option<String>,
}
