//! Our stable reference of one delivery: the same for every attempt, so a duplicate can
//! be recognised (it is the SMS reference and the local part of the email Message-ID).

use super::notice::NoticeId;
use crate::registry::Channel;
use sha2::{Digest, Sha256};

/// `{notice}.{revision}.{channel}.{16 hex of SHA-256(address key)}`: no address in clear.
pub fn delivery_reference(
    notice: NoticeId,
    revision: i32,
    channel: Channel,
    address_key: &str,
) -> String {
    let h = Sha256::digest(address_key.as_bytes());
    let short: String = h.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{notice}.{revision}.{channel}.{short}")
}
