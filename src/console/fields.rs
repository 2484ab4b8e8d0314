//! The widgets of the console's forms: a labelled field with its errors next to it (the
//! API's field names, `.` written `_`), a text in three languages, a Helsinki time.

use super::t;
use crate::registry::Language;
use crate::validation::FieldError;
use maud::{Markup, html};

/// The languages of a notice's texts, with their names in themselves.
pub(super) const LANGS: [(&str, &str); 3] = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")];

/// What was typed into a form, by field name.
pub(super) trait Values {
    /// The value of field `name` as typed (empty when none).
    fn value(&self, name: &str) -> &str;
}

/// A form's fields as posted, in order, repeated names kept (checkbox lists).
#[derive(Clone, Debug, Default)]
pub struct Posted {
    pairs: Vec<(String, String)>,
}

impl Posted {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        Self {
            pairs: pairs.to_vec(),
        }
    }

    /// The first value of `name` (empty when none).
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether `name` has `value` among its values (a ticked box).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == name && v == value)
    }

    /// Every field as posted, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    pub fn push(&mut self, name: &str, value: &str) {
        self.pairs.push((name.to_owned(), value.to_owned()));
    }
}

impl Values for Posted {
    fn value(&self, name: &str) -> &str {
        self.get(name)
    }
}

/// An audience's name.
pub(super) use crate::notices::audience_label;

/// The form field where the API's field `name` is typed (a group's legend for a group).
pub(super) fn field_id(name: &str) -> String {
    name.split('[').next().unwrap_or("").replace('.', "_")
}

/// The errors of the form field `id`: the API's field names with `.` as `_`, list indexes
/// dropped (`services[2]` belongs to `services`).
pub(super) fn errors_of<'e>(errors: &'e [FieldError], id: &str) -> Vec<&'e str> {
    errors
        .iter()
        .filter(|e| field_id(&e.field) == id)
        .map(|e| e.message.as_str())
        .collect()
}

pub(super) fn error_list(errors: &[FieldError], id: &str) -> Markup {
    let mine = errors_of(errors, id);
    html! {
        @if !mine.is_empty() {
            p.error id={ (id) "-error" } { @for m in &mine { (m) " " } }
        }
    }
}

/// `aria-describedby` of a field: its help and its errors.
pub(super) fn described(errors: &[FieldError], id: &str, help: bool) -> String {
    let mut ids = Vec::new();
    if help {
        ids.push(format!("{id}-help"));
    }
    if !errors_of(errors, id).is_empty() {
        ids.push(format!("{id}-error"));
    }
    ids.join(" ")
}

pub(super) fn text_field(
    f: &dyn Values,
    errors: &[FieldError],
    id: &str,
    label: &str,
    multiline: bool,
    required: bool,
) -> Markup {
    let invalid = !errors_of(errors, id).is_empty();
    let d = described(errors, id, false);
    html! {
        div.field {
            label for=(id) { (label) @if required { " *" } }
            (error_list(errors, id))
            @if multiline {
                textarea id=(id) name=(id) rows="4" aria-invalid=[invalid.then_some("true")] aria-describedby=[(!d.is_empty()).then_some(d.as_str())] { (f.value(id)) }
            } @else {
                input id=(id) name=(id) type="text" value=(f.value(id)) aria-invalid=[invalid.then_some("true")] aria-describedby=[(!d.is_empty()).then_some(d.as_str())];
            }
        }
    }
}

/// One text in the three languages; `required` are the languages that must be given.
pub(super) fn localized(
    f: &dyn Values,
    errors: &[FieldError],
    field: &str,
    legend: &str,
    multiline: bool,
    required: &[&str],
) -> Markup {
    html! {
        fieldset id=(field) {
            legend { (legend) }
            (error_list(errors, field))
            @for (l, name) in LANGS {
                (text_field(f, errors, &format!("{field}_{l}"), name, multiline, required.contains(&l)))
            }
        }
    }
}

/// The SMS text in the three languages, each with a counter of its characters and parts
/// that the console's script fills in as it is typed (empty without the script; the
/// preview's count is the server's).
pub(super) fn sms_fields(
    f: &dyn Values,
    errors: &[FieldError],
    lang: Language,
    legend: &str,
) -> Markup {
    html! {
        fieldset id="sms" {
            legend { (legend) }
            (error_list(errors, "sms"))
            @for (l, name) in LANGS {
                @let id = format!("sms_{l}");
                @let invalid = !errors_of(errors, &id).is_empty();
                @let d = described(errors, &id, false);
                div.field {
                    label for=(id) { (name) }
                    (error_list(errors, &id))
                    textarea id=(id) name=(id) rows="3" aria-invalid=[invalid.then_some("true")] aria-describedby={ (d) @if !d.is_empty() { " " } (id) "-count" } { (f.value(&id)) }
                    p.counter id={ (id) "-count" } aria-live="polite" data-sms-for=(id)
                        data-chars=(t(lang, ["merkkiä", "tecken", "characters"]))
                        data-part=(t(lang, ["osa", "del", "part"]))
                        data-parts=(t(lang, ["osaa", "delar", "parts"]))
                        data-empty=(t(lang, ["Tyhjä: lähetetään otsikko ja linkki.", "Tomt: rubriken och länken skickas.", "Empty: the title and a link are sent."]))
                        data-over=(t(lang, ["– enintään 3 osaa sallitaan.", "– högst 3 delar tillåts.", "– at most 3 parts are allowed."])) {}
                }
            }
        }
    }
}

pub(super) fn time_field(
    f: &dyn Values,
    errors: &[FieldError],
    lang: Language,
    id: &str,
    label: &str,
) -> Markup {
    let invalid = !errors_of(errors, id).is_empty();
    let d = described(errors, id, true);
    html! {
        div.field {
            label for=(id) { (label) }
            (error_list(errors, id))
            input id=(id) name=(id) type="datetime-local" value=(f.value(id)) aria-invalid=[invalid.then_some("true")] aria-describedby=(d);
            p.help id={ (id) "-help" } { (t(lang, ["Helsingin aikaa.", "Helsingforstid.", "Helsinki time."])) }
        }
    }
}
