//! Organisations and the services they use.

use super::audit::insert_audit;
use super::erasure::{erase_organisation_traces, forget_answers};
use super::error::{StoreError, decode};
use super::idempotency::{claim_key, keep_answer, made};
use super::services::{aggregated, split_services};
use super::sql::{Conn, Sql};
use super::turns::Writer;
use super::{AuditEvent, DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult, like_pattern};
use crate::access::{Keep, Kept};
use crate::registry::{
    Audience, BusinessId, Oid, OrgId, OrgState, Organisation, OrganisationDraft, OrganisationFields,
};
use chrono::{DateTime, Utc};

/// The organisations with their services, for `WHERE` clauses on `o`.
fn select(conn: &Conn<'_>) -> String {
    format!(
        "SELECT o.id, o.name, o.business_id, o.oid, o.audience, o.state, o.created_at, o.updated_at, {} \
         FROM organisations o",
        aggregated(conn.dialect(), "organisation_services", "org_id", "o")
    )
}

/// Replaces the organisation's services with `d`'s.
async fn write_services(conn: &mut Conn<'_>, id: OrgId, d: &OrganisationDraft) -> StoreResult<()> {
    let clear = "DELETE FROM organisation_services WHERE org_id = $1";
    conn.execute(Sql::new(clear).bind(id.to_text())).await?;
    for s in &d.services {
        let add = "INSERT INTO organisation_services (org_id, service) VALUES ($1, $2)";
        conn.execute(Sql::new(add).bind(id.to_text()).bind(s.as_str()))
            .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: String,
    name: String,
    business_id: String,
    oid: Option<String>,
    audience: String,
    state: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    services: Option<String>,
}

impl OrgRow {
    fn into_org(self) -> StoreResult<Organisation> {
        Ok(Organisation {
            id: decode(
                "organisations.id",
                OrgId::parse(&self.id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            draft: decode(
                "organisations",
                OrganisationDraft::restore(OrganisationFields {
                    name: self.name,
                    business_id: decode(
                        "organisations.business_id",
                        BusinessId::parse(&self.business_id),
                    )?,
                    oid: self
                        .oid
                        .map(|o| decode("organisations.oid", Oid::parse(&o)))
                        .transpose()?,
                    audience: decode("organisations.audience", Audience::parse(&self.audience))?,
                    services: split_services("organisation_services.service", self.services)?,
                    state: decode("organisations.state", OrgState::parse(&self.state))?,
                }),
            )?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// `sql` (INSERT or UPDATE) for organisation `id` with `d`'s fields ($2…$7) as of `now` ($8).
fn with_fields(sql: &'static str, id: OrgId, d: &OrganisationDraft, now: DateTime<Utc>) -> Sql {
    Sql::new(sql)
        .bind(id.to_text())
        .bind(&d.name)
        .bind(search_key(d))
        .bind(d.business_id.as_str())
        .bind(d.oid.as_ref().map(Oid::as_str))
        .bind(d.audience.code())
        .bind(d.state.code())
        .bind(now)
}

fn search_key(d: &OrganisationDraft) -> String {
    format!("{} {}", d.name.to_lowercase(), d.business_id)
}

impl Store {
    /// Stores a new organisation; `Duplicate("business_id")` if the business ID is taken.
    #[tracing::instrument(skip_all, fields(org = %id))]
    pub async fn insert_organisation(
        &self,
        id: OrgId,
        d: &OrganisationDraft,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<Organisation> {
        made(
            self.insert_organisation_keyed(id, d, now, audit, None)
                .await?,
        )
    }

    /// Stores a new organisation with its audit record, once per key of `keep`.
    #[tracing::instrument(skip_all, fields(org = %id))]
    pub async fn insert_organisation_keyed(
        &self,
        id: OrgId,
        d: &OrganisationDraft,
        now: DateTime<Utc>,
        audit: &AuditEvent,
        keep: Option<Keep<'_, Organisation>>,
    ) -> StoreResult<Kept<Organisation>> {
        let sql = "INSERT INTO organisations (id, name, search_key, business_id, oid, audience, state, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, now).await? {
            return Ok(Kept::Earlier(earlier));
        }
        c.execute(with_fields(sql, id, d, now))
            .await
            .map_err(|e| StoreError::unique(e, "business_id"))?;
        write_services(&mut c, id, d).await?;
        insert_audit(&mut c, audit).await?;
        let org = Organisation {
            id,
            draft: d.clone(),
            created_at: now,
            updated_at: now,
        };
        keep_answer(&mut c, keep, &org).await?;
        tx.commit().await?;
        Ok(Kept::Done(org))
    }

    /// The organisation with this id.
    #[tracing::instrument(skip_all, fields(org = %id))]
    pub async fn get_organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        let mut c = self.read();
        let sql = format!("{} WHERE o.id = $1", select(&c));
        let row: Option<OrgRow> = c.fetch_optional(Sql::new(sql).bind(id.to_text())).await?;
        row.map(OrgRow::into_org).transpose()
    }

    /// Organisations in creation order; `only` limits the list to one (an org_admin's own),
    /// `q` matches name or business ID case-insensitively.
    #[tracing::instrument(skip_all)]
    pub async fn list_organisations(
        &self,
        only: Option<OrgId>,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> StoreResult<Page<Organisation>> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let pattern = like_pattern(&q.unwrap_or("").trim().to_lowercase());
        let mut c = self.read();
        let sql = format!(
            "{} WHERE ($1 IS NULL OR o.id = $1) AND o.search_key LIKE $2 ESCAPE '\\' AND o.id > $3 ORDER BY o.id LIMIT $4",
            select(&c)
        );
        let rows: Vec<OrgRow> = c
            .fetch_all(
                Sql::new(sql)
                    .bind(only.map(OrgId::to_text))
                    .bind(pattern)
                    .bind(cursor.unwrap_or(""))
                    .bind(i64::from(limit) + 1),
            )
            .await?;
        let items = rows
            .into_iter()
            .map(OrgRow::into_org)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::cut(items, limit, |o| o.id.to_text()))
    }

    /// Replaces an organisation's fields and services. Contacts' own subscriptions to
    /// services the organisation no longer uses are dropped with them.
    #[tracing::instrument(skip_all, fields(org = %id))]
    pub async fn update_organisation(
        &self,
        id: OrgId,
        d: &OrganisationDraft,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let sql = "UPDATE organisations SET name = $2, search_key = $3, business_id = $4, oid = $5, audience = $6, state = $7, \
                   updated_at = $8 WHERE id = $1";
        let prune = "DELETE FROM contact_services WHERE contact_id IN (SELECT id FROM contacts WHERE org_id = $1) \
                     AND service NOT IN (SELECT service FROM organisation_services WHERE org_id = $1)";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let n = c
            .execute(with_fields(sql, id, d, now))
            .await
            .map_err(|e| StoreError::unique(e, "business_id"))?;
        if n != 1 {
            return Ok(false);
        }
        write_services(&mut c, id, d).await?;
        c.execute(Sql::new(prune).bind(id.to_text())).await?;
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes an organisation with its contacts (their personal data is erased) and tokens.
    #[tracing::instrument(skip_all, fields(org = %id))]
    pub async fn delete_organisation(&self, id: OrgId, audit: &AuditEvent) -> StoreResult<bool> {
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        erase_organisation_traces(&mut c, id).await?;
        let sql = "DELETE FROM organisations WHERE id = $1";
        if c.execute(Sql::new(sql).bind(id.to_text())).await? != 1 {
            return Ok(false);
        }
        // Answers kept for idempotent retries that mention the organisation (its contacts'
        // creation answers among them) go with it.
        forget_answers(&mut c, &id.to_text()).await?;
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
