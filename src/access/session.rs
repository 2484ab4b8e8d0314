//! The console's people: one-time sign-in links and the sessions they open. A link token and
//! a session id are 256 random bits handed to a person once; only their SHA-256 is stored, so
//! that a copy of the database opens nothing.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::fmt;

/// 256 random bits.
const SECRET_BYTES: usize = 32;

/// A random secret handed to a browser (a session id, a CSRF token) or printed in a link;
/// URL-safe text.
#[derive(Clone, PartialEq, Eq)]
pub struct BrowserSecret(String);

impl BrowserSecret {
    /// A new secret from the operating system's random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self(hex(&bytes)))
    }

    /// A secret as a browser presented it; `None` for anything that cannot be one.
    pub fn presented(text: &str) -> Option<Self> {
        (text.len() == SECRET_BYTES * 2 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(text.to_ascii_lowercase()))
    }

    /// The secret as text, to hand over once.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// What is stored of it.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for BrowserSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BrowserSecret(…)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How a person signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    /// A one-time link printed by `faultcast login-link` on the daemon's host.
    Link,
    /// The operator's OpenID Connect provider.
    Oidc,
    /// A link emailed to an organisation's portal admin.
    Email,
}

impl SignInMethod {
    /// As stored.
    pub fn code(self) -> &'static str {
        match self {
            SignInMethod::Link => "link",
            SignInMethod::Oidc => "oidc",
            SignInMethod::Email => "email",
        }
    }

    /// From the stored code.
    pub fn parse(code: &str) -> Result<Self, String> {
        match code {
            "link" => Ok(SignInMethod::Link),
            "oidc" => Ok(SignInMethod::Oidc),
            "email" => Ok(SignInMethod::Email),
            other => Err(format!("`{other}` is not a sign-in method")),
        }
    }
}

/// A signed-in person's session, as stored (without its id, of which only the hash is kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleSession {
    /// The SHA-256 of the session id.
    pub id_hash: String,
    /// Who: the sign-in link's label, or the identity provider's name and subject.
    pub person: String,
    pub method: SignInMethod,
    /// The token every form of this session carries.
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The console's language for this person (remembered across their sessions).
    pub lang: crate::registry::Language,
    /// Whom the session serves.
    pub scope: SessionScope,
}

/// Whom a session serves: an operator in the console, or one organisation's portal admin
/// in the portal. Each side's pages open only sessions of their own scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionScope {
    Operator,
    /// Limited to `org`, opened for its contact `contact` (who must stay a portal admin).
    Portal {
        org: crate::registry::OrgId,
        contact: crate::registry::ContactId,
    },
}

/// A sign-in through the identity provider between the browser's leaving and its return:
/// what the return must match. Kept server-side, under the hash of a cookie of the browser
/// that left.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// The `state` the provider must send back.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
}

impl fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PendingSignIn(…)")
    }
}

/// A printed sign-in link, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginLink {
    pub label: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// What using a sign-in link did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkUse {
    /// The link was spent and this session opened.
    SignedIn(ConsoleSession),
    /// Past its time: nothing happened.
    Expired,
    /// Spent before (or never issued): nothing happened.
    Spent,
}

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionRules {
    /// Ends a session this long after its last request.
    pub idle: Duration,
    /// Ends a session this long after sign-in.
    pub max_age: Duration,
    /// How long a printed sign-in link stays valid.
    pub link_valid: Duration,
}

impl Default for SessionRules {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            max_age: Duration::hours(12),
            link_valid: Duration::minutes(15),
        }
    }
}

impl SessionRules {
    /// Whether `s` is still open at `now`.
    pub fn is_open(&self, s: &ConsoleSession, now: DateTime<Utc>) -> bool {
        now < s.last_seen_at + self.idle && now < s.created_at + self.max_age
    }
}

/// A sign-in link's label: who it is for, as the audit log will name them.
pub fn link_label(text: &str) -> Result<String, String> {
    crate::validation::plain_text(text, MAX_LABEL_LEN)
}

/// Labels are names with a role, e.g. "Anna (support)".
pub const MAX_LABEL_LEN: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_random_and_only_its_hash_is_kept() {
        let a = BrowserSecret::generate().unwrap();
        let b = BrowserSecret::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.reveal().len(), 64);
        assert_ne!(a.hash(), a.reveal());
        assert_eq!(BrowserSecret::presented(a.reveal()), Some(a.clone()));
        assert_eq!(BrowserSecret::presented("short"), None);
        assert_eq!(BrowserSecret::presented(&"z".repeat(64)), None);
        assert!(!format!("{a:?}").contains(a.reveal()));
    }

    #[test]
    fn a_session_ends_when_idle_and_at_its_maximum_age() {
        let t = Utc::now();
        let rules = SessionRules::default();
        let s = ConsoleSession {
            id_hash: "h".into(),
            person: "Anna".into(),
            method: SignInMethod::Link,
            csrf: "c".into(),
            created_at: t,
            last_seen_at: t,
            lang: crate::registry::Language::Fi,
            scope: SessionScope::Operator,
        };
        assert!(rules.is_open(&s, t + Duration::minutes(29)));
        assert!(!rules.is_open(&s, t + Duration::minutes(30)));
        let busy = ConsoleSession {
            last_seen_at: t + Duration::hours(12),
            ..s
        };
        assert!(!rules.is_open(&busy, t + Duration::hours(12)));
    }
}
