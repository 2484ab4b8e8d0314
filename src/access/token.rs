//! API tokens: random, shown once, stored only as a hash, compared in constant time.

use crate::codes::code_enum;
use crate::registry::OrgId;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;
use uuid::Uuid;

/// 256 random bits in the secret part; the floor set by the contract is 128.
const SECRET_BYTES: usize = 32;
/// Every token starts with this, so that leaked tokens are easy to find by secret scanners.
const TOKEN_PREFIX: &str = "fct_";

code_enum! {
    /// What a token may do.
    pub enum Role {
        /// Technical support: everything.
        Operator = "operator",
        /// One organisation: its own record, contacts and fault reports.
        OrgAdmin = "org_admin",
    }
}

/// A token's public id (the part before the secret); safe to log and to store in audit.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct TokenId(Uuid);

impl TokenId {
    /// Parses an id; `None` for anything that is not one.
    pub fn parse(s: &str) -> Option<Self> {
        Uuid::try_parse(s).ok().map(Self)
    }

    /// The id as text.
    pub fn to_text(self) -> String {
        self.0.to_string()
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenId({})", self.0)
    }
}

/// The SHA-256 of a token's secret part, hex-encoded, as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretHash(String);

impl SecretHash {
    /// Wraps a stored hash.
    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    /// The hex text, for storing.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares in constant time, so that response timing tells nothing about the secret.
    pub fn matches(&self, other: &SecretHash) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretHash(…)")
    }
}

/// A freshly generated token: the full text is shown once and never stored.
pub struct IssuedToken {
    pub id: TokenId,
    pub hash: SecretHash,
    text: String,
}

impl IssuedToken {
    /// Generates a new token from the operating system's random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut secret = [0u8; SECRET_BYTES];
        getrandom::fill(&mut secret)?;
        let secret_hex = to_hex(&secret);
        let id = TokenId(Uuid::now_v7());
        Ok(Self {
            id,
            hash: hash_secret(&secret_hex),
            text: format!("{TOKEN_PREFIX}{}_{secret_hex}", id.0.simple()),
        })
    }

    /// The token as the client must present it. Show it once; it cannot be recovered.
    pub fn reveal(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IssuedToken({:?})", self.id)
    }
}

/// A token as presented in `Authorization: Bearer …`, split into id and secret hash.
#[derive(Debug)]
pub struct PresentedToken {
    pub id: TokenId,
    pub hash: SecretHash,
}

impl PresentedToken {
    /// Splits `fct_<id>_<secret>`; `None` if it is not shaped like one of ours.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.trim().strip_prefix(TOKEN_PREFIX)?;
        let (id, secret) = rest.split_once('_')?;
        if id.len() != 32
            || secret.len() != SECRET_BYTES * 2
            || !secret.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return None;
        }
        Some(Self {
            id: TokenId(Uuid::try_parse(id).ok()?),
            hash: hash_secret(secret),
        })
    }
}

fn hash_secret(secret_hex: &str) -> SecretHash {
    SecretHash(to_hex(&Sha256::digest(secret_hex.as_bytes())))
}

fn to_hex(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_issued_token_parses_back_to_its_id_and_hash() {
        let t = IssuedToken::generate().unwrap();
        let p = PresentedToken::parse(t.reveal()).unwrap();
        assert_eq!(p.id, t.id);
        assert!(p.hash.matches(&t.hash));
    }

    #[test]
    fn tokens_carry_at_least_128_random_bits_and_differ() {
        let a = IssuedToken::generate().unwrap();
        let b = IssuedToken::generate().unwrap();
        assert_ne!(a.reveal(), b.reveal());
        let secret = a.reveal().rsplit('_').next().unwrap();
        assert!(secret.len() * 4 >= 128);
    }

    #[test]
    fn the_stored_hash_does_not_contain_the_token() {
        let t = IssuedToken::generate().unwrap();
        let secret = t.reveal().rsplit('_').next().unwrap();
        assert!(!t.hash.as_str().contains(secret));
        assert!(!format!("{t:?}").contains(secret));
    }

    #[test]
    fn a_changed_secret_does_not_match() {
        let t = IssuedToken::generate().unwrap();
        let mut text = t.reveal().to_owned();
        let last = text.pop().unwrap();
        text.push(if last == '0' { '1' } else { '0' });
        assert!(!PresentedToken::parse(&text).unwrap().hash.matches(&t.hash));
    }

    proptest! {
        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC{0,120}") {
            let _ = PresentedToken::parse(&s);
        }
    }
}

/// A token as stored: never the token itself.
#[derive(Clone, Debug)]
pub struct TokenRecord {
    pub id: TokenId,
    pub hash: SecretHash,
    pub role: Role,
    pub org: Option<OrgId>,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}
