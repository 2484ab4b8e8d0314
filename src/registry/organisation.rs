//! Organisations: the hospitals, pharmacies, social-welfare providers and suppliers notified.

use super::business_id::BusinessId;
use super::catalogue::{Catalogue, ServiceCode};
use super::vocabulary::{Audience, OrgState};
use crate::validation::{FieldErrors, collect_set, double_option, plain_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Organisation names are registry names; 200 characters covers every real one.
pub const MAX_ORG_NAME_LEN: usize = 200;
/// ISO OIDs used in Finnish health care are well under this.
const MAX_OID_LEN: usize = 128;

crate::codes::uuid_id! {
    /// An organisation's id.
    pub struct OrgId;
}

/// A dotted-decimal ISO object identifier such as `1.2.246.10.1234567.10.0`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Oid(String);

impl Oid {
    /// Digits separated by single dots, at least two arcs.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let arcs: Vec<&str> = s.split('.').collect();
        let ok = s.len() <= MAX_OID_LEN
            && arcs.len() >= 2
            && arcs
                .iter()
                .all(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err("must be a dotted-decimal OID like 1.2.246.10.1234567".into())
        }
    }

    /// The OID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a client sends to create or change an organisation; every field optional so that
/// one answer can name every missing or invalid one.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    pub name: Option<String>,
    pub business_id: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub oid: Option<Option<String>>,
    #[schema(value_type = Option<String>, example = "pharmacy")]
    pub audience: Option<String>,
    pub services: Option<Vec<String>>,
    /// `active` or `closed`; new organisations are active.
    pub state: Option<String>,
}

/// An organisation's fields as plain data; an `OrganisationDraft` is these, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct OrganisationFields {
    pub name: String,
    pub business_id: BusinessId,
    pub oid: Option<Oid>,
    pub audience: Audience,
    pub services: BTreeSet<ServiceCode>,
    pub state: OrgState,
}

/// A validated organisation, ready to store: built only by `parse` (client input) or
/// `restore` (a stored row). Its fields are read through `Deref`.
#[derive(Clone, Debug, PartialEq)]
pub struct OrganisationDraft(OrganisationFields);

impl std::ops::Deref for OrganisationDraft {
    type Target = OrganisationFields;

    fn deref(&self) -> &OrganisationFields {
        &self.0
    }
}

impl OrganisationDraft {
    /// Validates every field against the catalogue.
    pub fn parse(input: OrganisationInput, catalogue: &Catalogue) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e
            .require("name", input.name)
            .and_then(|n| e.check("name", plain_text(&n, MAX_ORG_NAME_LEN)));
        let business_id = e
            .require("business_id", input.business_id)
            .and_then(|b| e.check("business_id", BusinessId::parse(&b)));
        let oid = match input.oid.flatten() {
            Some(o) if !o.trim().is_empty() => e.check("oid", Oid::parse(&o)).map(Some),
            _ => Some(None),
        };
        let audience = e
            .require("audience", input.audience)
            .and_then(|a| e.check("audience", Audience::parse(&a)));
        let services = e
            .require("services", input.services)
            .map(|list| collect_set("services", &list, |s| catalogue.parse_code(s), &mut e));
        let state = match input.state {
            Some(s) => e.check("state", OrgState::parse(&s)),
            None => Some(OrgState::Active),
        };
        let (Some(name), Some(business_id), Some(oid), Some(audience), Some(services), Some(state)) =
            (name, business_id, oid, audience, services, state)
        else {
            return Err(e.explain_missing("name"));
        };
        e.finish(|| {
            Self(OrganisationFields {
                name,
                business_id,
                oid,
                audience,
                services,
                state,
            })
        })
    }

    /// An organisation read back from the store, which was parsed before it was stored.
    pub fn restore(fields: OrganisationFields) -> Result<Self, String> {
        if plain_text(&fields.name, MAX_ORG_NAME_LEN).as_deref() != Ok(fields.name.as_str()) {
            return Err("has a name that is not plain text".into());
        }
        Ok(Self(fields))
    }
}

/// A stored organisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    pub id: OrgId,
    pub draft: OrganisationDraft,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Organisation {
    /// The organisation as an input, so that a partial change can be laid over it and the
    /// whole validated again.
    pub fn as_input(&self) -> OrganisationInput {
        let d = &self.draft;
        OrganisationInput {
            name: Some(d.name.clone()),
            business_id: Some(d.business_id.to_string()),
            oid: Some(d.oid.as_ref().map(|o| o.as_str().to_owned())),
            audience: Some(d.audience.code().to_owned()),
            services: Some(d.services.iter().map(|s| s.as_str().to_owned()).collect()),
            state: Some(d.state.code().to_owned()),
        }
    }
}

impl OrganisationInput {
    /// This change laid over `base`: fields present here win.
    pub fn over(self, base: OrganisationInput) -> OrganisationInput {
        OrganisationInput {
            name: self.name.or(base.name),
            business_id: self.business_id.or(base.business_id),
            oid: self.oid.or(base.oid),
            audience: self.audience.or(base.audience),
            services: self.services.or(base.services),
            state: self.state.or(base.state),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::from_toml(include_str!("../../config/services.toml")).unwrap()
    }

    fn input() -> OrganisationInput {
        OrganisationInput {
            name: Some("Apteekki Keskusta".into()),
            business_id: Some("0246246-0".into()),
            oid: None,
            audience: Some("pharmacy".into()),
            services: Some(vec!["prescription-centre".into(), "prescription".into()]),
            state: None,
        }
    }

    #[test]
    fn a_complete_input_becomes_an_active_organisation() {
        let d = OrganisationDraft::parse(input(), &catalogue()).unwrap();
        assert_eq!(d.state, OrgState::Active);
        assert_eq!(d.services.len(), 2);
        assert_eq!(d.oid, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = OrganisationInput {
            name: Some(" ".into()),
            business_id: Some("0246246-1".into()),
            oid: Some(Some("x.y".into())),
            audience: Some("pirates".into()),
            services: Some(vec!["prescription".into(), "teleport".into()]),
            state: Some("open".into()),
        };
        let err = OrganisationDraft::parse(bad, &catalogue()).unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "business_id",
                "oid",
                "audience",
                "services[1]",
                "state"
            ]
        );
    }

    #[test]
    fn missing_required_fields_are_named() {
        let err = OrganisationDraft::parse(OrganisationInput::default(), &catalogue()).unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "business_id", "audience", "services"]);
    }

    #[test]
    fn a_change_overlays_the_stored_organisation() {
        let d = OrganisationDraft::parse(input(), &catalogue()).unwrap();
        let org = Organisation {
            id: OrgId::generate(),
            draft: d,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let change = OrganisationInput {
            name: Some("Uusi nimi".into()),
            oid: Some(Some("1.2.246.10".into())),
            ..Default::default()
        };
        let d2 = OrganisationDraft::parse(change.over(org.as_input()), &catalogue()).unwrap();
        assert_eq!(d2.name, "Uusi nimi");
        assert_eq!(d2.oid.as_ref().unwrap().as_str(), "1.2.246.10");
        assert_eq!(d2.business_id, org.draft.business_id);
        let clear = OrganisationInput {
            oid: Some(None),
            ..Default::default()
        };
        assert_eq!(
            OrganisationDraft::parse(clear.over(org.as_input()), &catalogue())
                .unwrap()
                .oid,
            None
        );
    }
}
