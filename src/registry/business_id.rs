//! The Finnish business ID (Y-tunnus), `NNNNNNN-C`, validated by its check digit.

use serde::Serialize;
use std::fmt;

/// Weights of the seven digits in the check-digit sum (Finnish Tax Administration).
const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];

/// A business ID whose check digit is correct.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct BusinessId(String);

impl BusinessId {
    /// Parses `NNNNNNN-C`; surrounding white space is ignored, nothing else is forgiven.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let bytes = s.as_bytes();
        if bytes.len() != 9 || bytes[7] != b'-' {
            return Err(
                "must have the form NNNNNNN-C (seven digits, a hyphen, a check digit)".into(),
            );
        }
        let digits: Option<Vec<u32>> = s[..7]
            .chars()
            .chain(s[8..].chars())
            .map(|c| c.to_digit(10))
            .collect();
        let Some(digits) = digits else {
            return Err(
                "must have the form NNNNNNN-C (seven digits, a hyphen, a check digit)".into(),
            );
        };
        let sum: u32 = digits[..7].iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        let expected = match sum % 11 {
            0 => 0,
            1 => {
                return Err(
                    "is not a valid business ID (no check digit exists for these digits)".into(),
                );
            }
            r => 11 - r,
        };
        if digits[7] != expected {
            return Err("has a wrong check digit".into());
        }
        Ok(Self(s.to_owned()))
    }

    /// The ID as `NNNNNNN-C`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BusinessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BusinessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BusinessId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn real_business_ids_are_accepted() {
        // Kela, Nokia Oyj, Fimea.
        for id in ["0246246-0", "0112038-9", "0921536-6"] {
            assert_eq!(BusinessId::parse(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn a_wrong_check_digit_is_rejected() {
        assert_eq!(
            BusinessId::parse("0246246-1").unwrap_err(),
            "has a wrong check digit"
        );
    }

    #[test]
    fn malformed_ids_are_rejected() {
        for id in [
            "",
            "0246246",
            "02462460",
            "024624-60",
            "A246246-0",
            "0246246-X",
            "00246246-0",
        ] {
            assert!(BusinessId::parse(id).is_err(), "{id} accepted");
        }
    }

    #[test]
    fn remainder_one_has_no_valid_check_digit() {
        // 0000030: 3 × 4 = 12 ≡ 1 (mod 11).
        for c in 0..=9 {
            assert!(BusinessId::parse(&format!("0000030-{c}")).is_err());
        }
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_fits_unless_remainder_is_one(n in 0u32..10_000_000) {
            let body = format!("{n:07}");
            let ok: Vec<u32> = (0..10).filter(|c| BusinessId::parse(&format!("{body}-{c}")).is_ok()).collect();
            let sum: u32 = body.chars().map(|c| c.to_digit(10).unwrap()).zip(WEIGHTS).map(|(d, w)| d * w).sum();
            prop_assert_eq!(ok.len(), if sum % 11 == 1 { 0 } else { 1 });
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,20}") {
            let _ = BusinessId::parse(&s);
        }
    }
}
