//! The console's sign-in and sessions: one-time links printed on the daemon's host, and the
//! sessions they open.

use super::{Intake, IntakeError, IntakeResult};
use crate::access::{
    Actor, BrowserSecret, ConsoleSession, LinkUse, PendingSignIn, SignInMethod, link_label,
};
use crate::registry::Language;
use crate::validation::FieldErrors;
use chrono::{DateTime, Duration, Utc};

/// A session's last request is written down at most this often, not on every request: the
/// idle timeout is in minutes, and a write per page view would be wasted.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// How long a browser may take at the identity provider before its return is refused.
const PROVIDER_ROUND_TRIP: Duration = Duration::minutes(10);

/// What opening a sign-in link did.
#[derive(Debug)]
pub enum SignIn {
    /// A session was opened; its id goes to the browser once.
    Opened {
        secret: BrowserSecret,
        session: ConsoleSession,
    },
    /// The link is past its time.
    Expired,
    /// The link was used before, or never issued.
    Spent,
}

impl Intake {
    /// Issues a one-time sign-in link for `label` (operators, in practice the CLI on the
    /// daemon's host); answers the link's token and when it expires.
    pub async fn issue_login_link(
        &self,
        actor: &Actor,
        label: &str,
    ) -> IntakeResult<(BrowserSecret, DateTime<Utc>)> {
        if !actor.is_operator() {
            return Err(IntakeError::Forbidden("only operators issue sign-in links"));
        }
        let label = link_label(label).map_err(|e| FieldErrors::single("label", e))?;
        let token = random()?;
        let now = self.now();
        let expires_at = now + self.sessions.link_valid;
        let hash = token.hash();
        let audit = self.event(actor, "console.link", "console_link", short(&hash), None);
        self.store
            .insert_login_link(&hash, &label, now, expires_at, &audit)
            .await?;
        Ok((token, expires_at))
    }

    /// Spends the sign-in link `token` and opens a session for the person it names.
    /// `lang` is the session's language unless the person chose one before.
    pub async fn sign_in_by_link(
        &self,
        token: &str,
        request_id: &str,
        lang: Language,
    ) -> IntakeResult<SignIn> {
        let Some(token) = BrowserSecret::presented(token) else {
            return Ok(SignIn::Spent);
        };
        let secret = random()?;
        let csrf = random()?;
        let id_hash = secret.hash();
        let now = self.now();
        let audit = |person: &str| {
            let actor = Actor::person(person, request_id.to_owned());
            self.event(
                &actor,
                "console.sign_in",
                "console_session",
                short(&id_hash),
                None,
            )
        };
        let used = self
            .store
            .sign_in_by_link(&token.hash(), (&id_hash, csrf.reveal()), (now, lang), audit)
            .await?;
        Ok(match used {
            LinkUse::SignedIn(session) => {
                tracing::info!(method = "link", "console sign-in");
                SignIn::Opened { secret, session }
            }
            LinkUse::Expired => SignIn::Expired,
            LinkUse::Spent => SignIn::Spent,
        })
    }

    /// Keeps a sign-in through the identity provider until the browser returns; answers the
    /// secret of the browser's flow cookie, under whose hash it is kept.
    pub async fn begin_provider_sign_in(
        &self,
        pending: &PendingSignIn,
        lang: Language,
    ) -> IntakeResult<BrowserSecret> {
        let flow = random()?;
        let expires_at = self.now() + PROVIDER_ROUND_TRIP;
        self.store
            .insert_sign_in(&flow.hash(), pending, lang, expires_at)
            .await?;
        Ok(flow)
    }

    /// Takes the sign-in kept for the browser's flow cookie `presented`: usable once, and only
    /// within its time.
    pub async fn take_provider_sign_in(
        &self,
        presented: &str,
    ) -> IntakeResult<Option<(PendingSignIn, Language)>> {
        let Some(flow) = BrowserSecret::presented(presented) else {
            return Ok(None);
        };
        Ok(self.store.take_sign_in(&flow.hash(), self.now()).await?)
    }

    /// Opens a session for `person`, whom the identity provider vouched for as an operator.
    pub async fn sign_in_by_provider(
        &self,
        person: &str,
        request_id: &str,
        lang: Language,
    ) -> IntakeResult<(BrowserSecret, ConsoleSession)> {
        let secret = random()?;
        let csrf = random()?;
        let id_hash = secret.hash();
        let actor = Actor::person(person, request_id.to_owned());
        let audit = self.event(
            &actor,
            "console.sign_in",
            "console_session",
            short(&id_hash),
            None,
        );
        let session = self
            .store
            .open_session(
                (&id_hash, csrf.reveal()),
                person,
                SignInMethod::Oidc,
                (self.now(), lang),
                &audit,
            )
            .await?;
        tracing::info!(method = "oidc", "console sign-in");
        Ok((secret, session))
    }

    /// Records that `person` signed in at the identity provider but is not an operator.
    pub async fn refuse_provider_sign_in(
        &self,
        person: &str,
        request_id: &str,
    ) -> IntakeResult<()> {
        let actor = Actor::person(person, request_id.to_owned());
        let audit = self.event(
            &actor,
            "console.sign_in_refused",
            "console_session",
            String::new(),
            None,
        );
        self.store.append_audit(&audit).await?;
        tracing::info!(method = "oidc", "console sign-in refused: not an operator");
        Ok(())
    }

    /// The open session whose id the browser presented, if any; its idle time starts again.
    pub async fn resume_session(&self, presented: &str) -> IntakeResult<Option<ConsoleSession>> {
        let Some(secret) = BrowserSecret::presented(presented) else {
            return Ok(None);
        };
        let Some(mut session) = self.store.console_session(&secret.hash()).await? else {
            return Ok(None);
        };
        let now = self.now();
        if !self.sessions.is_open(&session, now) {
            return Ok(None);
        }
        if now - session.last_seen_at >= TOUCH_EVERY {
            self.store.touch_session(&session.id_hash, now).await?;
            session.last_seen_at = now;
        }
        Ok(Some(session))
    }

    /// Sets the console's language of the session's person, remembered for their next
    /// sessions too.
    pub async fn set_console_language(
        &self,
        session: &ConsoleSession,
        lang: Language,
    ) -> IntakeResult<()> {
        self.store
            .set_console_language(&session.id_hash, &session.person, lang, self.now())
            .await?;
        Ok(())
    }

    /// Ends `session` on every daemon at once.
    pub async fn sign_out(&self, session: &ConsoleSession, request_id: &str) -> IntakeResult<()> {
        let actor = Actor::person(&session.person, request_id.to_owned());
        let audit = self.event(
            &actor,
            "console.sign_out",
            "console_session",
            short(&session.id_hash),
            None,
        );
        self.store.end_session(&session.id_hash, &audit).await?;
        Ok(())
    }
}

pub(super) fn random() -> IntakeResult<BrowserSecret> {
    BrowserSecret::generate()
        .map_err(|e| IntakeError::Internal(anyhow::anyhow!("no randomness: {e}")))
}

/// Enough of a hash to tell records apart in the audit log, not enough to use.
pub(super) fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}
