//! Unit tests of `signed_link.rs`.
use super::*;
use chrono::Duration;

fn key() -> LinkKey {
    LinkKey::from_secret("a test secret of at least thirty-two characters").unwrap()
}

#[test]
fn a_link_verifies_for_its_purpose_until_its_time_and_says_when_it_expired() {
    let now = Utc::now();
    let k = key();
    let t = k
        .sign(
            LinkPurpose::StillCurrent,
            "org:contact",
            now + Duration::days(30),
        )
        .unwrap();
    let v = k.verify(LinkPurpose::StillCurrent, &t, now).unwrap();
    assert_eq!(v.subject, "org:contact");
    assert_eq!(
        k.verify(LinkPurpose::StillCurrent, &t, now + Duration::days(31)),
        Err(LinkRefusal::Expired)
    );
    let other = LinkKey::from_secret("another secret of at least thirty-two characters").unwrap();
    assert_eq!(
        other.verify(LinkPurpose::StillCurrent, &t, now),
        Err(LinkRefusal::Invalid)
    );
    assert_ne!(
        k.sign(LinkPurpose::StillCurrent, "org:contact", now)
            .unwrap(),
        t,
        "a nonce per link"
    );
    assert!(LinkKey::from_secret("short").is_err());
    assert!(!format!("{k:?}").contains("secret"));
}

#[test]
fn a_hundred_thousand_altered_links_are_all_refused() {
    let now = Utc::now();
    let k = key();
    let t = k
        .sign(
            LinkPurpose::StillCurrent,
            "01a2-org:01a2-contact",
            now + Duration::days(1),
        )
        .unwrap();
    let raw = URL_SAFE_NO_PAD.decode(&t).unwrap();
    // A small deterministic generator: the same mutations on every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut accepted = 0;
    for i in 0..100_000 {
        let mut b = raw.clone();
        match i % 4 {
            0 => {
                let at = next() as usize % b.len();
                b[at] ^= 1 << (next() % 8);
            }
            1 => {
                let at = next() as usize % b.len();
                b[at] = next() as u8;
                let at2 = next() as usize % b.len();
                b[at2] = b[at2].wrapping_add(1);
            }
            2 => b.truncate(next() as usize % b.len()),
            _ => b.insert(next() as usize % b.len(), next() as u8),
        }
        if b != raw
            && k.verify(LinkPurpose::StillCurrent, &URL_SAFE_NO_PAD.encode(&b), now)
                .is_ok()
        {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 0);
    // Text mangled the way mail clients do: cut, padded, spaced.
    for bad in [
        &t[..t.len() - 1],
        &format!("{t}="),
        &format!("{t}A"),
        "",
        "!!!!",
    ] {
        assert!(
            k.verify(LinkPurpose::StillCurrent, bad, now).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn a_hexadecimal_short_code_survives_any_case() {
    let k = key();
    let hex = k.short_hex(LinkPurpose::Bounce, 77).unwrap();
    assert_eq!(hex.len(), 30);
    assert_eq!(k.verify_short_hex(LinkPurpose::Bounce, &hex), Some(77));
    assert_eq!(
        k.verify_short_hex(LinkPurpose::Bounce, &hex.to_uppercase()),
        Some(77)
    );
    assert_eq!(k.verify_short_hex(LinkPurpose::AcknowledgeSms, &hex), None);
    assert_eq!(k.verify_short_hex(LinkPurpose::Bounce, &hex[1..]), None);
    assert_eq!(
        k.verify_short_hex(LinkPurpose::Bounce, "ä".repeat(15).as_str()),
        None
    );
}

#[test]
fn a_short_code_names_its_record_for_its_purpose_only() {
    let k = key();
    let code = k.short_code(LinkPurpose::AcknowledgeSms, 123_456).unwrap();
    assert_eq!(code.len(), 20);
    assert_eq!(
        k.verify_short_code(LinkPurpose::AcknowledgeSms, &code),
        Some(123_456)
    );
    assert_eq!(k.verify_short_code(LinkPurpose::Acknowledge, &code), None);
    let other = LinkKey::from_secret("another secret of at least thirty-two chars").unwrap();
    assert_eq!(
        other.verify_short_code(LinkPurpose::AcknowledgeSms, &code),
        None
    );
    assert_eq!(k.short_code(LinkPurpose::AcknowledgeSms, 1 << 48), None);
    let mut bytes = code.into_bytes();
    for i in 0..bytes.len() {
        let was = bytes[i];
        bytes[i] = if was == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            k.verify_short_code(LinkPurpose::AcknowledgeSms, &altered),
            None,
            "{i}"
        );
        bytes[i] = was;
    }
}

#[test]
fn no_mutation_of_a_link_or_a_short_code_of_any_purpose_is_accepted_for_any_purpose() {
    let k = key();
    let now = Utc::now();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut tried = 0;
    for purpose in LinkPurpose::ALL {
        let token = k
            .sign(*purpose, "42:subject", now + Duration::days(1))
            .unwrap();
        let raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        let code = k.short_code(*purpose, 4_242).unwrap();
        let raw_code = URL_SAFE_NO_PAD.decode(&code).unwrap();
        for other in LinkPurpose::ALL.iter().filter(|p| *p != purpose) {
            assert!(
                k.verify(*other, &token, now).is_err(),
                "{purpose:?} as {other:?}"
            );
            assert_eq!(
                k.verify_short_code(*other, &code),
                None,
                "{purpose:?} as {other:?}"
            );
        }
        for _ in 0..10_000 {
            for (raw, long) in [(&raw, true), (&raw_code, false)] {
                let mut b = raw.clone();
                let at = next() as usize % b.len();
                b[at] ^= (next() % 255 + 1) as u8;
                let text = URL_SAFE_NO_PAD.encode(&b);
                for p in LinkPurpose::ALL {
                    let accepted = if long {
                        k.verify(*p, &text, now).is_ok()
                    } else {
                        k.verify_short_code(*p, &text).is_some()
                    };
                    assert!(
                        !accepted,
                        "a mutation of a {purpose:?} link passed as {p:?}"
                    );
                }
                tried += 1;
            }
        }
    }
    assert!(tried >= 100_000, "{tried}");
}
