//! Contacts: the notice recipients an organisation keeps current itself.

use super::catalogue::{Catalogue, ServiceCode};
use super::email::EmailAddress;
use super::language::Language;
use super::organisation::OrgId;
use super::phone::PhoneNumber;
use super::vocabulary::{Channel, ContactRole, ContactSource, NoticeKind};
use crate::validation::{FieldErrors, collect_set, double_option, plain_text};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeSet;

/// A label such as "Helpdesk" or a person's name.
pub const MAX_CONTACT_NAME_LEN: usize = 200;

crate::codes::uuid_id! {
    /// A contact's id.
    pub struct ContactId;
}

/// What a client sends to create or change a contact.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: Option<String>,
    #[schema(value_type = Option<String>, example = "helpdesk")]
    pub role: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Finnish numbers may be written as usual (`040 123 4567`); stored as E.164.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[schema(value_type = Option<String>, example = "fi")]
    pub language: Option<String>,
    pub channels: Option<Vec<String>>,
    /// Absent or null: every service the organisation uses, now and later.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<String>>)]
    pub services: Option<Option<Vec<String>>>,
    /// Absent or null: every kind.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<String>>)]
    pub kinds: Option<Option<Vec<String>>>,
    /// May sign in to the organisation portal with a link sent to `email` (default false).
    pub portal_admin: Option<bool>,
}

/// A contact's fields as plain data; a `ContactDraft` is these, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ContactFields {
    pub name: String,
    pub role: ContactRole,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
    pub language: Language,
    pub channels: BTreeSet<Channel>,
    /// `None`: every service the organisation uses.
    pub services: Option<BTreeSet<ServiceCode>>,
    pub kinds: BTreeSet<NoticeKind>,
    /// Signs in to the organisation portal with a link sent to `email`.
    pub portal_admin: bool,
}

/// A validated contact, ready to store: built only by `parse` (client input) or `restore`
/// (a stored row), so that it always has a channel, an address for each of its channels
/// and at least one service and kind. Its fields are read through `Deref`.
#[derive(Clone, Debug, PartialEq)]
pub struct ContactDraft(ContactFields);

impl std::ops::Deref for ContactDraft {
    type Target = ContactFields;

    fn deref(&self) -> &ContactFields {
        &self.0
    }
}

/// Each chosen channel has its address (`None` for an address that was itself invalid).
fn check_addresses(
    channels: Option<&BTreeSet<Channel>>,
    email: &Option<Option<EmailAddress>>,
    phone: &Option<Option<PhoneNumber>>,
    e: &mut FieldErrors,
) {
    let Some(ch) = channels else {
        return;
    };
    if ch.contains(&Channel::Email) && matches!(email, Some(None)) {
        e.add("email", "is required when channels include email");
    }
    if ch.contains(&Channel::Sms) && matches!(phone, Some(None)) {
        e.add("phone", "is required when channels include sms");
    }
}

/// The services a contact hears about: some of the organisation's (`None`: all of them).
fn services(
    given: Option<Vec<String>>,
    catalogue: &Catalogue,
    org_services: &BTreeSet<ServiceCode>,
    e: &mut FieldErrors,
) -> Option<Option<BTreeSet<ServiceCode>>> {
    let Some(list) = given else {
        return Some(None);
    };
    let set = collect_set(
        "services",
        &list,
        |s| {
            let code = catalogue.parse_code(s)?;
            if org_services.contains(&code) {
                Ok(code)
            } else {
                Err(format!("`{code}` is not a service the organisation uses"))
            }
        },
        e,
    );
    if list.is_empty() {
        e.add(
            "services",
            "must name at least one service, or be left out for all of the organisation's",
        );
    }
    Some(Some(set))
}

/// The kinds of notice a contact hears about; all when left out.
fn kinds(given: Option<Vec<String>>, e: &mut FieldErrors) -> Option<BTreeSet<NoticeKind>> {
    let Some(list) = given else {
        return Some(NoticeKind::SUBSCRIBABLE.iter().copied().collect());
    };
    let set = collect_set(
        "kinds",
        &list,
        |k| match NoticeKind::parse(k)? {
            NoticeKind::Change => {
                Err("changes come with maintenance: subscribe to maintenance".to_owned())
            }
            k => Ok(k),
        },
        e,
    );
    if list.is_empty() {
        e.add(
            "kinds",
            "must name at least one kind (fault, maintenance, instruction)",
        );
    }
    Some(set)
}

impl ContactDraft {
    /// Validates every field; `org_services` are the services the organisation uses.
    pub fn parse(
        input: ContactInput,
        catalogue: &Catalogue,
        org_services: &BTreeSet<ServiceCode>,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e
            .require("name", input.name)
            .and_then(|n| e.check("name", plain_text(&n, MAX_CONTACT_NAME_LEN)));
        let role = e
            .require("role", input.role)
            .and_then(|r| e.check("role", ContactRole::parse(&r)));
        let email = match input.email.flatten() {
            Some(s) if !s.trim().is_empty() => e.check("email", EmailAddress::parse(&s)).map(Some),
            _ => Some(None),
        };
        let phone = match input.phone.flatten() {
            Some(s) if !s.trim().is_empty() => e.check("phone", PhoneNumber::parse(&s)).map(Some),
            _ => Some(None),
        };
        let language = e
            .require("language", input.language)
            .and_then(|l| e.check("language", Language::parse(&l)));
        let channels = e
            .require("channels", input.channels)
            .map(|list| collect_set("channels", &list, Channel::parse, &mut e));
        if channels.as_ref().is_some_and(|c| c.is_empty()) && !input_had_bad_channel(&e) {
            e.add("channels", "must name at least one channel (email, sms)");
        }
        check_addresses(channels.as_ref(), &email, &phone, &mut e);
        let portal_admin = input.portal_admin.unwrap_or(false);
        if portal_admin && matches!(email, Some(None)) {
            e.add(
                "portal_admin",
                "needs an email address: the portal's sign-in link is sent there",
            );
        }
        let services = services(input.services.flatten(), catalogue, org_services, &mut e);
        let kinds = kinds(input.kinds.flatten(), &mut e);
        let (Some(name), Some(role), Some(email), Some(phone), Some(language), Some(channels)) =
            (name, role, email, phone, language, channels)
        else {
            return Err(e.explain_missing("name"));
        };
        let (Some(services), Some(kinds)) = (services, kinds) else {
            return Err(e.explain_missing("services"));
        };
        e.finish(|| {
            Self(ContactFields {
                name,
                role,
                email,
                phone,
                language,
                channels,
                services,
                kinds,
                portal_admin,
            })
        })
    }

    /// A contact read back from the store, which was parsed before it was stored; checks
    /// again what holds whatever the catalogue says now.
    pub fn restore(fields: ContactFields) -> Result<Self, String> {
        let f = &fields;
        if f.channels.is_empty() || f.kinds.is_empty() {
            return Err("has no channel or no kind".into());
        }
        if f.services.as_ref().is_some_and(BTreeSet::is_empty) {
            return Err("has an empty list of services".into());
        }
        if f.channels.contains(&Channel::Email) && f.email.is_none()
            || f.channels.contains(&Channel::Sms) && f.phone.is_none()
        {
            return Err("has a channel without its address".into());
        }
        if f.portal_admin && f.email.is_none() {
            return Err("is a portal admin without an email address".into());
        }
        if plain_text(&f.name, MAX_CONTACT_NAME_LEN).as_deref() != Ok(f.name.as_str()) {
            return Err("has a name that is not plain text".into());
        }
        Ok(Self(fields))
    }

    /// The services this contact hears about, given what its organisation uses.
    pub fn effective_services(
        &self,
        org_services: &BTreeSet<ServiceCode>,
    ) -> BTreeSet<ServiceCode> {
        match &self.services {
            None => org_services.clone(),
            Some(own) => own.intersection(org_services).cloned().collect(),
        }
    }
}

fn input_had_bad_channel(e: &FieldErrors) -> bool {
    e.errors().iter().any(|f| f.field.starts_with("channels["))
}

/// A stored contact.
#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub org_id: OrgId,
    pub draft: ContactDraft,
    pub source: ContactSource,
    /// When someone reading its email address confirmed it (never: `None`).
    pub email_verified_at: Option<DateTime<Utc>>,
    /// Since when its email address bounces for good (`[bounces] hard_limit` in a row).
    pub undeliverable_at: Option<DateTime<Utc>>,
    /// When the contact was last confirmed current (created, changed or re-confirmed).
    pub reviewed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contact {
    /// The contact as an input, so that a partial change can be laid over it.
    pub fn as_input(&self) -> ContactInput {
        let d = &self.draft;
        ContactInput {
            name: Some(d.name.clone()),
            role: Some(d.role.code().to_owned()),
            email: Some(d.email.as_ref().map(|x| x.as_str().to_owned())),
            phone: Some(d.phone.as_ref().map(|x| x.as_str().to_owned())),
            language: Some(d.language.code().to_owned()),
            channels: Some(d.channels.iter().map(|c| c.code().to_owned()).collect()),
            services: Some(
                d.services
                    .as_ref()
                    .map(|s| s.iter().map(|c| c.as_str().to_owned()).collect()),
            ),
            kinds: Some(Some(d.kinds.iter().map(|k| k.code().to_owned()).collect())),
            portal_admin: Some(d.portal_admin),
        }
    }
}

impl ContactInput {
    /// This change laid over `base`: fields present here win.
    pub fn over(self, base: ContactInput) -> ContactInput {
        ContactInput {
            name: self.name.or(base.name),
            role: self.role.or(base.role),
            email: self.email.or(base.email),
            phone: self.phone.or(base.phone),
            language: self.language.or(base.language),
            channels: self.channels.or(base.channels),
            services: self.services.or(base.services),
            kinds: self.kinds.or(base.kinds),
            portal_admin: self.portal_admin.or(base.portal_admin),
        }
    }
}

#[cfg(test)]
#[path = "contact_tests.rs"]
mod tests;
