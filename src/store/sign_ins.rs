//! Sign-ins through the identity provider in flight, and the sessions they open.

use super::audit::insert_audit;
use super::error::decode;
use super::sessions::insert_session;
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, Store, StoreResult};
use crate::access::{ConsoleSession, PendingSignIn, SessionScope, SignInMethod};
use crate::registry::Language;
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct PendingRow {
    state: String,
    nonce: String,
    verifier: String,
    lang: String,
    expires_at: DateTime<Utc>,
}

impl Store {
    /// Keeps what the browser's return from the provider must match, under `flow_hash`.
    #[tracing::instrument(skip_all)]
    pub async fn insert_sign_in(
        &self,
        flow_hash: &str,
        pending: &PendingSignIn,
        lang: Language,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO console_sign_ins (flow_hash, state, nonce, verifier, lang, expires_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        self.write(Writer::Request)
            .await?
            .conn()
            .execute(
                Sql::new(sql)
                    .bind(flow_hash)
                    .bind(pending.state.as_str())
                    .bind(pending.nonce.as_str())
                    .bind(pending.verifier.as_str())
                    .bind(lang.code())
                    .bind(expires_at),
            )
            .await?;
        Ok(())
    }

    /// Takes the sign-in kept under `flow_hash` (it is gone afterwards, used or not); `None`
    /// if there is none or it expired before `now`.
    #[tracing::instrument(skip_all)]
    pub async fn take_sign_in(
        &self,
        flow_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(PendingSignIn, Language)>> {
        let sql = "DELETE FROM console_sign_ins WHERE flow_hash = $1 \
                   RETURNING state, nonce, verifier, lang, expires_at";
        let row: Option<PendingRow> = self
            .write(Writer::Request)
            .await?
            .conn()
            .fetch_optional(Sql::new(sql).bind(flow_hash))
            .await?;
        let Some(row) = row.filter(|r| r.expires_at > now) else {
            return Ok(None);
        };
        let lang = decode("console_sign_ins.lang", Language::parse(&row.lang))?;
        Ok(Some((
            PendingSignIn {
                state: row.state,
                nonce: row.nonce,
                verifier: row.verifier,
            },
            lang,
        )))
    }

    /// Opens a session for `person`, signed in by `method` (in the language they chose
    /// before, else `lang`), with the audit record `audit`.
    #[tracing::instrument(skip_all)]
    pub async fn open_session(
        &self,
        session: (&str, &str),
        person: &str,
        method: SignInMethod,
        at: (DateTime<Utc>, Language),
        audit: &AuditEvent,
    ) -> StoreResult<ConsoleSession> {
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        let opened = insert_session(
            &mut c,
            session,
            (person, SessionScope::Operator),
            method,
            at,
        )
        .await?;
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(opened)
    }
}
