//! Domain values for store tests.

use chrono::{DateTime, SubsecRound, Utc};
use faultcast::registry::{
    Catalogue, ContactDraft, ContactInput, OrganisationDraft, OrganisationInput, ServiceCode,
};
use faultcast::store::AuditEvent;
use std::collections::BTreeSet;

pub fn catalogue() -> Catalogue {
    Catalogue::from_toml(include_str!("../../config/services.toml")).unwrap()
}

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn org(name: &str, business_id: &str, services: &[&str]) -> OrganisationDraft {
    let input = OrganisationInput {
        name: Some(name.into()),
        business_id: Some(business_id.into()),
        audience: Some("pharmacy".into()),
        services: Some(services.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    };
    OrganisationDraft::parse(input, &catalogue()).unwrap()
}

pub fn contact(
    name: &str,
    email: &str,
    services: Option<&[&str]>,
    org_services: &BTreeSet<ServiceCode>,
) -> ContactDraft {
    let input = ContactInput {
        name: Some(name.into()),
        role: Some("helpdesk".into()),
        email: Some(Some(email.into())),
        phone: Some(Some("0401234567".into())),
        language: Some("sv".into()),
        channels: Some(vec!["email".into(), "sms".into()]),
        services: Some(services.map(|s| s.iter().map(|x| x.to_string()).collect())),
        kinds: Some(Some(vec!["fault".into(), "instruction".into()])),
        portal_admin: None,
    };
    ContactDraft::parse(input, &catalogue(), org_services).unwrap()
}

pub fn audit(action: &'static str) -> AuditEvent {
    AuditEvent {
        actor: "test".into(),
        action,
        target_kind: "test",
        target_id: "x".into(),
        org_id: None,
        request_id: "r".into(),
        at: now(),
    }
}
