//! The organisation portal's sign-in: looking up portal admins by address, and spending a
//! single-use link while opening its session.

use super::audit::insert_audit;
use super::error::decode;
use super::sessions::insert_session;
use super::sql::Sql;
use super::turns::Writer;
use super::{AuditEvent, Store, StoreResult};
use crate::access::{ConsoleSession, SessionScope, SignInMethod};
use crate::registry::{ContactId, EmailAddress, Language, OrgId, PortalAdmin};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct AdminRow {
    id: String,
    name: String,
    email: String,
    language: String,
    org_id: String,
    org_name: String,
}

impl AdminRow {
    fn decode(self) -> StoreResult<PortalAdmin> {
        Ok(PortalAdmin {
            contact: decode(
                "contacts.id",
                ContactId::parse(&self.id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            name: self.name,
            email: decode("contacts.email", EmailAddress::parse(&self.email))?,
            language: decode("contacts.language", Language::parse(&self.language))?,
            org: decode(
                "contacts.org_id",
                OrgId::parse(&self.org_id).ok_or_else(|| "not a uuid".to_owned()),
            )?,
            org_name: self.org_name,
        })
    }
}

const ADMINS: &str = "SELECT c.id, c.name, c.email, c.language, c.org_id, o.name AS org_name \
     FROM contacts c JOIN organisations o ON o.id = c.org_id \
     WHERE c.portal_admin AND c.email IS NOT NULL";

/// What spending a single-use sign-in link did.
#[derive(Debug)]
pub enum PortalSignInUse {
    Opened(ConsoleSession),
    /// The link was used before.
    Spent,
    /// The contact is no longer a portal admin of the organisation.
    NotAdmin,
}

impl Store {
    /// The portal admins whose address is `email` (one per organisation they administer).
    #[tracing::instrument(skip_all)]
    pub async fn portal_admins_by_email(
        &self,
        email: &EmailAddress,
    ) -> StoreResult<Vec<PortalAdmin>> {
        let sql = format!("{ADMINS} AND c.email_key = $1 ORDER BY c.org_id");
        let rows: Vec<AdminRow> = self
            .read()
            .fetch_all(Sql::new(sql).bind(email.key()))
            .await?;
        rows.into_iter().map(AdminRow::decode).collect()
    }

    /// The portal admin `contact` of `org`, while they are one.
    #[tracing::instrument(skip_all)]
    pub async fn portal_admin(
        &self,
        org: OrgId,
        contact: ContactId,
    ) -> StoreResult<Option<PortalAdmin>> {
        let sql = format!("{ADMINS} AND c.id = $1 AND c.org_id = $2");
        let row: Option<AdminRow> = self
            .read()
            .fetch_optional(Sql::new(sql).bind(contact.to_text()).bind(org.to_text()))
            .await?;
        row.map(AdminRow::decode).transpose()
    }

    /// Whether the single-use link with `nonce` was used.
    pub async fn link_used(&self, nonce: &str) -> StoreResult<bool> {
        let row: Option<(String,)> = self
            .read()
            .fetch_optional(Sql::new("SELECT nonce FROM used_links WHERE nonce = $1").bind(nonce))
            .await?;
        Ok(row.is_some())
    }

    /// Spends the sign-in link with `nonce` (valid until `expires_at`) and opens a portal
    /// session for `admin`, in one transaction: a link opens one session at most, however
    /// many requests race for it, and only while its contact is still a portal admin.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in_portal(
        &self,
        (nonce, expires_at): (&str, DateTime<Utc>),
        session: (&str, &str),
        admin: &PortalAdmin,
        (now, lang): (DateTime<Utc>, Language),
        audit: &AuditEvent,
    ) -> StoreResult<PortalSignInUse> {
        let spend = "INSERT INTO used_links (nonce, purpose, used_at, expires_at) \
                     VALUES ($1, 'portal-sign-in', $2, $3) ON CONFLICT (nonce) DO NOTHING";
        let still = "SELECT id FROM contacts WHERE id = $1 AND org_id = $2 AND portal_admin";
        let mut tx = self.begin(Writer::Request).await?;
        let mut c = tx.conn();
        if c.execute(Sql::new(spend).bind(nonce).bind(now).bind(expires_at))
            .await?
            != 1
        {
            return Ok(PortalSignInUse::Spent);
        }
        let admin_now: Option<(String,)> = c
            .fetch_optional(
                Sql::new(still)
                    .bind(admin.contact.to_text())
                    .bind(admin.org.to_text()),
            )
            .await?;
        if admin_now.is_none() {
            return Ok(PortalSignInUse::NotAdmin);
        }
        let person = format!("contact:{}", admin.contact.to_text());
        let scope = SessionScope::Portal {
            org: admin.org,
            contact: admin.contact,
        };
        let opened = insert_session(
            &mut c,
            session,
            (&person, scope),
            SignInMethod::Email,
            (now, lang),
        )
        .await?;
        insert_audit(&mut c, audit).await?;
        tx.commit().await?;
        Ok(PortalSignInUse::Opened(opened))
    }
}
