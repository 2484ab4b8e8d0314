//! Contacts and their own service subscriptions.

use super::audit::insert_audit;
use super::error::decode;
use super::organisations::split_services;
use super::{AuditEvent, DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult, on_db};
use crate::registry::{
    Channel, Contact, ContactDraft, ContactId, ContactRole, ContactSource, EmailAddress, Language,
    NoticeKind, OrgId, PhoneNumber,
};
use chrono::{DateTime, Utc};

const COLUMNS: &str = "c.id, c.org_id, c.name, c.role, c.email, c.phone, c.language, c.via_email, c.via_sms, c.all_services, \
     c.wants_fault, c.wants_maintenance, c.wants_instruction, c.source, c.reviewed_at, c.created_at, c.updated_at";
const SERVICES_SQLITE: &str = "(SELECT group_concat(s.service, ',') FROM contact_services s WHERE s.contact_id = c.id) AS services";
const SERVICES_POSTGRES: &str = "(SELECT string_agg(s.service, ',') FROM contact_services s WHERE s.contact_id = c.id) AS services";

const INSERT: &str = "INSERT INTO contacts (id, org_id, name, role, email, email_key, phone, language, via_email, via_sms, \
     all_services, wants_fault, wants_maintenance, wants_instruction, source, reviewed_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $16)";
const UPDATE: &str = "UPDATE contacts SET name = $3, role = $4, email = $5, email_key = $6, phone = $7, language = $8, \
     via_email = $9, via_sms = $10, all_services = $11, wants_fault = $12, wants_maintenance = $13, wants_instruction = $14, \
     reviewed_at = $15, updated_at = $15 WHERE id = $1 AND org_id = $2";
const CLEAR_SERVICES: &str = "DELETE FROM contact_services WHERE contact_id = $1";
const ADD_SERVICE: &str = "INSERT INTO contact_services (contact_id, service) VALUES ($1, $2)";
const DELETE: &str = "DELETE FROM contacts WHERE id = $1 AND org_id = $2";
/// Deliveries to an erased contact lose the address; those not yet sent are given up.
pub(crate) const ERASE_DELIVERIES: &str = "UPDATE deliveries SET address = NULL, address_key = 'erased:' || CAST(id AS TEXT), \
     last_error = CASE WHEN state IN ('pending', 'retry', 'sending') THEN 'recipient deleted' ELSE last_error END, \
     state = CASE WHEN state IN ('pending', 'retry', 'sending') THEN 'failed' ELSE state END WHERE contact_id = $1";
/// A stored idempotent answer that mentions an erased contact would keep its personal data.
/// faultcast's own messages to the contact (review reminders) go with it.
pub(crate) const ERASE_MESSAGES: &str = "DELETE FROM system_messages WHERE contact_id = $1";
pub(crate) const FORGET_ANSWERS: &str = "DELETE FROM idempotency_keys WHERE body LIKE $1";

/// A whole contact list to put in place of an organisation's current one (CSV import).
#[derive(Debug, Default)]
pub struct ContactImport {
    /// Existing contacts (of this organisation) to overwrite.
    pub update: Vec<(ContactId, ContactDraft)>,
    /// New contacts.
    pub insert: Vec<(ContactId, ContactDraft)>,
    /// Existing contacts not in the list: erased.
    pub delete: Vec<ContactId>,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
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
    source: String,
    reviewed_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    services: Option<String>,
}

impl ContactRow {
    fn into_contact(self) -> StoreResult<Contact> {
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
            draft: ContactDraft {
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
            },
            source: decode("contacts.source", ContactSource::parse(&self.source))?,
            reviewed_at: self.reviewed_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Binds a draft's columns in the order shared by INSERT ($3…$14) and UPDATE ($3…$14).
macro_rules! bind_draft {
    ($q:expr, $d:expr) => {{
        let d: &ContactDraft = $d;
        $q.bind(&d.name)
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
    }};
}

/// Writes a draft's own service list (none when it follows the organisation's).
macro_rules! write_services {
    ($tx:expr, $id:expr, $d:expr) => {{
        sqlx::query(CLEAR_SERVICES)
            .bind($id.to_text())
            .execute(&mut *$tx)
            .await?;
        for s in $d.services.iter().flatten() {
            sqlx::query(ADD_SERVICE)
                .bind($id.to_text())
                .bind(s.as_str())
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

/// Inside `$tx`, removes what a deleted contact `$id` leaves elsewhere: stored idempotent
/// answers that mention it, its addresses in deliveries, faultcast's own messages to it.
macro_rules! erase_traces {
    ($tx:expr, $id:expr) => {{
        sqlx::query(FORGET_ANSWERS)
            .bind(format!("%{}%", $id))
            .execute(&mut *$tx)
            .await?;
        sqlx::query(ERASE_DELIVERIES)
            .bind($id.to_text())
            .execute(&mut *$tx)
            .await?;
        sqlx::query(ERASE_MESSAGES)
            .bind($id.to_text())
            .execute(&mut *$tx)
            .await?;
    }};
}

impl Store {
    /// Stores a new contact of `org`.
    #[tracing::instrument(skip_all, fields(org = %org, contact = %id))]
    pub async fn insert_contact(
        &self,
        org: OrgId,
        id: ContactId,
        d: &ContactDraft,
        source: ContactSource,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<Contact> {
        on_db!(writer self, |p, dialect| {
            let mut tx = p.begin().await?;
            bind_draft!(
                sqlx::query(INSERT).bind(id.to_text()).bind(org.to_text()),
                d
            )
            .bind(source.code())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            write_services!(tx, id, d);
            insert_audit!(tx, audit)?;
            tx.commit().await?;
        });
        Ok(Contact {
            id,
            org_id: org,
            draft: d.clone(),
            source,
            reviewed_at: now,
            created_at: now,
            updated_at: now,
        })
    }

    /// The contact `id` if it belongs to `org`.
    #[tracing::instrument(skip_all, fields(org = %org, contact = %id))]
    pub async fn get_contact(&self, org: OrgId, id: ContactId) -> StoreResult<Option<Contact>> {
        let row: Option<ContactRow> = on_db!(self, |p, d| {
            let sql = format!(
                "SELECT {COLUMNS}, {} FROM contacts c WHERE c.id = $1 AND c.org_id = $2",
                d.pick(SERVICES_SQLITE, SERVICES_POSTGRES)
            );
            sqlx::query_as(&sql)
                .bind(id.to_text())
                .bind(org.to_text())
                .fetch_optional(p)
                .await?
        });
        row.map(ContactRow::into_contact).transpose()
    }

    /// One page of `org`'s contacts in creation order.
    #[tracing::instrument(skip_all, fields(org = %org))]
    pub async fn list_contacts(
        &self,
        org: OrgId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> StoreResult<Page<Contact>> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let rows: Vec<ContactRow> = on_db!(self, |p, d| {
            let sql = format!(
                "SELECT {COLUMNS}, {} FROM contacts c WHERE c.org_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3",
                d.pick(SERVICES_SQLITE, SERVICES_POSTGRES)
            );
            sqlx::query_as(&sql)
                .bind(org.to_text())
                .bind(cursor.unwrap_or(""))
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        let items = rows
            .into_iter()
            .map(ContactRow::into_contact)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::cut(items, limit, |c| c.id.to_text()))
    }

    /// Every contact of `org` (for CSV export and import; lists are per organisation, small).
    #[tracing::instrument(skip_all, fields(org = %org))]
    pub async fn all_contacts(&self, org: OrgId) -> StoreResult<Vec<Contact>> {
        let rows: Vec<ContactRow> = on_db!(self, |p, d| {
            let sql = format!(
                "SELECT {COLUMNS}, {} FROM contacts c WHERE c.org_id = $1 ORDER BY c.id",
                d.pick(SERVICES_SQLITE, SERVICES_POSTGRES)
            );
            sqlx::query_as(&sql)
                .bind(org.to_text())
                .fetch_all(p)
                .await?
        });
        rows.into_iter().map(ContactRow::into_contact).collect()
    }

    /// Overwrites contact `id` of `org`; the change confirms it (`reviewed_at = now`).
    #[tracing::instrument(skip_all, fields(org = %org, contact = %id))]
    pub async fn update_contact(
        &self,
        org: OrgId,
        id: ContactId,
        d: &ContactDraft,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let found = on_db!(writer self, |p, dialect| {
            let mut tx = p.begin().await?;
            let n = bind_draft!(
                sqlx::query(UPDATE).bind(id.to_text()).bind(org.to_text()),
                d
            )
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                write_services!(tx, id, d);
                insert_audit!(tx, audit)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(found)
    }

    /// Deletes contact `id` of `org`: the row goes, and with `secure_delete` its bytes too.
    #[tracing::instrument(skip_all, fields(org = %org, contact = %id))]
    pub async fn delete_contact(
        &self,
        org: OrgId,
        id: ContactId,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let found = on_db!(writer self, |p, d| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(DELETE)
                .bind(id.to_text())
                .bind(org.to_text())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                erase_traces!(tx, id);
                insert_audit!(tx, audit)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(found)
    }

    /// Puts a whole new contact list in place, all or nothing, with one audit record.
    #[tracing::instrument(skip_all, fields(org = %org, update = plan.update.len(), insert = plan.insert.len(), delete = plan.delete.len()))]
    pub async fn import_contacts(
        &self,
        org: OrgId,
        plan: &ContactImport,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        on_db!(writer self, |p, dialect| {
            let mut tx = p.begin().await?;
            for id in &plan.delete {
                sqlx::query(DELETE)
                    .bind(id.to_text())
                    .bind(org.to_text())
                    .execute(&mut *tx)
                    .await?;
                erase_traces!(tx, id);
            }
            for (id, d) in &plan.update {
                bind_draft!(
                    sqlx::query(UPDATE).bind(id.to_text()).bind(org.to_text()),
                    d
                )
                .bind(now)
                .execute(&mut *tx)
                .await?;
                write_services!(tx, id, d);
            }
            for (id, d) in &plan.insert {
                bind_draft!(
                    sqlx::query(INSERT).bind(id.to_text()).bind(org.to_text()),
                    d
                )
                .bind(ContactSource::Import.code())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                write_services!(tx, id, d);
            }
            insert_audit!(tx, audit)?;
            tx.commit().await?;
            // Without fresh statistics PostgreSQL plans the fan-out's recipient query
            // over an imported registry as a hash join of every contact and a sort — 96 ms
            // a batch at 100,000 contacts instead of 0.2 ms — until autovacuum analyzes
            // the table. An import is rare and ANALYZE samples: refresh them at once.
            if dialect == super::Dialect::Postgres && plan.insert.len() + plan.delete.len() >= ANALYZE_AFTER {
                sqlx::query("ANALYZE contacts, contact_services, organisations, organisation_services").execute(p).await?;
            }
        });
        Ok(())
    }
}

/// Contacts added or removed by one import from which PostgreSQL's statistics are
/// refreshed at once.
const ANALYZE_AFTER: usize = 1_000;
