//! How a contact is stored: its columns, its row read back into a checked `Contact`, and
//! the binds of a draft.

use super::StoreResult;
use super::error::decode;
use super::services::{aggregated, split_services};
use super::sql::{Conn, Sql};
use crate::registry::{
    Channel, Contact, ContactDraft, ContactFields, ContactId, ContactRole, ContactSource,
    EmailAddress, Language, NoticeKind, OrgId, PhoneNumber,
};
use chrono::{DateTime, Utc};

pub(super) const COLUMNS: &str = "c.id, c.org_id, c.name, c.role, c.email, c.phone, c.language, c.via_email, c.via_sms, c.all_services, \
     c.wants_fault, c.wants_maintenance, c.wants_instruction, c.portal_admin, c.email_verified_at, c.undeliverable_at, c.source, c.reviewed_at, c.created_at, c.updated_at";

pub(super) const INSERT: &str = "INSERT INTO contacts (id, org_id, name, role, email, email_key, phone, language, via_email, via_sms, \
     all_services, wants_fault, wants_maintenance, wants_instruction, portal_admin, source, reviewed_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $17)";
pub(super) const UPDATE: &str = "UPDATE contacts SET name = $3, role = $4, email = $5, email_key = $6, phone = $7, language = $8, \
     via_email = $9, via_sms = $10, all_services = $11, wants_fault = $12, wants_maintenance = $13, wants_instruction = $14, \
     portal_admin = $15, reviewed_at = $16, updated_at = $16, \
     email_verified_at = CASE WHEN email_key = $6 THEN email_verified_at ELSE NULL END, \
     hard_bounces = CASE WHEN email_key = $6 THEN hard_bounces ELSE 0 END, \
     undeliverable_at = CASE WHEN email_key = $6 THEN undeliverable_at ELSE NULL END WHERE id = $1 AND org_id = $2";
#[derive(sqlx::FromRow)]
pub(super) struct ContactRow {
    id: String,
    org_id: String,
    name: String,
    role: String,
    email: Option<String>,
    phone: Option<String>,
    language: String,
    via_email: bool,
    via_sms: bool,
    all_services: bool,
    wants_fault: bool,
    wants_maintenance: bool,
    wants_instruction: bool,
    portal_admin: bool,
    email_verified_at: Option<DateTime<Utc>>,
    undeliverable_at: Option<DateTime<Utc>>,
    source: String,
    reviewed_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    services: Option<String>,
}

impl ContactRow {
    pub(super) fn into_contact(self) -> StoreResult<Contact> {
        let channels = [
            (self.via_email, Channel::Email),
            (self.via_sms, Channel::Sms),
        ];
        let kinds = [
            (self.wants_fault, NoticeKind::Fault),
            (self.wants_maintenance, NoticeKind::Maintenance),
            (self.wants_instruction, NoticeKind::Instruction),
        ];
        Ok(Contact {
            id: decode(
                "contacts.id",
                ContactId::parse(&self.id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            org_id: decode(
                "contacts.org_id",
                OrgId::parse(&self.org_id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            draft: decode(
                "contacts",
                ContactDraft::restore(ContactFields {
                    name: self.name,
                    role: decode("contacts.role", ContactRole::parse(&self.role))?,
                    email: self
                        .email
                        .map(|e| decode("contacts.email", EmailAddress::parse(&e)))
                        .transpose()?,
                    phone: self
                        .phone
                        .map(|e| decode("contacts.phone", PhoneNumber::parse(&e)))
                        .transpose()?,
                    language: decode("contacts.language", Language::parse(&self.language))?,
                    channels: channels
                        .into_iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, c)| c)
                        .collect(),
                    services: if self.all_services {
                        None
                    } else {
                        Some(split_services("contact_services.service", self.services)?)
                    },
                    kinds: kinds
                        .into_iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, k)| k)
                        .collect(),
                    portal_admin: self.portal_admin,
                }),
            )?,
            source: decode("contacts.source", ContactSource::parse(&self.source))?,
            email_verified_at: self.email_verified_at,
            undeliverable_at: self.undeliverable_at,
            reviewed_at: self.reviewed_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// `sql` (INSERT or UPDATE) for contact `id` of `org` with a draft's columns ($3…$15).
pub(super) fn with_draft(sql: &'static str, id: ContactId, org: OrgId, d: &ContactDraft) -> Sql {
    Sql::new(sql)
        .bind(id.to_text())
        .bind(org.to_text())
        .bind(&d.name)
        .bind(d.role.code())
        .bind(d.email.as_ref().map(EmailAddress::as_str))
        .bind(d.email.as_ref().map(EmailAddress::key))
        .bind(d.phone.as_ref().map(PhoneNumber::as_str))
        .bind(d.language.code())
        .bind(d.channels.contains(&Channel::Email))
        .bind(d.channels.contains(&Channel::Sms))
        .bind(d.services.is_none())
        .bind(d.kinds.contains(&NoticeKind::Fault))
        .bind(d.kinds.contains(&NoticeKind::Maintenance))
        .bind(d.kinds.contains(&NoticeKind::Instruction))
        .bind(d.portal_admin)
}

/// The contacts with their services, for `WHERE` clauses on `c`.
pub(super) fn select(conn: &Conn<'_>) -> String {
    format!(
        "SELECT {COLUMNS}, {} FROM contacts c",
        aggregated(conn.dialect(), "contact_services", "contact_id", "c")
    )
}
