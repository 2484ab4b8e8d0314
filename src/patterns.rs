//! The text each parser accepts, written as regular expressions for the API's document
//! (ECMA-262 syntax, which the `regex` crate reads the same way for these). Every pattern
//! accepts everything its parser accepts — the tests below hold each against its parser —
//! so a client that checks the document never refuses what the server would take; where a
//! rule cannot be a pattern (a check digit, an SMS's part count) the parser is stricter
//! and the document says so in words.

/// Control characters (Unicode Cc), which no text field may hold.
const CONTROL: &str = r"\x00-\x1F\x7F-\x9F";
/// Control characters but tab, line feed and carriage return (multi-line text).
const CONTROL_BUT_LINES: &str = r"\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F";
/// White space that is not a control character: what Rust's `trim` removes besides tab,
/// line breaks and NEL (Unicode White_Space).
const SPACE: &str = r" \xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// Everything `trim` removes (Unicode White_Space).
const TRIMMED: &str = r"\t\n\x0B\x0C\r\x85 \xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// `core` with anything `trim` removes around it.
fn padded(core: &str) -> String {
    format!("^[{TRIMMED}]*{core}[{TRIMMED}]*$")
}

/// Text that, trimmed, starts and ends with a visible character and holds no control
/// character but those `inner` allows.
fn text(inner_control: &str) -> String {
    let visible = format!("[^{CONTROL}{SPACE}]");
    padded(&format!("{visible}([^{inner_control}]*{visible})?"))
}

/// One line of text with something in it (names, labels, titles).
pub fn one_line() -> String {
    text(CONTROL)
}

/// Text of several lines (tabs and line breaks allowed) with something in it.
pub fn multi_line() -> String {
    text(CONTROL_BUT_LINES)
}

/// A Finnish business ID: seven digits, a hyphen, the check digit.
pub fn business_id() -> String {
    padded("[0-9]{7}-[0-9]")
}

/// A dotted-decimal OID with at least two arcs.
pub fn oid() -> String {
    padded(r"[0-9]+(\.[0-9]+)+")
}

/// A phone number as people write it: digits with spaces, `-`, `(`, `)`, `.` between
/// them and an optional leading `+`.
pub fn phone() -> String {
    padded(r"[ ().\-\xA0]*\+?[ ().\-\xA0]*[0-9][0-9 ().\-\xA0]*")
}

/// An email address: one `@` with no white space, control characters, `,`, `;`, `<` or `>`.
pub fn email() -> String {
    let part = format!("[^{CONTROL}{SPACE},;<>]+");
    padded(&format!("{part}@{part}"))
}

/// A calendar date in the service's years (`calendar::SERVICE_YEARS`; the parser checks the
/// instant in UTC), its month and day in range (the parser checks each month's days).
const DATE: &str = r"2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
/// Hours and minutes of a day.
const CLOCK: &str = r"([01][0-9]|2[0-3]):[0-5][0-9]";
/// Seconds (a leap second is refused: no answer could say it).
const SECOND: &str = r"[0-5][0-9]";
/// `Z` or an offset from UTC.
const OFFSET: &str = r"([Zz]|[+\-][0-9]{2}:[0-5][0-9])";

/// A time with an offset (RFC 3339): `2026-11-22T10:05:00Z`.
pub fn rfc3339() -> String {
    padded(&format!(r"{DATE}[Tt ]{CLOCK}:{SECOND}(\.[0-9]+)?{OFFSET}"))
}

/// A time with an offset, or a Helsinki local time without one (`2026-11-22T12:05`,
/// `2026-11-22 12:05:30`).
pub fn time() -> String {
    padded(&format!(
        r"{DATE}[Tt ]{CLOCK}(:{SECOND}(\.[0-9]+)?)?({OFFSET})?"
    ))
}

/// A client-chosen `Idempotency-Key`: 1–255 visible ASCII characters.
pub const IDEMPOTENCY_KEY: &str = r"^[!-~]{1,255}$";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Edge, HELSINKI, parse_time};
    use crate::registry::{BusinessId, EmailAddress, PhoneNumber};
    use crate::validation::plain_text;
    use proptest::prelude::*;

    fn re(p: &str) -> regex::Regex {
        regex::Regex::new(p).unwrap()
    }

    /// Strings that get near each parser's edges: digits, separators, white space of every
    /// kind, controls, letters and an `@`.
    fn near(alphabet: &'static str) -> impl Strategy<Value = String> {
        let chars: Vec<char> = alphabet.chars().collect();
        proptest::collection::vec(proptest::sample::select(chars), 0..40)
            .prop_map(|v| v.into_iter().collect())
    }

    const EDGES: &str =
        " \t\n\r\u{a0}\u{85}\u{2009}\u{3000}\u{feff}\u{1}\u{7f}-+().:@,;<>Zz T0123456789äx";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn text_patterns_accept_all_the_parser_accepts(s in near(EDGES)) {
            if plain_text(&s, 1000).is_ok() {
                prop_assert!(re(&one_line()).is_match(&s), "{s:?}");
            }
            let mut e = crate::validation::FieldErrors::new();
            let input = std::iter::once(("fi".to_owned(), s.clone())).collect();
            let out = crate::notices::localized("body", &input, &[], 1000, true, &mut e);
            if !out.is_empty() {
                prop_assert!(re(&multi_line()).is_match(&s), "{s:?}");
            }
            if crate::notices::SmsText::parse(&s).is_ok() {
                prop_assert!(re(&multi_line()).is_match(&s), "sms {s:?}");
            }
        }

        #[test]
        fn identifier_patterns_accept_all_the_parser_accepts(
            s in prop_oneof![
                near(EDGES).boxed(),
                r"[ \t\u{a0}]{0,2}[0-9]{7}-[0-9][ \n]{0,2}".boxed(),
                r"[ \t]{0,2}[+]?[ ()+.\-0-9\u{a0}]{1,20}[ \r]{0,2}".boxed(),
                r#"[ ]?[a-zA-Z0-9.!#%&'*+/=?^_`{|}~"ä-]{1,12}@[a-z0-9.\[\]ä-]{1,12}[ ]?"#.boxed(),
                r"[ ]?[0-9]{1,4}(\.[0-9]{1,4}){0,4}[ ]?".boxed(),
                r"[ \t]?20[0-9]{2}-[01][0-9]-[0-3][0-9][Tt ][0-2][0-9]:[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?(Z|z|[+-][01][0-9]:[0-5][0-9])?[ \n]?".boxed(),
            ]
        ) {
            if BusinessId::parse(&s).is_ok() {
                prop_assert!(re(&business_id()).is_match(&s), "{s:?}");
            }
            if PhoneNumber::parse(&s).is_ok() {
                prop_assert!(re(&phone()).is_match(&s), "{s:?}");
            }
            if EmailAddress::parse(&s).is_ok() {
                prop_assert!(re(&email()).is_match(&s), "{s:?}");
            }
            if crate::registry::Oid::parse(&s).is_ok() {
                prop_assert!(re(&oid()).is_match(&s), "{s:?}");
            }
            if parse_time(&s, HELSINKI, Edge::Start).is_ok() {
                prop_assert!(re(&time()).is_match(&s), "{s:?}");
            }
            if crate::calendar::parse_rfc3339(&s).is_ok() {
                prop_assert!(re(&rfc3339()).is_match(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn the_patterns_take_real_values_and_refuse_obvious_junk() {
        for (pattern, good, bad) in [
            (business_id(), " 0112038-9 ", "0112038"),
            (phone(), "040 123 4567", "040-CALL-ME"),
            (phone(), "+358 (40) 123.4567", "+"),
            (email(), "tuki@apteekki.fi", "tuki apteekki.fi"),
            (oid(), "1.2.246.10.1234567", "1"),
            (time(), "2026-11-22 12:05", "tomorrow"),
            (time(), "2026-11-22T10:05:00+02:00", "2026-11-22"),
            (rfc3339(), "2026-11-22T10:05:00Z", "2026-11-22T10:05"),
            (one_line(), "Häiriö", "   "),
            (one_line(), "Häiriö", "a\nb"),
            (multi_line(), "Rivi 1\nRivi 2", "\t\n"),
        ] {
            assert!(re(&pattern).is_match(good), "{pattern} {good}");
            assert!(!re(&pattern).is_match(bad), "{pattern} {bad}");
        }
        assert!(re(IDEMPOTENCY_KEY).is_match("a0b1-c2"));
        assert!(!re(IDEMPOTENCY_KEY).is_match("a b"));
    }
}
