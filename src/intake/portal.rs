//! The organisation portal's sign-in: a portal admin asks for a link with their address, the
//! link comes by email in their language, and only its button's POST signs them in, once.

use super::console::{random, short};
use super::{Intake, IntakeError, IntakeResult};
use crate::access::{Actor, BrowserSecret, ConsoleSession, LinkPurpose, LinkRefusal, VerifiedLink};
use crate::registry::{ContactId, EmailAddress, Language, OrgId, PortalAdmin};
use crate::store::{NewSystemMessage, PortalSignInUse};
use crate::validation::FieldErrors;

/// What a portal sign-in link is, before it is used.
#[derive(Debug)]
pub enum PortalLink {
    /// Usable: it signs `admin` in.
    Valid(PortalAdmin),
    /// Past its time.
    Expired,
    /// Used before.
    Spent,
    /// Not ours, altered, made for something else, or its contact is no longer a portal admin.
    Invalid,
}

/// What using a portal sign-in link did.
#[derive(Debug)]
pub enum PortalSignIn {
    /// A session was opened; its id goes to the browser once.
    Opened {
        secret: BrowserSecret,
        session: ConsoleSession,
    },
    /// The link could not be used (and nothing happened): why.
    Refused(PortalLink),
}

fn subject(org: OrgId, contact: ContactId) -> String {
    format!("{}:{}", org.to_text(), contact.to_text())
}

fn nonce_text(v: &VerifiedLink) -> String {
    v.nonce.iter().map(|b| format!("{b:02x}")).collect()
}

impl Intake {
    /// Sends a sign-in link to every portal admin with the address `email` (one per
    /// organisation they administer). The caller learns nothing of whether there was one:
    /// only an address that is not one at all is an error.
    pub async fn request_portal_link(&self, email: &str) -> IntakeResult<()> {
        let email =
            EmailAddress::parse(email.trim()).map_err(|e| FieldErrors::single("email", e))?;
        let admins = self.store.portal_admins_by_email(&email).await?;
        let mut messages = Vec::with_capacity(admins.len());
        for admin in &admins {
            let expires_at = self.now() + self.sessions.link_valid;
            let token = self
                .link_key()?
                .sign(
                    LinkPurpose::PortalSignIn,
                    &subject(admin.org, admin.contact),
                    expires_at,
                )
                .map_err(|e| IntakeError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
            let link = format!(
                "{}/portal/link?t={token}&lang={}",
                self.public_url,
                admin.language.code()
            );
            let minutes = self.sessions.link_valid.num_minutes();
            let (subject, body) = sign_in_message(admin, &link, minutes);
            messages.push(NewSystemMessage {
                // Each link is its own message: the token's first characters differ per link.
                dedup_key: format!("portal-sign-in:{}", &token[..token.len().min(40)]),
                kind: "portal-sign-in",
                recipient: admin.email.as_str().to_owned(),
                contact_id: Some(admin.contact.to_text()),
                subject,
                body,
                ..Default::default()
            });
        }
        tracing::info!(links = messages.len(), "portal sign-in link asked for");
        if !messages.is_empty() {
            self.store.enqueue_messages(&messages, self.now()).await?;
            self.outbox.notify_waiters();
        }
        Ok(())
    }

    /// The link `token` was verified for; what it would do.
    async fn portal_link_of(
        &self,
        token: &str,
    ) -> IntakeResult<Result<(VerifiedLink, PortalAdmin), PortalLink>> {
        let verified = match self
            .link_key()?
            .verify(LinkPurpose::PortalSignIn, token, self.now())
        {
            Ok(v) => v,
            Err(LinkRefusal::Expired) => return Ok(Err(PortalLink::Expired)),
            Err(LinkRefusal::Invalid) => return Ok(Err(PortalLink::Invalid)),
        };
        let ids = verified
            .subject
            .split_once(':')
            .and_then(|(o, c)| Some((OrgId::parse(o)?, ContactId::parse(c)?)));
        let Some((org, contact)) = ids else {
            return Ok(Err(PortalLink::Invalid));
        };
        if self.store.link_used(&nonce_text(&verified)).await? {
            return Ok(Err(PortalLink::Spent));
        }
        match self.store.portal_admin(org, contact).await? {
            Some(admin) => Ok(Ok((verified, admin))),
            None => Ok(Err(PortalLink::Invalid)),
        }
    }

    /// What the portal sign-in link `token` would do (a GET: nothing is spent).
    pub async fn portal_link(&self, token: &str) -> IntakeResult<PortalLink> {
        Ok(match self.portal_link_of(token).await? {
            Ok((_, admin)) => PortalLink::Valid(admin),
            Err(why) => why,
        })
    }

    /// Spends the portal sign-in link `token` and opens a session limited to its
    /// organisation, in `lang` unless its contact chose a language before.
    pub async fn sign_in_portal(
        &self,
        token: &str,
        request_id: &str,
        lang: Language,
    ) -> IntakeResult<PortalSignIn> {
        let (verified, admin) = match self.portal_link_of(token).await? {
            Ok(found) => found,
            Err(why) => return Ok(PortalSignIn::Refused(why)),
        };
        let secret = random()?;
        let csrf = random()?;
        let id_hash = secret.hash();
        let actor = Actor::contact(admin.contact, admin.org, request_id.to_owned());
        let audit = self.event(
            &actor,
            "portal.sign_in",
            "portal_session",
            short(&id_hash),
            Some(admin.org.to_text()),
        );
        let used = self
            .store
            .sign_in_portal(
                (&nonce_text(&verified), verified.expires_at),
                (&id_hash, csrf.reveal()),
                &admin,
                (self.now(), lang),
                &audit,
            )
            .await?;
        Ok(match used {
            PortalSignInUse::Opened(session) => {
                tracing::info!(method = "email", "portal sign-in");
                PortalSignIn::Opened { secret, session }
            }
            PortalSignInUse::Spent => PortalSignIn::Refused(PortalLink::Spent),
            PortalSignInUse::NotAdmin => PortalSignIn::Refused(PortalLink::Invalid),
        })
    }
}

/// The sign-in email to `admin`, in their language.
fn sign_in_message(admin: &PortalAdmin, link: &str, minutes: i64) -> (String, String) {
    let (name, org) = (&admin.name, &admin.org_name);
    match admin.language {
        Language::Sv => (
            format!("Inloggningslänk till organisationsportalen: {org}"),
            format!(
                "Hej {name},\n\nmed den här länken loggar du in i organisationsportalen för {org}, där ni \
                 håller mottagarna av drift- och störningsmeddelanden aktuella. Länken fungerar en gång \
                 och i {minutes} minuter:\n\n{link}\n\nOm du inte bad om länken kan du lämna meddelandet utan åtgärd."
            ),
        ),
        Language::En => (
            format!("Sign-in link to the organisation portal: {org}"),
            format!(
                "Hello {name},\n\nthis link signs you in to the organisation portal of {org}, where you keep \
                 the recipients of fault and maintenance notices current. It works once, for {minutes} \
                 minutes:\n\n{link}\n\nIf you did not ask for it, you can ignore this message."
            ),
        ),
        Language::Fi => (
            format!("Kirjautumislinkki organisaatioportaaliin: {org}"),
            format!(
                "Hei {name},\n\ntällä linkillä kirjaudut organisaation {org} portaaliin, jossa pidätte \
                 häiriö- ja huoltotiedotteiden vastaanottajat ajan tasalla. Linkki toimii kerran ja \
                 {minutes} minuutin ajan:\n\n{link}\n\nJos et pyytänyt linkkiä, voit jättää viestin huomiotta."
            ),
        ),
    }
}
