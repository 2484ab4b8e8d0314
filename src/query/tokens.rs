//! Reads of the API tokens: who holds which, never the secret (only its hash is stored).

use super::{Query, id_cursor, require_operator};
use crate::access::{Actor, TokenRecord};
use crate::intake::IntakeResult;
use chrono::{DateTime, Utc};

/// A token as operators see it.
#[derive(Debug)]
pub struct TokenView {
    pub id: String,
    pub role: String,
    pub org_id: Option<String>,
    /// The organisation's name, for an `org_admin` token.
    pub org_name: Option<String>,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenView {
    fn new(t: TokenRecord, org_name: Option<String>) -> Self {
        Self {
            id: t.id.to_text(),
            role: t.role.code().to_owned(),
            org_id: t.org.map(|o| o.to_text()),
            org_name,
            label: t.label,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }

    /// Whether the token still opens the API at `now`.
    pub fn works_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// A page of tokens, newest first.
#[derive(Debug)]
pub struct TokenList {
    pub items: Vec<TokenView>,
    pub next_cursor: Option<String>,
}

impl Query {
    /// A page of the tokens, newest first (operators).
    pub async fn tokens(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> IntakeResult<TokenList> {
        require_operator(actor, "only operators list tokens")?;
        let page = self.store.list_tokens(id_cursor(cursor)?, limit).await?;
        Ok(TokenList {
            items: page
                .items
                .into_iter()
                .map(|(t, name)| TokenView::new(t, name))
                .collect(),
            next_cursor: page.next_cursor,
        })
    }
}
