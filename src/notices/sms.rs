//! SMS text: typographic normalisation, GSM-7 / UCS-2 encoding and the number of parts.

use serde::Serialize;
use std::fmt;

/// A published SMS is at most this many concatenated parts (cost and readability).
pub const MAX_SMS_PARTS: usize = 3;

const GSM7_SINGLE: usize = 160;
const GSM7_PART: usize = 153;
const UCS2_SINGLE: usize = 70;
const UCS2_PART: usize = 67;

/// The GSM 03.38 default alphabet (one septet each). ESC (0x1B) is left out: it only
/// introduces the extension table.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each costs an escape plus the character, two septets.
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// How the text travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SmsEncoding {
    /// GSM 03.38 7-bit: 160 septets in one SMS, 153 per concatenated part.
    Gsm7,
    /// UCS-2 (UTF-16): 70 code units in one SMS, 67 per part.
    Ucs2,
}

impl fmt::Display for SmsEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SmsEncoding::Gsm7 => "GSM-7",
            SmsEncoding::Ucs2 => "UCS-2",
        })
    }
}

/// A normalised SMS text that fits in `MAX_SMS_PARTS` parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SmsText {
    text: String,
    encoding: SmsEncoding,
    parts: usize,
}

/// Replaces typography that would force UCS-2 with its plain equivalent.
pub fn normalise(input: &str) -> String {
    input
        .trim()
        .chars()
        .flat_map(|c| {
            let replacement: &[char] = match c {
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
                | '\u{2212}' => &['-'],
                '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => &['\''],
                '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => &['"'],
                '\u{2026}' => &['.', '.', '.'],
                '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2009}' | '\u{200a}' => &[' '],
                '\t' => &[' '],
                _ => return vec![c],
            };
            replacement.to_vec()
        })
        .collect()
}

/// The cost of each ASCII character (0 = not in GSM-7), from the two tables above: most of
/// a notice is ASCII, and searching the tables for every character was most of the
/// daemon's work per SMS.
static GSM7_ASCII: std::sync::LazyLock<[u8; 128]> = std::sync::LazyLock::new(|| {
    let mut costs = [0; 128];
    for (table, cost) in [(GSM7_BASIC, 1), (GSM7_EXTENSION, 2)] {
        for c in table.chars().filter(char::is_ascii) {
            costs[c as usize] = cost;
        }
    }
    costs
});

fn gsm7_cost(c: char) -> Option<usize> {
    if c.is_ascii() {
        return match GSM7_ASCII[c as usize] {
            0 => None,
            cost => Some(usize::from(cost)),
        };
    }
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// The encoding a normalised text needs.
pub fn encoding_of(text: &str) -> SmsEncoding {
    if text.chars().all(|c| gsm7_cost(c).is_some()) {
        SmsEncoding::Gsm7
    } else {
        SmsEncoding::Ucs2
    }
}

/// Splits a normalised text into the parts a handset will receive. An escape pair or a
/// surrogate pair is never split across parts.
pub fn split_parts(text: &str) -> (SmsEncoding, Vec<String>) {
    let encoding = encoding_of(text);
    let cost = |c: char| match encoding {
        SmsEncoding::Gsm7 => gsm7_cost(c).unwrap_or(2),
        SmsEncoding::Ucs2 => c.len_utf16(),
    };
    let (single, part) = match encoding {
        SmsEncoding::Gsm7 => (GSM7_SINGLE, GSM7_PART),
        SmsEncoding::Ucs2 => (UCS2_SINGLE, UCS2_PART),
    };
    let total: usize = text.chars().map(cost).sum();
    if total <= single {
        return (encoding, vec![text.to_owned()]);
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for c in text.chars() {
        if used + cost(c) > part {
            parts.push(std::mem::take(&mut current));
            used = 0;
        }
        used += cost(c);
        current.push(c);
    }
    parts.push(current);
    (encoding, parts)
}

impl SmsText {
    /// Normalises and counts; more than `MAX_SMS_PARTS` parts, or nothing left, is refused.
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = normalise(input);
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r')
        {
            return Err("must not contain control characters".into());
        }
        let (encoding, parts) = split_parts(&text);
        if parts.len() > MAX_SMS_PARTS {
            return Err(format!(
                "is {} SMS parts in {encoding} (at most {MAX_SMS_PARTS} are allowed: {} characters in GSM-7, {} in UCS-2)",
                parts.len(),
                GSM7_PART * MAX_SMS_PARTS,
                UCS2_PART * MAX_SMS_PARTS
            ));
        }
        Ok(Self {
            text,
            encoding,
            parts: parts.len(),
        })
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// GSM-7 or UCS-2.
    pub fn encoding(&self) -> SmsEncoding {
        self.encoding
    }

    /// How many SMS parts it takes.
    pub fn parts(&self) -> usize {
        self.parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finnish_and_swedish_letters_stay_in_gsm7() {
        let t = SmsText::parse("Häiriö Reseptikeskuksessa. Störning i Receptcentret. Åå Ää Öö")
            .unwrap();
        assert_eq!(t.encoding(), SmsEncoding::Gsm7);
        assert_eq!(t.parts(), 1);
    }

    #[test]
    fn vectors_at_the_part_boundaries() {
        let cases: &[(String, SmsEncoding, usize)] = &[
            ("a".repeat(160), SmsEncoding::Gsm7, 1),
            ("a".repeat(161), SmsEncoding::Gsm7, 2),
            ("a".repeat(306), SmsEncoding::Gsm7, 2),
            ("a".repeat(307), SmsEncoding::Gsm7, 3),
            ("€".repeat(80), SmsEncoding::Gsm7, 1),
            ("€".repeat(81), SmsEncoding::Gsm7, 2),
            (
                format!("{}€", "a".repeat(152)) + &"a".repeat(10),
                SmsEncoding::Gsm7,
                2,
            ),
            ("ж".repeat(70), SmsEncoding::Ucs2, 1),
            ("ж".repeat(71), SmsEncoding::Ucs2, 2),
            ("ж".repeat(134), SmsEncoding::Ucs2, 2),
            ("😀".repeat(35), SmsEncoding::Ucs2, 1),
            ("😀".repeat(36), SmsEncoding::Ucs2, 2),
        ];
        for (text, enc, parts) in cases {
            let (e, p) = split_parts(text);
            assert_eq!(
                (e, p.len()),
                (*enc, *parts),
                "{} chars of {:?}",
                text.chars().count(),
                text.chars().next()
            );
        }
    }

    #[test]
    fn an_escape_pair_is_never_split() {
        // 152 septets, then '€' (2 septets) cannot fit the first 153-septet part.
        let text = format!("{}€{}", "a".repeat(152), "b".repeat(20));
        let (_, parts) = split_parts(&text);
        assert_eq!(parts[0], "a".repeat(152));
        assert!(parts[1].starts_with('€'));
    }

    #[test]
    fn a_surrogate_pair_is_never_split() {
        let text = format!("{}😀{}", "ж".repeat(66), "ж".repeat(10));
        let (_, parts) = split_parts(&text);
        assert_eq!(parts[0].chars().count(), 66);
        assert!(parts[1].starts_with('😀'));
    }

    #[test]
    fn typography_is_normalised_before_counting() {
        let t = SmsText::parse("Katko 10–12 “huolto”… ok\u{a0}nyt — kiitos").unwrap();
        assert_eq!(t.as_str(), "Katko 10-12 \"huolto\"... ok nyt - kiitos");
        assert_eq!(t.encoding(), SmsEncoding::Gsm7);
    }

    #[test]
    fn one_character_outside_gsm7_switches_the_whole_message() {
        assert_eq!(
            SmsText::parse("Häiriö ✓").unwrap().encoding(),
            SmsEncoding::Ucs2
        );
    }

    #[test]
    fn too_long_text_is_refused_with_parts_and_encoding() {
        let err = SmsText::parse(&"a".repeat(460)).unwrap_err();
        assert!(err.starts_with("is 4 SMS parts in GSM-7"), "{err}");
        let err = SmsText::parse(&"ж".repeat(202)).unwrap_err();
        assert!(err.starts_with("is 4 SMS parts in UCS-2"), "{err}");
        assert!(SmsText::parse(&"a".repeat(459)).is_ok());
        assert!(SmsText::parse("   ").is_err());
    }

    #[test]
    fn every_ascii_character_costs_what_the_tables_say() {
        for c in (0u8..128).map(char::from) {
            let expected = if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            };
            assert_eq!(gsm7_cost(c), expected, "{c:?}");
        }
    }

    /// An independent reference: cost per character from the published tables, parts by
    /// the textbook formula where no pair can straddle a boundary.
    fn reference_parts(text: &str) -> usize {
        let gsm = text
            .chars()
            .all(|c| GSM7_BASIC.contains(c) || GSM7_EXTENSION.contains(c));
        let units: usize = if gsm {
            text.chars()
                .map(|c| if GSM7_EXTENSION.contains(c) { 2 } else { 1 })
                .sum()
        } else {
            text.encode_utf16().count()
        };
        let (single, part) = if gsm { (160, 153) } else { (70, 67) };
        if units <= single {
            1
        } else {
            units.div_ceil(part)
        }
    }

    proptest! {
        #[test]
        fn parts_rejoin_to_the_text_and_respect_capacity(s in "[a-zåäöÅÄÖ€{}\\[\\] ж😀]{0,400}") {
            let (enc, parts) = split_parts(&s);
            prop_assert_eq!(parts.concat(), s.clone());
            let cap = match (enc, parts.len()) { (SmsEncoding::Gsm7, 1) => 160, (SmsEncoding::Gsm7, _) => 153, (SmsEncoding::Ucs2, 1) => 70, _ => 67 };
            for p in &parts {
                let cost: usize = match enc {
                    SmsEncoding::Gsm7 => p.chars().map(|c| gsm7_cost(c).unwrap()).sum(),
                    SmsEncoding::Ucs2 => p.encode_utf16().count(),
                };
                prop_assert!(cost <= cap);
            }
        }

        #[test]
        fn single_width_texts_match_the_reference(s in "[a-zA-Z0-9 .,åäö]{0,500}|[жa-z]{0,300}") {
            prop_assert_eq!(split_parts(&s).1.len(), reference_parts(&s));
        }

        #[test]
        fn every_part_but_the_last_is_full(s in "\\PC{0,400}") {
            let t = normalise(&s);
            let (enc, parts) = split_parts(&t);
            let cost = |c: char| match enc { SmsEncoding::Gsm7 => gsm7_cost(c).unwrap(), SmsEncoding::Ucs2 => c.len_utf16() };
            let cap = match enc { SmsEncoding::Gsm7 => 153, SmsEncoding::Ucs2 => 67 };
            for w in parts.windows(2) {
                let used: usize = w[0].chars().map(cost).sum();
                let next = w[1].chars().next().unwrap();
                prop_assert!(used + cost(next) > cap, "a part was closed early");
            }
        }
    }
}
