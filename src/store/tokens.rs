//! Stored API tokens (hashes only).

use super::audit::insert_audit;
use super::error::decode;
use super::idempotency::{claim_key, keep_answer, made};
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, DEFAULT_PAGE, MAX_PAGE, Page, Store, StoreResult};
use crate::access::{Keep, Kept};
use crate::access::{Role, SecretHash, TokenId, TokenRecord};
use crate::registry::OrgId;
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    secret_hash: String,
    role: String,
    org_id: Option<String>,
    label: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    token: TokenRow,
    org_name: Option<String>,
}

impl TokenRow {
    fn into_record(self) -> StoreResult<TokenRecord> {
        Ok(TokenRecord {
            id: decode(
                "tokens.id",
                TokenId::parse(&self.id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            hash: SecretHash::from_stored(self.secret_hash),
            role: decode("tokens.role", Role::parse(&self.role))?,
            org: match self.org_id {
                Some(o) => Some(decode(
                    "tokens.org_id",
                    OrgId::parse(&o).ok_or_else(|| "not a uuid".to_owned()),
                )?),
                None => None,
            },
            label: self.label,
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        })
    }
}

impl Store {
    /// Stores a new token's hash together with its audit record.
    #[tracing::instrument(skip_all, fields(token = %t.id))]
    pub async fn insert_token(&self, t: &TokenRecord, audit: &AuditEvent) -> StoreResult<()> {
        made(self.insert_token_keyed(t, audit, None).await?)
    }

    /// Stores a new token's hash with its audit record, once per key of `keep`.
    #[tracing::instrument(skip_all, fields(token = %t.id))]
    pub async fn insert_token_keyed(
        &self,
        t: &TokenRecord,
        audit: &AuditEvent,
        keep: Option<Keep<'_, ()>>,
    ) -> StoreResult<Kept<()>> {
        let sql = "INSERT INTO tokens (id, secret_hash, role, org_id, label, created_at, expires_at, revoked_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if let Some(earlier) = claim_key(&mut c, keep, t.created_at).await? {
            return Ok(Kept::Earlier(earlier));
        }
        c.execute(
            Sql::new(sql)
                .bind(t.id.to_text())
                .bind(t.hash.as_str())
                .bind(t.role.code())
                .bind(t.org.map(OrgId::to_text))
                .bind(&t.label)
                .bind(t.created_at)
                .bind(t.expires_at),
        )
        .await?;
        insert_audit(&mut c, audit).await?;
        keep_answer(&mut c, keep, &()).await?;
        tx.commit().await?;
        Ok(Kept::Done(()))
    }

    /// The token with this id, revoked or not.
    #[tracing::instrument(skip_all, fields(token = %id))]
    pub async fn find_token(&self, id: TokenId) -> StoreResult<Option<TokenRecord>> {
        let sql = "SELECT id, secret_hash, role, org_id, label, created_at, expires_at, revoked_at FROM tokens WHERE id = $1";
        let row: Option<TokenRow> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(id.to_text()))
            .await?;
        row.map(TokenRow::into_record).transpose()
    }

    /// Revokes a token; false if there is no such (unrevoked) token.
    #[tracing::instrument(skip_all, fields(token = %id))]
    pub async fn revoke_token(
        &self,
        id: TokenId,
        at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let sql = "UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let n = c.execute(Sql::new(sql).bind(id.to_text()).bind(at)).await?;
        if n != 1 {
            return Ok(false);
        }
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A page of tokens, newest first (ids are time-ordered), each with its organisation's
    /// name; `below` is the id to continue after.
    #[tracing::instrument(skip_all)]
    pub async fn list_tokens(
        &self,
        below: Option<&str>,
        limit: Option<u32>,
    ) -> StoreResult<Page<(TokenRecord, Option<String>)>> {
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let select = "SELECT t.id, t.secret_hash, t.role, t.org_id, t.label, t.created_at, t.expires_at, \
                      t.revoked_at, o.name AS org_name FROM tokens t LEFT JOIN organisations o ON o.id = t.org_id";
        let fetch = i64::from(limit) + 1;
        let sql = match below {
            Some(id) => Sql::new(format!(
                "{select} WHERE t.id < $1 ORDER BY t.id DESC LIMIT $2"
            ))
            .bind(id)
            .bind(fetch),
            None => Sql::new(format!("{select} ORDER BY t.id DESC LIMIT $1")).bind(fetch),
        };
        let rows: Vec<ListedRow> = self.read().fetch_all(sql).await?;
        let items = rows
            .into_iter()
            .map(|r| Ok((r.token.into_record()?, r.org_name)))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::cut(items, limit, |(t, _)| t.id.to_text()))
    }
}
