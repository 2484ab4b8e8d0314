//! The console's sign-in links and sessions, by the hashes of their secrets.

use super::audit::insert_audit;
use super::error::decode;
use super::sql::{Conn, Sql};
use super::turns::Writer;
use super::{AuditEvent, Store, StoreResult};
use crate::access::{ConsoleSession, LinkUse, LoginLink, SessionScope, SignInMethod};
use crate::registry::{ContactId, Language, OrgId};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct LinkRow {
    label: String,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    person: String,
    method: String,
    csrf: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    lang: String,
    org_id: Option<String>,
    contact_id: Option<String>,
}

impl SessionRow {
    fn decode(self) -> StoreResult<ConsoleSession> {
        let scope = match (self.org_id, self.contact_id) {
            (Some(org), Some(contact)) => SessionScope::Portal {
                org: decode(
                    "console_sessions.org_id",
                    OrgId::parse(&org).ok_or_else(|| "not a uuid".to_owned()),
                )?,
                contact: decode(
                    "console_sessions.contact_id",
                    ContactId::parse(&contact).ok_or_else(|| "not a uuid".to_owned()),
                )?,
            },
            _ => SessionScope::Operator,
        };
        Ok(ConsoleSession {
            scope,
            method: decode("console_sessions.method", SignInMethod::parse(&self.method))?,
            id_hash: self.id_hash,
            person: self.person,
            csrf: self.csrf,
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            lang: decode("console_sessions.lang", Language::parse(&self.lang))?,
        })
    }
}

/// A new session in `c`: `person` gets the language they chose before, else `lang`.
pub(super) async fn insert_session(
    c: &mut Conn<'_>,
    (id_hash, csrf): (&str, &str),
    (person, scope): (&str, SessionScope),
    method: SignInMethod,
    (now, lang): (DateTime<Utc>, Language),
) -> StoreResult<ConsoleSession> {
    let chosen: Option<(String,)> = c
        .fetch_optional(Sql::new("SELECT lang FROM console_people WHERE person = $1").bind(person))
        .await?;
    let lang = chosen
        .and_then(|(l,)| Language::parse(&l).ok())
        .unwrap_or(lang);
    let sql = "INSERT INTO console_sessions (id_hash, person, method, csrf, created_at, last_seen_at, lang, org_id, contact_id) \
               VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)";
    let (org, contact) = match scope {
        SessionScope::Operator => (None, None),
        SessionScope::Portal { org, contact } => (Some(org.to_text()), Some(contact.to_text())),
    };
    c.execute(
        Sql::new(sql)
            .bind(id_hash)
            .bind(person)
            .bind(method.code())
            .bind(csrf)
            .bind(now)
            .bind(lang.code())
            .bind(org)
            .bind(contact),
    )
    .await?;
    Ok(ConsoleSession {
        scope,
        id_hash: id_hash.to_owned(),
        person: person.to_owned(),
        method,
        csrf: csrf.to_owned(),
        created_at: now,
        last_seen_at: now,
        lang,
    })
}

impl Store {
    /// Stores a new sign-in link for `label`, by the hash of its token.
    #[tracing::instrument(skip_all)]
    pub async fn insert_login_link(
        &self,
        token_hash: &str,
        label: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO console_links (token_hash, label, created_at, expires_at, used_at) \
                   VALUES ($1, $2, $3, $4, NULL)";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        c.execute(
            Sql::new(sql)
                .bind(token_hash)
                .bind(label)
                .bind(now)
                .bind(expires_at),
        )
        .await?;
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The sign-in link with this token hash, if one was issued.
    pub async fn login_link(&self, token_hash: &str) -> StoreResult<Option<LoginLink>> {
        let sql = "SELECT label, expires_at, used_at FROM console_links WHERE token_hash = $1";
        let row: Option<LinkRow> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(token_hash))
            .await?;
        Ok(row.map(|r| LoginLink {
            label: r.label,
            expires_at: r.expires_at,
            used_at: r.used_at,
        }))
    }

    /// Spends the link with `token_hash` and opens a session for its label in one
    /// transaction: a link opens one session at most, however many requests race for it.
    /// `audit` names the signed-in person.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in_by_link(
        &self,
        token_hash: &str,
        session: (&str, &str),
        (now, lang): (DateTime<Utc>, Language),
        audit: impl FnOnce(&str) -> AuditEvent,
    ) -> StoreResult<LinkUse> {
        let spend = "UPDATE console_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL \
                     AND expires_at > $2 RETURNING label";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let label: Option<(String,)> = c
            .fetch_optional(Sql::new(spend).bind(token_hash).bind(now))
            .await?;
        let Some((label,)) = label else {
            // Nothing was changed: the transaction ends (rolled back) before the read.
            drop(tx);
            let link = self.login_link(token_hash).await?;
            return Ok(match link {
                Some(l) if l.used_at.is_none() && l.expires_at <= now => LinkUse::Expired,
                _ => LinkUse::Spent,
            });
        };
        let opened = insert_session(
            &mut c,
            session,
            (&label, SessionScope::Operator),
            SignInMethod::Link,
            (now, lang),
        )
        .await?;
        insert_audit(&mut c, &audit(&label)).await?;
        tx.commit().await?;
        Ok(LinkUse::SignedIn(opened))
    }

    /// The session with this id hash, open or not; a portal session only while its contact
    /// is still a portal admin of its organisation.
    pub async fn console_session(&self, id_hash: &str) -> StoreResult<Option<ConsoleSession>> {
        let sql = "SELECT s.id_hash, s.person, s.method, s.csrf, s.created_at, s.last_seen_at, s.lang, \
                   s.org_id, s.contact_id FROM console_sessions s WHERE s.id_hash = $1 \
                   AND (s.contact_id IS NULL OR EXISTS (SELECT 1 FROM contacts c \
                        WHERE c.id = s.contact_id AND c.org_id = s.org_id AND c.portal_admin))";
        let row: Option<SessionRow> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(id_hash))
            .await?;
        row.map(SessionRow::decode).transpose()
    }

    /// Records a request of the session at `now` (its idle time starts again).
    pub async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let sql = "UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1";
        self.write(Writer::Request)
            .await?
            .conn()
            .execute(Sql::new(sql).bind(id_hash).bind(now))
            .await?;
        Ok(())
    }

    /// Sets the console language of `person`, for this session and the ones to come.
    #[tracing::instrument(skip_all)]
    pub async fn set_console_language(
        &self,
        id_hash: &str,
        person: &str,
        lang: Language,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let remember = "INSERT INTO console_people (person, lang, updated_at) VALUES ($1, $2, $3) \
                        ON CONFLICT (person) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        c.execute(Sql::new(remember).bind(person).bind(lang.code()).bind(now))
            .await?;
        c.execute(
            Sql::new("UPDATE console_sessions SET lang = $2 WHERE id_hash = $1")
                .bind(id_hash)
                .bind(lang.code()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends the session (on every daemon at once: the row is gone); false if it had ended.
    #[tracing::instrument(skip_all)]
    pub async fn end_session(&self, id_hash: &str, audit: &AuditEvent) -> StoreResult<bool> {
        let sql = "DELETE FROM console_sessions WHERE id_hash = $1";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let gone = c.execute(Sql::new(sql).bind(id_hash)).await? == 1;
        if gone {
            insert_audit(&mut c, audit).await?;
        }
        tx.commit().await?;
        Ok(gone)
    }

    /// Forgets sessions and links that can no longer be used (older than `before`).
    pub async fn purge_console(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let mut w = self.write(Writer::Background).await?;
        let c = w.conn();
        let sessions = c
            .execute(Sql::new("DELETE FROM console_sessions WHERE last_seen_at < $1").bind(before))
            .await?;
        let links = c
            .execute(Sql::new("DELETE FROM console_links WHERE expires_at < $1").bind(before))
            .await?;
        let sign_ins = c
            .execute(Sql::new("DELETE FROM console_sign_ins WHERE expires_at < $1").bind(before))
            .await?;
        let used = c
            .execute(Sql::new("DELETE FROM used_links WHERE expires_at < $1").bind(before))
            .await?;
        Ok(sessions + links + sign_ins + used)
    }
}
