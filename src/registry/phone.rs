//! Mobile phone numbers, stored as E.164; Finnish input is normalised.

use serde::Serialize;
use std::fmt;

/// E.164 allows at most 15 digits after the `+`.
const E164_MAX_DIGITS: usize = 15;
/// The shortest real numbering plans give 8 digits in all (country code included).
const E164_MIN_DIGITS: usize = 8;

/// A phone number in E.164 form, e.g. `+358401234567`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Normalises and validates. Finnish numbers must be mobiles (national part starting
    /// with 4 or 50, 7–10 digits); other countries' numbers must be structurally valid E.164.
    pub fn parse(input: &str) -> Result<Self, String> {
        let cleaned: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{a0}'))
            .collect();
        if cleaned.is_empty() {
            return Err("must not be empty".into());
        }
        let (plus, digits) = match cleaned.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(
                "may contain only digits, spaces, '-', '(', ')', '.' and a leading '+'".into(),
            );
        }
        let international = if plus {
            digits.to_owned()
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if digits.starts_with("358") {
            digits.to_owned()
        } else if let Some(rest) = digits.strip_prefix('0') {
            format!("358{rest}")
        } else {
            return Err("must be a Finnish mobile number (04x…, 050…) or an international number starting with + or 00".into());
        };
        if let Some(national) = international.strip_prefix("358") {
            let national = national.strip_prefix('0').unwrap_or(national);
            let mobile = national.starts_with('4') || national.starts_with("50");
            if !mobile || !(7..=10).contains(&national.len()) {
                return Err("is not a Finnish mobile number (the national part must start with 4 or 50 and have 7–10 digits)".into());
            }
            return Ok(Self(format!("+358{national}")));
        }
        if international.starts_with('0') {
            return Err("has no valid country code".into());
        }
        if !(E164_MIN_DIGITS..=E164_MAX_DIGITS).contains(&international.len()) {
            return Err(
                "is not a valid international number (8–15 digits with the country code)".into(),
            );
        }
        Ok(Self(format!("+{international}")))
    }

    /// The number in E.164 form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A form safe for logs and listings: the country prefix and the last two digits.
    pub fn masked(&self) -> String {
        let keep_head = 4.min(self.0.len());
        let keep_tail = 2.min(self.0.len() - keep_head);
        let hidden = self.0.len() - keep_head - keep_tail;
        format!(
            "{}{}{}",
            &self.0[..keep_head],
            "*".repeat(hidden),
            &self.0[self.0.len() - keep_tail..]
        )
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finnish_mobile_numbers_are_normalised_to_e164() {
        for (input, want) in [
            ("040 123 4567", "+358401234567"),
            ("040-1234567", "+358401234567"),
            ("(040) 123.4567", "+358401234567"),
            ("+358 40 123 4567", "+358401234567"),
            ("00358401234567", "+358401234567"),
            ("358401234567", "+358401234567"),
            ("050 765 4321", "+358507654321"),
            ("0457 1234567", "+3584571234567"),
            ("+358 (0)40 1234567", "+358401234567"),
        ] {
            assert_eq!(PhoneNumber::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn finnish_landlines_and_short_numbers_are_rejected() {
        for input in [
            "09 1234 567",
            "+358 9 123 4567",
            "051 1234567",
            "040 12",
            "040 1234 5678 90",
            "112",
        ] {
            assert!(PhoneNumber::parse(input).is_err(), "{input} accepted");
        }
    }

    #[test]
    fn foreign_e164_numbers_are_accepted() {
        assert_eq!(
            PhoneNumber::parse("+46 70 123 45 67").unwrap().as_str(),
            "+46701234567"
        );
        assert_eq!(
            PhoneNumber::parse("0046701234567").unwrap().as_str(),
            "+46701234567"
        );
    }

    #[test]
    fn garbage_is_rejected_with_a_reason() {
        for input in [
            "",
            "abc",
            "+",
            "+0123456789",
            "+1234567890123456",
            "040 123 456x",
        ] {
            assert!(
                !PhoneNumber::parse(input).unwrap_err().is_empty(),
                "{input}"
            );
        }
    }

    #[test]
    fn debug_output_masks_the_number() {
        let p = PhoneNumber::parse("0401234567").unwrap();
        let shown = format!("{p:?}");
        assert!(!shown.contains("401234567"), "{shown}");
        assert!(shown.ends_with("67)"), "{shown}");
    }

    proptest! {
        #[test]
        fn any_accepted_number_is_e164_and_stable(s in "[+0-9 ()-]{0,20}") {
            if let Ok(p) = PhoneNumber::parse(&s) {
                let e = p.as_str();
                prop_assert!(e.starts_with('+'));
                prop_assert!(e[1..].bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(e.len() - 1 <= E164_MAX_DIGITS);
                let again = PhoneNumber::parse(e).unwrap();
                prop_assert_eq!(again.as_str(), e);
            }
        }

        #[test]
        fn finnish_mobiles_always_parse(n in 4_000_000u64..5_099_999_999) {
            let national = n.to_string();
            prop_assume!(national.starts_with('4') || national.starts_with("50"));
            let p = PhoneNumber::parse(&format!("0{national}")).unwrap();
            prop_assert_eq!(p.as_str(), format!("+358{national}"));
        }
    }
}
