//! What a notice says: per-language texts, instructions per audience, SMS texts.

use super::sms::SmsText;
use crate::registry::{Audience, Language};
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Titles show in subject lines, feeds and SMS; 160 characters keeps them whole.
pub const MAX_TITLE_LEN: usize = 160;
/// A body is plain text, a few screens at most.
pub const MAX_BODY_LEN: usize = 10_000;
/// Instructions for one audience.
pub const MAX_INSTRUCTION_LEN: usize = 4_000;

/// Text per language, as sent by clients: `{"fi": "…", "sv": "…"}`.
pub type LocalizedInput = BTreeMap<String, String>;

/// Validated text per language.
pub type Localized = BTreeMap<Language, String>;

/// Parses per-language text: known language codes, `required` languages present, each
/// text within `max` characters; `multiline` allows line breaks.
pub fn localized(
    field: &str,
    input: &LocalizedInput,
    required: &[Language],
    max: usize,
    multiline: bool,
    e: &mut FieldErrors,
) -> Localized {
    let mut out = Localized::new();
    for (code, text) in input {
        let at = format!("{field}.{code}");
        let Some(lang) = e.check(&at, Language::parse(code)) else {
            continue;
        };
        let raw_len = text.chars().count();
        let text = text.trim();
        if raw_len > max {
            e.add(at, format!("must be at most {max} characters"));
        } else if text.is_empty() {
            e.add(at, "must not be empty");
        } else if text
            .chars()
            .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
        {
            e.add(
                at,
                if multiline {
                    "must not contain control characters"
                } else {
                    "must be one line without control characters"
                },
            );
        } else {
            out.insert(lang, text.replace("\r\n", "\n"));
        }
    }
    for lang in required {
        if !input.contains_key(lang.code()) {
            e.add(
                format!("{field}.{lang}"),
                "is required (Finnish and Swedish are always published)",
            );
        }
    }
    out
}

/// Everything a revision says, in every language it has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    pub title: Localized,
    pub body: Localized,
    /// Explicit SMS texts; languages without one get the title and a link.
    pub sms: Localized,
    pub instructions: BTreeMap<Audience, Localized>,
}

impl Texts {
    /// The text in `lang`, else Finnish (always present), and whether it fell back.
    pub fn pick(map: &Localized, lang: Language) -> (&str, Language) {
        match map.get(&lang) {
            Some(t) => (t, lang),
            None => (
                map.get(&Language::Fi).map(String::as_str).unwrap_or(""),
                Language::Fi,
            ),
        }
    }

    /// The SMS in `lang`: the explicit text, else the title and `link`; an instruction's
    /// begins with its issuer (`THL: …`) unless the text already does.
    pub fn sms_text(
        &self,
        lang: Language,
        issuer: Option<&super::Issuer>,
        status: super::NoticeStatus,
        link: &str,
    ) -> Result<SmsText, String> {
        let mut text = match self.sms.get(&lang) {
            Some(t) => t.clone(),
            None => format!("{} {link}", Texts::pick(&self.title, lang).0),
        };
        if let Some(i) = issuer
            && !text.trim_start().starts_with(i.as_str())
        {
            text = format!("{}: {text}", i.as_str());
        }
        if !status.is_actual() {
            text = format!("{}: {text}", super::EXERCISE_MARK);
        }
        SmsText::parse(&text)
    }
}
