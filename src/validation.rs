//! Field-level validation errors, collected so that one answer names every bad field.

use serde::Serialize;
use std::fmt;

/// One invalid field: its JSON path and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field, as a JSON path (`phone`, `services[2]`) or a CSV cell (`row 3: phone`).
    pub field: String,
    /// What is wrong, in plain words, without echoing personal data.
    pub message: String,
}

/// Every invalid field found in one input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// One error.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }

    /// Records that `field` is invalid.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Keeps the value of a successful parse, or records its error under `field`.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        parsed.map_err(|m| self.add(field, m)).ok()
    }

    /// Records `field` as missing when the value is absent.
    pub fn require<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.add(field, "is required");
        }
        value
    }

    /// Adds every error of `other`, with `prefix` before each field name.
    pub fn extend_prefixed(&mut self, prefix: &str, other: FieldErrors) {
        for e in other.0 {
            self.add(format!("{prefix}{}", e.field), e.message);
        }
    }

    /// Whether an error was recorded for `field` or a part of it (`field[2]`, `field.x`).
    pub fn names(&self, field: &str) -> bool {
        self.0.iter().any(|e| {
            e.field
                .strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
        })
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The recorded errors.
    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    /// The errors that explain why a required part is absent. A part is absent only when
    /// its error was recorded; were one ever not, the answer would still name a field
    /// rather than be empty.
    pub fn explain_missing(mut self, field: &str) -> Self {
        if self.is_empty() {
            self.add(field, "could not be read");
        }
        self
    }

    /// `Ok(value())` when nothing was recorded, else the errors.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Parses each item of the list `field` with `parse` into a set, recording every item that
/// does not parse or that repeats an earlier one (`channels[1]` "repeats `email`"), so that a
/// repeated value is named rather than silently folded.
pub fn collect_set<T: Ord + fmt::Display>(
    field: &str,
    list: &[String],
    mut parse: impl FnMut(&str) -> Result<T, String>,
    e: &mut FieldErrors,
) -> std::collections::BTreeSet<T> {
    let mut set = std::collections::BTreeSet::new();
    for (i, item) in list.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if let Some(value) = e.check(&at, parse(item)) {
            if set.contains(&value) {
                e.add(at, format!("repeats `{value}`; name each value once"));
            } else {
                set.insert(value);
            }
        }
    }
    set
}

/// Trims and checks a free-text field: not empty, at most `max` characters as sent (so
/// that the API's document can say `maxLength`), no control characters.
pub fn plain_text(input: &str, max: usize) -> Result<String, String> {
    if input.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    let s = input.trim();
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.chars().any(char::is_control) {
        return Err("must not contain control characters (line breaks, tabs)".into());
    }
    Ok(s.to_owned())
}

/// Deserialises a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_collected() {
        let mut e = FieldErrors::new();
        assert_eq!(e.check("a", Ok::<_, String>(1)), Some(1));
        assert_eq!(e.check::<u8>("b", Err("is wrong".into())), None);
        assert_eq!(e.require::<u8>("c", None), None);
        assert_eq!(e.to_string(), "b is wrong; c is required");
        assert!(e.finish(|| ()).is_err());
    }

    #[test]
    fn a_repeated_list_item_is_named_not_folded() {
        let mut e = FieldErrors::new();
        let list = [
            "email".to_owned(),
            "sms".into(),
            " email".into(),
            "fax".into(),
        ];
        let set = collect_set(
            "channels",
            &list,
            |s| match s.trim() {
                "email" | "sms" => Ok(s.trim().to_owned()),
                _ => Err("is not a channel".into()),
            },
            &mut e,
        );
        assert_eq!(set.len(), 2);
        assert_eq!(
            e.to_string(),
            "channels[2] repeats `email`; name each value once; channels[3] is not a channel"
        );
    }

    #[test]
    fn plain_text_refuses_line_breaks_and_overlong_values() {
        assert_eq!(plain_text("  Apteekki  ", 12).unwrap(), "Apteekki");
        assert!(
            plain_text("  Apteekki  ", 10).is_err(),
            "the length is counted as sent"
        );
        assert!(plain_text("a\r\nBcc: x", 100).is_err());
        assert!(plain_text("   ", 100).is_err());
        assert!(plain_text("ääää", 3).is_err());
    }
}
