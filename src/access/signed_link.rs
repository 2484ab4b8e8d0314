//! Signed links in messages (console.md): an HMAC-SHA-256 over the purpose, the subject, the
//! expiry and a per-link nonce, base64url without padding. Each purpose has its own key,
//! derived from the one secret, so a link made for one purpose never validates for another.
//! A link that does not verify is simply invalid; one that verifies but is past its time says
//! so, so that the page can offer a new one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

const VERSION: u8 = 1;
const NONCE: usize = 16;
const MAC: usize = 32;
/// A subject is an id or two (`org:contact`), never free text.
pub const MAX_SUBJECT: usize = 200;

crate::codes::code_enum! {
    /// What a link is for.
    pub enum LinkPurpose {
        /// The monthly review: "every recipient is still current".
        StillCurrent = "still-current",
        /// Signs an organisation's portal admin in to the portal (single-use, 15 minutes).
        PortalSignIn = "portal-sign-in",
        /// "Received and passed on" for one delivery of an email.
        Acknowledge = "acknowledge",
        /// The same for one delivery of an SMS, as a short code.
        AcknowledgeSms = "acknowledge-sms",
        /// "This address is right": verifies one contact's email address (as it is now).
        VerifyAddress = "verify-address",
        /// The envelope sender of one email delivery (VERP): a bounce names it.
        Bounce = "bounce",
    }
}

/// Why a link was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRefusal {
    /// Not a link of ours for this purpose (mistyped, altered, or for something else).
    Invalid,
    /// Ours, but past its time.
    Expired,
}

/// A link that verified: what it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedLink {
    pub subject: String,
    pub expires_at: DateTime<Utc>,
    /// Per link; single-use purposes record it when used.
    pub nonce: [u8; NONCE],
}

/// The secret that signs links; its text never leaves this type.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    /// The key of a configured or stored secret (any text of 32 bytes or more).
    pub fn from_secret(secret: &str) -> Result<Self, String> {
        if secret.len() < 32 {
            return Err("must be at least 32 characters".into());
        }
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).map_err(|e| e.to_string())?;
        mac.update(b"faultcast signed links");
        Ok(Self(mac.finalize().into_bytes().into()))
    }

    fn mac(&self, purpose: LinkPurpose, signed: &[u8]) -> [u8; MAC] {
        let mut derive = HmacSha256::new_from_slice(&self.0).expect("any key length");
        derive.update(b"purpose:");
        derive.update(purpose.code().as_bytes());
        let key = derive.finalize().into_bytes();
        let mut mac = HmacSha256::new_from_slice(&key).expect("any key length");
        mac.update(signed);
        mac.finalize().into_bytes().into()
    }

    /// A link token for `purpose` about `subject`, valid until `expires_at`.
    pub fn sign(
        &self,
        purpose: LinkPurpose,
        subject: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<String, getrandom::Error> {
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce)?;
        let subject = &subject.as_bytes()[..subject.len().min(MAX_SUBJECT)];
        let mut bytes = vec![VERSION];
        bytes.extend_from_slice(&expires_at.timestamp().to_be_bytes());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(subject);
        let mac = self.mac(purpose, &bytes);
        bytes.extend_from_slice(&mac);
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// What the link `token` says, if it is ours for `purpose`, at `now`.
    pub fn verify(
        &self,
        purpose: LinkPurpose,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<VerifiedLink, LinkRefusal> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim())
            .map_err(|_| LinkRefusal::Invalid)?;
        let head = 1 + 8 + NONCE;
        if bytes.len() < head + MAC || bytes.len() > head + MAX_SUBJECT + MAC || bytes[0] != VERSION
        {
            return Err(LinkRefusal::Invalid);
        }
        let (signed, mac) = bytes.split_at(bytes.len() - MAC);
        if !bool::from(self.mac(purpose, signed).ct_eq(mac)) {
            return Err(LinkRefusal::Invalid);
        }
        let seconds =
            i64::from_be_bytes(signed[1..9].try_into().map_err(|_| LinkRefusal::Invalid)?);
        let expires_at = DateTime::from_timestamp(seconds, 0).ok_or(LinkRefusal::Invalid)?;
        let subject =
            String::from_utf8(signed[head..].to_vec()).map_err(|_| LinkRefusal::Invalid)?;
        if expires_at <= now {
            return Err(LinkRefusal::Expired);
        }
        let mut nonce = [0u8; NONCE];
        nonce.copy_from_slice(&signed[9..head]);
        Ok(VerifiedLink {
            subject,
            expires_at,
            nonce,
        })
    }
}

/// The id bytes of a short code: ids below 2^48 (a delivery id grows by one per message).
const SHORT_ID: usize = 6;
/// The MAC bytes of a short code: 72 bits, beyond guessing at any rate a daemon answers.
const SHORT_MAC: usize = 9;

impl LinkKey {
    /// A short code for record `id` under `purpose`, for links that must be short (in an
    /// SMS): 20 characters, the id and a truncated MAC. It carries no expiry: the record it
    /// names says how long it is good for.
    pub fn short_code(&self, purpose: LinkPurpose, id: u64) -> Option<String> {
        let bytes = id.to_be_bytes();
        let (high, low) = bytes.split_at(8 - SHORT_ID);
        if high.iter().any(|b| *b != 0) {
            return None;
        }
        let mut out = low.to_vec();
        out.extend_from_slice(&self.mac(purpose, low)[..SHORT_MAC]);
        Some(URL_SAFE_NO_PAD.encode(out))
    }

    /// The same code in lowercase hexadecimal (30 characters), for where case may not
    /// survive: the local part of an envelope sender (VERP) is lowercased by some servers.
    pub fn short_hex(&self, purpose: LinkPurpose, id: u64) -> Option<String> {
        let code = URL_SAFE_NO_PAD.decode(self.short_code(purpose, id)?).ok()?;
        Some(code.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The record a hexadecimal short code of `purpose` names, if the code is ours.
    pub fn verify_short_hex(&self, purpose: LinkPurpose, hex: &str) -> Option<u64> {
        let hex = hex.trim();
        if hex.len() != 2 * (SHORT_ID + SHORT_MAC) || !hex.is_ascii() {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .collect();
        self.verify_short_code(purpose, &URL_SAFE_NO_PAD.encode(bytes?))
    }

    /// The record a short code of `purpose` names, if the code is ours.
    pub fn verify_short_code(&self, purpose: LinkPurpose, code: &str) -> Option<u64> {
        let bytes = URL_SAFE_NO_PAD.decode(code.trim()).ok()?;
        if bytes.len() != SHORT_ID + SHORT_MAC {
            return None;
        }
        let (id, mac) = bytes.split_at(SHORT_ID);
        if !bool::from(self.mac(purpose, id)[..SHORT_MAC].ct_eq(mac)) {
            return None;
        }
        let mut full = [0u8; 8];
        full[8 - SHORT_ID..].copy_from_slice(id);
        Some(u64::from_be_bytes(full))
    }
}

#[cfg(test)]
#[path = "signed_link_tests.rs"]
mod tests;
