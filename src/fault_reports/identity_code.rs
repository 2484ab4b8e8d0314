//! Finnish personal identity codes (henkilötunnus), found anywhere in a text so that a fault
//! report never stores a patient's or client's identifier.
//!
//! `DDMMYYCZZZQ`: a birth date, a century sign (`+` for the 1800s; `-`, `Y`, `X`, `W`, `V`,
//! `U` for the 1900s; `A`–`F` for the 2000s, since the 2023 reform), an individual number
//! (900–999 are temporary codes, identifiers all the same) and a check character: the nine
//! digits as one number, modulo 31, indexing `0123456789ABCDEFHJKLMNPRSTUVWXY`.

/// The check characters, indexed by the remainder.
const CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
/// Every century sign, old and new.
const CENTURY: &[u8] = b"+-YXWVUABCDEF";
/// Characters in a code.
const LEN: usize = 11;

/// True when `text` holds a personal identity code with a valid check character, on its own
/// or inside other text (not as part of a longer run of letters or digits). Letters may be
/// in either case.
pub fn contains_identity_code(text: &str) -> bool {
    let chars: Vec<char> = text.chars().map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() < LEN {
        return false;
    }
    (0..=chars.len() - LEN).any(|i| {
        let before = i.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(i + LEN);
        let apart = |c: Option<&char>| c.is_none_or(|c| !c.is_alphanumeric());
        apart(before.as_ref()) && apart(after) && is_identity_code(&chars[i..i + LEN])
    })
}

/// Whether the eleven characters `c` are one valid code.
fn is_identity_code(c: &[char]) -> bool {
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        c[r].iter()
            .try_fold(0u32, |n, ch| ch.to_digit(10).map(|d| n * 10 + d))
    };
    let (Some(date), Some(individual)) = (digits(0..6), digits(7..10)) else {
        return false;
    };
    let (day, month) = (date / 10_000, date / 100 % 100);
    let century = u8::try_from(c[6]).is_ok_and(|b| CENTURY.contains(&b));
    let expected = CHECK[((date * 1000 + individual) % 31) as usize] as char;
    century && (1..=31).contains(&day) && (1..=12).contains(&month) && c[10] == expected
}

/// What a refused field is told.
pub const REFUSAL: &str = "looks like a personal identity code; do not include patient or \
                           client identifiers in a fault report";

#[cfg(test)]
mod tests {
    use super::contains_identity_code;

    #[test]
    fn a_code_with_a_valid_check_character_is_found() {
        // The well-known example code and one of the 2000s.
        assert!(contains_identity_code("131052-308T"));
        assert!(contains_identity_code("010101A123N"));
    }

    #[test]
    fn a_wrong_check_character_is_not_a_code() {
        assert!(!contains_identity_code("131052-308U"));
        assert!(!contains_identity_code("010101A123M"));
    }

    #[test]
    fn every_century_sign_is_recognised() {
        // The same date and individual number: the check character does not depend on the
        // century sign, so every sign makes a valid code.
        for sign in [
            '+', '-', 'Y', 'X', 'W', 'V', 'U', 'A', 'B', 'C', 'D', 'E', 'F',
        ] {
            let code = format!("131052{sign}308T");
            assert!(contains_identity_code(&code), "{code}");
        }
        assert!(
            !contains_identity_code("131052G308T"),
            "G is no century sign"
        );
        assert!(
            !contains_identity_code("131052Z308T"),
            "Z is no century sign"
        );
    }

    #[test]
    fn a_code_inside_a_sentence_is_found_in_either_case() {
        assert!(contains_identity_code(
            "Potilas 131052-308T ei näy listalla."
        ));
        assert!(contains_identity_code("hetu:131052-308t, virhe 500"));
        assert!(contains_identity_code("(010101a123n)"));
        assert!(contains_identity_code("rad 1\n131052-308T\nrad 3"));
    }

    #[test]
    fn longer_numbers_dates_and_phone_numbers_are_not_codes() {
        assert!(
            !contains_identity_code("9131052-308T"),
            "part of a longer number"
        );
        assert!(
            !contains_identity_code("131052-308TX"),
            "part of a longer word"
        );
        assert!(!contains_identity_code("2026-11-22T10:05 virhekoodi 0x1F"));
        assert!(!contains_identity_code("+358401234567"));
        assert!(!contains_identity_code("321352-308T"), "no 32nd day");
        assert!(!contains_identity_code("011352-308T"), "no 13th month");
        assert!(!contains_identity_code(""));
    }

    #[test]
    fn temporary_identifiers_are_codes_too() {
        // Individual numbers 900–999 are temporary identifiers of a person.
        let n = 131052 * 1000 + 901;
        let check = super::CHECK[n % 31] as char;
        assert!(contains_identity_code(&format!("131052-901{check}")));
    }
}
