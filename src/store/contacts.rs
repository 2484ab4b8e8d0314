//! Contacts and their own service subscriptions.

use super::audit::insert_audit;
use super::contact_rows::{ContactRow, INSERT, UPDATE, select, with_draft};
use super::erasure::erase_contact_traces;
use super::idempotency::{claim_key, keep_answer, made};
use super::sql::{Conn, Sql};
use super::turns::Writer;
use super::{AuditEvent, DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult};
use crate::access::{Keep, Kept};
use crate::registry::{Contact, ContactDraft, ContactId, ContactSource, OrgId};
use chrono::{DateTime, Utc};

const DELETE: &str = "DELETE FROM contacts WHERE id = $1 AND org_id = $2";

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

/// Writes a draft's own service list (none when it follows the organisation's).
async fn write_services(conn: &mut Conn<'_>, id: ContactId, d: &ContactDraft) -> StoreResult<()> {
    let clear = "DELETE FROM contact_services WHERE contact_id = $1";
    conn.execute(Sql::new(clear).bind(id.to_text())).await?;
    for s in d.services.iter().flatten() {
        let add = "INSERT INTO contact_services (contact_id, service) VALUES ($1, $2)";
        conn.execute(Sql::new(add).bind(id.to_text()).bind(s.as_str()))
            .await?;
    }
    Ok(())
}

/// Inserts contact `id` of `org`.
async fn insert(
    conn: &mut Conn<'_>,
    org: OrgId,
    id: ContactId,
    d: &ContactDraft,
    source: ContactSource,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.execute(with_draft(INSERT, id, org, d).bind(source.code()).bind(now))
        .await?;
    write_services(conn, id, d).await
}

/// Overwrites contact `id` of `org`; false if it has no such contact.
async fn update(
    conn: &mut Conn<'_>,
    org: OrgId,
    id: ContactId,
    d: &ContactDraft,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    if conn
        .execute(with_draft(UPDATE, id, org, d).bind(now))
        .await?
        != 1
    {
        return Ok(false);
    }
    write_services(conn, id, d).await?;
    Ok(true)
}

/// Deletes contact `id` of `org` and erases its traces; false if it has no such contact.
async fn delete(conn: &mut Conn<'_>, org: OrgId, id: ContactId) -> StoreResult<bool> {
    if conn
        .execute(Sql::new(DELETE).bind(id.to_text()).bind(org.to_text()))
        .await?
        != 1
    {
        return Ok(false);
    }
    erase_contact_traces(conn, id).await?;
    Ok(true)
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
        made(
            self.insert_contact_keyed(org, id, d, source, now, audit, None)
                .await?,
        )
    }

    /// Adds a contact with its audit record, once per key of `keep`.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(skip_all, fields(org = %org, contact = %id))]
    pub async fn insert_contact_keyed(
        &self,
        org: OrgId,
        id: ContactId,
        d: &ContactDraft,
        source: ContactSource,
        now: DateTime<Utc>,
        audit: &AuditEvent,
        keep: Option<Keep<'_, Contact>>,
    ) -> StoreResult<Kept<Contact>> {
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, now).await? {
            return Ok(Kept::Earlier(earlier));
        }
        insert(&mut c, org, id, d, source, now).await?;
        insert_audit(&mut c, audit).await?;
        let contact = Contact {
            id,
            org_id: org,
            draft: d.clone(),
            source,
            email_verified_at: None,
            undeliverable_at: None,
            reviewed_at: now,
            created_at: now,
            updated_at: now,
        };
        keep_answer(&mut c, keep, &contact).await?;
        tx.commit().await?;
        Ok(Kept::Done(contact))
    }

    /// The contact `id` if it belongs to `org`.
    #[tracing::instrument(skip_all, fields(org = %org, contact = %id))]
    pub async fn get_contact(&self, org: OrgId, id: ContactId) -> StoreResult<Option<Contact>> {
        let mut c = self.read();
        let sql = format!("{} WHERE c.id = $1 AND c.org_id = $2", select(&c));
        let row: Option<ContactRow> = c
            .fetch_optional(Sql::new(sql).bind(id.to_text()).bind(org.to_text()))
            .await?;
        row.map(ContactRow::into_contact).transpose()
    }

    /// The contact `id`, whichever organisation's it is (for a link that names it).
    pub async fn contact_by_id(&self, id: ContactId) -> StoreResult<Option<Contact>> {
        let mut c = self.read();
        let sql = format!("{} WHERE c.id = $1", select(&c));
        let row: Option<ContactRow> = c.fetch_optional(Sql::new(sql).bind(id.to_text())).await?;
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
        let mut c = self.read();
        let sql = format!(
            "{} WHERE c.org_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3",
            select(&c)
        );
        let rows: Vec<ContactRow> = c
            .fetch_all(
                Sql::new(sql)
                    .bind(org.to_text())
                    .bind(cursor.unwrap_or(""))
                    .bind(i64::from(limit) + 1),
            )
            .await?;
        let items = rows
            .into_iter()
            .map(ContactRow::into_contact)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::cut(items, limit, |c| c.id.to_text()))
    }

    /// Every contact of `org` (for CSV export and import; lists are per organisation, small).
    #[tracing::instrument(skip_all, fields(org = %org))]
    pub async fn all_contacts(&self, org: OrgId) -> StoreResult<Vec<Contact>> {
        let mut c = self.read();
        let sql = format!("{} WHERE c.org_id = $1 ORDER BY c.id", select(&c));
        let rows: Vec<ContactRow> = c.fetch_all(Sql::new(sql).bind(org.to_text())).await?;
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
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if !update(&mut c, org, id, d, now).await? {
            return Ok(false);
        }
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes contact `id` of `org`: the row goes, and with `secure_delete` its bytes too.
    #[tracing::instrument(skip_all, fields(org = %org, contact = %id))]
    pub async fn delete_contact(
        &self,
        org: OrgId,
        id: ContactId,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if !delete(&mut c, org, id).await? {
            return Ok(false);
        }
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(true)
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
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        for id in &plan.delete {
            delete(&mut c, org, *id).await?;
        }
        for (id, d) in &plan.update {
            update(&mut c, org, *id, d, now).await?;
        }
        for (id, d) in &plan.insert {
            insert(&mut c, org, *id, d, ContactSource::Import, now).await?;
        }
        insert_audit(&mut c, audit).await?;
        let dialect = c.dialect();
        tx.commit().await?;
        // Without fresh statistics PostgreSQL plans the fan-out's recipient query
        // over an imported registry as a hash join of every contact and a sort — 96 ms
        // a batch at 100,000 contacts instead of 0.2 ms — until autovacuum analyzes
        // the table. An import is rare and ANALYZE samples: refresh them at once.
        if dialect == super::Dialect::Postgres
            && plan.insert.len() + plan.delete.len() >= ANALYZE_AFTER
        {
            let analyze =
                "ANALYZE contacts, contact_services, organisations, organisation_services";
            self.write(Writer::Request)
                .await?
                .conn()
                .execute(Sql::new(analyze))
                .await?;
        }
        Ok(())
    }
}

/// Contacts added or removed by one import from which PostgreSQL's statistics are
/// refreshed at once.
const ANALYZE_AFTER: usize = 1_000;
