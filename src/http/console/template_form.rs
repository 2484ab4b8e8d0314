//! A notice template as the new-notice form's fields.

use crate::query::TemplateNotice;

/// The form fields of `t` (template `id`): kind, severity, services, audiences and every
/// text, placeholders kept for publishing to fill.
pub(super) fn pairs(id: &str, t: &TemplateNotice) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("kind".to_owned(), t.kind.code().to_owned()),
        ("template".to_owned(), id.to_owned()),
    ];
    if let Some(s) = t.severity {
        pairs.push(("severity".to_owned(), s.code().to_owned()));
    }
    pairs.extend(
        t.services
            .iter()
            .map(|c| ("services".to_owned(), c.clone())),
    );
    pairs.extend(
        t.audiences
            .iter()
            .map(|a| ("audiences".to_owned(), a.code().to_owned())),
    );
    if let Some(b) = t.usage_break {
        pairs.push((
            "usage_break".to_owned(),
            if b { "yes" } else { "no" }.to_owned(),
        ));
    }
    pairs.extend(
        t.impact
            .iter()
            .map(|(s, i)| (format!("impact_{s}"), i.clone())),
    );
    let texts = [("title", &t.title), ("body", &t.body), ("sms", &t.sms)];
    for (field, map) in texts {
        for (lang, text) in map {
            pairs.push((format!("{field}_{}", lang.code()), text.clone()));
        }
    }
    for (audience, map) in &t.instructions {
        for (lang, text) in map {
            pairs.push((
                format!("instructions_{}_{}", audience.code(), lang.code()),
                text.clone(),
            ));
        }
    }
    pairs
}
