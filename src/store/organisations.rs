//! Organisations and the services they use.

use super::audit::insert_audit;
use super::error::{StoreError, decode};
use super::{AuditEvent, DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult, like_pattern, on_db};
use crate::registry::{
    Audience, BusinessId, Oid, OrgId, OrgState, Organisation, OrganisationDraft, ServiceCode,
};
use chrono::{DateTime, Utc};

const SELECT_SQLITE: &str = "SELECT o.id, o.name, o.business_id, o.oid, o.audience, o.state, o.created_at, o.updated_at, \
     (SELECT group_concat(s.service, ',') FROM organisation_services s WHERE s.org_id = o.id) AS services \
     FROM organisations o";
const SELECT_POSTGRES: &str = "SELECT o.id, o.name, o.business_id, o.oid, o.audience, o.state, o.created_at, o.updated_at, \
     (SELECT string_agg(s.service, ',') FROM organisation_services s WHERE s.org_id = o.id) AS services \
     FROM organisations o";

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
            draft: OrganisationDraft {
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
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Splits an aggregated `a,b,c` list of service codes.
pub(crate) fn split_services(
    column: &str,
    joined: Option<String>,
) -> StoreResult<std::collections::BTreeSet<ServiceCode>> {
    joined
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| decode(column, ServiceCode::parse(s)))
        .collect()
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
        let sql = "INSERT INTO organisations (id, name, search_key, business_id, oid, audience, state, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
        let add = "INSERT INTO organisation_services (org_id, service) VALUES ($1, $2)";
        on_db!(writer self, |p, d_| {
            let mut tx = p.begin().await?;
            sqlx::query(sql)
                .bind(id.to_text())
                .bind(&d.name)
                .bind(search_key(d))
                .bind(d.business_id.as_str())
                .bind(d.oid.as_ref().map(Oid::as_str))
                .bind(d.audience.code())
                .bind(d.state.code())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "business_id"))?;
            for s in &d.services {
                sqlx::query(add)
                    .bind(id.to_text())
                    .bind(s.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            insert_audit!(tx, audit)?;
            tx.commit().await?;
        });
        Ok(Organisation {
            id,
            draft: d.clone(),
            created_at: now,
            updated_at: now,
        })
    }

    /// The organisation with this id.
    #[tracing::instrument(skip_all, fields(org = %id))]
    pub async fn get_organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        let row: Option<OrgRow> = on_db!(self, |p, d| {
            let sql = format!("{} WHERE o.id = $1", d.pick(SELECT_SQLITE, SELECT_POSTGRES));
            sqlx::query_as(&sql)
                .bind(id.to_text())
                .fetch_optional(p)
                .await?
        });
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
        let rows: Vec<OrgRow> = on_db!(self, |p, d| {
            let sql = format!(
                "{} WHERE ($1 IS NULL OR o.id = $1) AND o.search_key LIKE $2 ESCAPE '\\' AND o.id > $3 ORDER BY o.id LIMIT $4",
                d.pick(SELECT_SQLITE, SELECT_POSTGRES)
            );
            sqlx::query_as(&sql)
                .bind(only.map(OrgId::to_text))
                .bind(&pattern)
                .bind(cursor.unwrap_or(""))
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
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
        let clear = "DELETE FROM organisation_services WHERE org_id = $1";
        let add = "INSERT INTO organisation_services (org_id, service) VALUES ($1, $2)";
        let prune = "DELETE FROM contact_services WHERE contact_id IN (SELECT id FROM contacts WHERE org_id = $1) \
                     AND service NOT IN (SELECT service FROM organisation_services WHERE org_id = $1)";
        let found = on_db!(writer self, |p, d_| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(sql)
                .bind(id.to_text())
                .bind(&d.name)
                .bind(search_key(d))
                .bind(d.business_id.as_str())
                .bind(d.oid.as_ref().map(Oid::as_str))
                .bind(d.audience.code())
                .bind(d.state.code())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "business_id"))?
                .rows_affected();
            if n == 1 {
                sqlx::query(clear)
                    .bind(id.to_text())
                    .execute(&mut *tx)
                    .await?;
                for s in &d.services {
                    sqlx::query(add)
                        .bind(id.to_text())
                        .bind(s.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(prune)
                    .bind(id.to_text())
                    .execute(&mut *tx)
                    .await?;
                insert_audit!(tx, audit)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(found)
    }

    /// Deletes an organisation with its contacts (their personal data is erased) and tokens.
    #[tracing::instrument(skip_all, fields(org = %id))]
    pub async fn delete_organisation(&self, id: OrgId, audit: &AuditEvent) -> StoreResult<bool> {
        let sql = "DELETE FROM organisations WHERE id = $1";
        let erase = "UPDATE deliveries SET address = NULL, address_key = 'erased:' || CAST(id AS TEXT), \
                     last_error = CASE WHEN state IN ('pending', 'retry', 'sending') THEN 'recipient deleted' ELSE last_error END, \
                     state = CASE WHEN state IN ('pending', 'retry', 'sending') THEN 'failed' ELSE state END \
                     WHERE contact_id IN (SELECT id FROM contacts WHERE org_id = $1)";
        let found = on_db!(writer self, |p, d| {
            let mut tx = p.begin().await?;
            sqlx::query(erase)
                .bind(id.to_text())
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM system_messages WHERE contact_id IN (SELECT id FROM contacts WHERE org_id = $1)")
                .bind(id.to_text())
                .execute(&mut *tx)
                .await?;
            let n = sqlx::query(sql)
                .bind(id.to_text())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                // Answers kept for idempotent retries that mention the organisation (its
                // contacts' creation answers among them) go with it.
                sqlx::query(super::contacts::FORGET_ANSWERS)
                    .bind(format!("%{id}%"))
                    .execute(&mut *tx)
                    .await?;
                insert_audit!(tx, audit)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(found)
    }
}
