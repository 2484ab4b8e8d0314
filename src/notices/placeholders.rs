//! Placeholders in a notice's texts — `{service}`, `{start}`, `{estimated_end}`,
//! `{next_update}`, `{window_start}`, `{window_end}`, `{link}` — filled per language when the
//! notice is checked, so that a template's text reads right in each language and the stored
//! revision says exactly what was sent.

use super::input::NoticeInput;
use super::labels::time;
use crate::registry::{Catalogue, Language, ServiceCode};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Every placeholder a text may hold.
pub const PLACEHOLDERS: [&str; 7] = [
    "service",
    "start",
    "estimated_end",
    "next_update",
    "window_start",
    "window_end",
    "link",
];

/// What the placeholders stand for in one notice.
pub(super) struct Values<'a> {
    pub catalogue: &'a Catalogue,
    pub services: &'a BTreeSet<ServiceCode>,
    pub started_at: Option<DateTime<Utc>>,
    pub estimated_end_at: Option<DateTime<Utc>>,
    pub next_update_at: Option<DateTime<Utc>>,
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    pub link: &'a str,
}

/// Said for a time not yet known (an estimate nobody can give yet).
fn not_known(lang: Language) -> &'static str {
    match lang {
        Language::Fi => "ei vielä tiedossa",
        Language::Sv => "ännu inte känt",
        Language::En => "not known yet",
    }
}

impl Values<'_> {
    fn value(&self, name: &str, lang: Language) -> Option<String> {
        let at = |t: Option<DateTime<Utc>>| {
            t.map(|t| time(lang, t))
                .unwrap_or_else(|| not_known(lang).to_owned())
        };
        Some(match name {
            "service" => self
                .services
                .iter()
                .map(|s| self.catalogue.name(s.as_str(), lang))
                .collect::<Vec<_>>()
                .join(", "),
            "start" => at(self.started_at),
            "estimated_end" => at(self.estimated_end_at),
            "next_update" => at(self.next_update_at),
            "window_start" => at(self.window_start),
            "window_end" => at(self.window_end),
            "link" => self.link.to_owned(),
            _ => return None,
        })
    }

    /// `text` with each placeholder filled in `lang`; any other braces are left as written.
    pub fn fill(&self, text: &str, lang: Language) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after
                .find('}')
                .and_then(|close| Some((close, self.value(&after[..close], lang)?)))
            {
                Some((close, value)) => {
                    out.push_str(&value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Fills every text of `input` (title, body, SMS, instructions) in its own language.
    pub fn fill_input(&self, input: &mut NoticeInput) {
        let maps = [&mut input.title, &mut input.body, &mut input.sms]
            .into_iter()
            .flatten()
            .chain(input.instructions.iter_mut().flat_map(|m| m.values_mut()));
        for map in maps {
            for (code, text) in map.iter_mut() {
                if let Ok(lang) = Language::parse(code) {
                    *text = self.fill(text, lang);
                }
            }
        }
    }
}

/// The `{name}`s in `text` that look like placeholders (lower-case letters and `_`) but are
/// not one: a template naming them has a typo.
pub fn unknown_placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[..close];
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            && !PLACEHOLDERS.contains(&name)
        {
            found.push(format!("{{{name}}}"));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn values<'a>(catalogue: &'a Catalogue, services: &'a BTreeSet<ServiceCode>) -> Values<'a> {
        Values {
            catalogue,
            services,
            started_at: Some(Utc.with_ymd_and_hms(2026, 11, 22, 10, 5, 0).unwrap()),
            estimated_end_at: None,
            next_update_at: Some(Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap()),
            window_start: None,
            window_end: None,
            link: "https://status.example/notices/1",
        }
    }

    #[test]
    fn each_placeholder_is_filled_in_the_texts_language_in_helsinki_time() {
        let catalogue = Catalogue::built_in().unwrap();
        let services: BTreeSet<ServiceCode> = ["prescription-centre", "mykanta"]
            .iter()
            .map(|s| catalogue.parse_code(s).unwrap())
            .collect();
        let v = values(&catalogue, &services);
        let text = "{service} | {start} | {estimated_end} | {next_update} | {link}";
        assert_eq!(
            v.fill(text, Language::Fi),
            "OmaKanta, Reseptikeskus | 22.11.2026 klo 12.05 (UTC+02:00) | ei vielä tiedossa | \
             1.6.2026 klo 13.00 (UTC+03:00) | https://status.example/notices/1"
        );
        assert_eq!(
            v.fill(text, Language::Sv),
            "MittKanta, Receptcentret | 22.11.2026 kl. 12.05 (UTC+02:00) | ännu inte känt | \
             1.6.2026 kl. 13.00 (UTC+03:00) | https://status.example/notices/1"
        );
        assert_eq!(
            v.fill("{window_start}–{window_end}", Language::En),
            "not known yet–not known yet"
        );
    }

    #[test]
    fn other_braces_are_left_as_written() {
        let catalogue = Catalogue::built_in().unwrap();
        let services = BTreeSet::new();
        let v = values(&catalogue, &services);
        for text in ["{{7*7}}", "${start", "{unknown} {", "}{", "{Service}", "{}"] {
            assert_eq!(v.fill(text, Language::Fi), text);
        }
        assert_eq!(
            v.fill("{{link}}", Language::En),
            "{https://status.example/notices/1}"
        );
    }

    #[test]
    fn a_misspelt_placeholder_is_found() {
        assert_eq!(
            unknown_placeholders("{service} {estimated_ned} {link} {{x}} {Start} {a b}"),
            vec!["{estimated_ned}".to_owned(), "{x}".to_owned()]
        );
        assert!(unknown_placeholders("{service} at {start}").is_empty());
    }
}
