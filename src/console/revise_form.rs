//! The form of a revision (update, reschedule): the notice form filled in from the current
//! revision, sending only what the operator changed of its times.

use super::notice_form::NoticeForm;
use crate::calendar::HELSINKI;
use crate::notices::{NoticeInput, Revision};
use chrono::{DateTime, Utc};

/// The time fields of a notice form.
const TIMES: [&str; 5] = [
    "started_at",
    "estimated_end_at",
    "next_update_at",
    "window_start",
    "window_end",
];

/// A time as the form shows it: Helsinki wall-clock time to the minute.
fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&HELSINKI)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

impl NoticeForm {
    /// The form of revision `rev`, as the next revision starts from it; `form_id` keys the
    /// form against a double submit.
    pub fn from_revision(rev: &Revision, form_id: &str) -> Self {
        let d = &rev.draft;
        let mut f = NoticeForm::default();
        let mut set = |k: &str, v: String| {
            f.values.insert(k.to_owned(), v);
        };
        set("kind", d.kind.code().to_owned());
        set("severity", d.severity.code().to_owned());
        set("state", d.state.code().to_owned());
        set("idem", form_id.to_owned());
        if let Some(i) = &d.issuer {
            set("issuer", i.as_str().to_owned());
        }
        if let Some(b) = d.usage_break {
            set("usage_break", if b { "yes" } else { "no" }.to_owned());
        }
        for (s, i) in &d.impact {
            set(&format!("impact_{}", s.as_str()), i.code().to_owned());
        }
        for (field, texts) in [
            ("title", &d.texts.title),
            ("body", &d.texts.body),
            ("sms", &d.texts.sms),
        ] {
            for (l, text) in texts {
                set(&format!("{field}_{}", l.code()), text.clone());
            }
        }
        for (a, texts) in &d.texts.instructions {
            for (l, text) in texts {
                set(
                    &format!("instructions_{}_{}", a.code(), l.code()),
                    text.clone(),
                );
            }
        }
        let times = [
            d.started_at,
            d.estimated_end_at,
            d.next_update_at,
            d.window_start,
            d.window_end,
        ];
        for (name, t) in TIMES.iter().zip(times) {
            let shown = t.map(local).unwrap_or_default();
            set(&format!("was_{name}"), shown.clone());
            set(name, shown);
        }
        super::phases::phase_values(&d.sub_windows, |k, v| {
            f.values.insert(k, v);
        });
        f.services = d.services.iter().map(|s| s.as_str().to_owned()).collect();
        f.audiences = d.audiences.iter().map(|a| a.code().to_owned()).collect();
        f
    }

    /// The revision `action` the form describes: a time is sent only when it was changed
    /// (the form shows minutes; sending it back unchanged would cut the seconds off), and an
    /// update leaves a maintenance window to the reschedule action.
    pub fn revision_input(&self, action: &str) -> NoticeInput {
        let mut input = self.input();
        input.action = Some(action.to_owned());
        input.kind = None;
        // Every impact is on the form: none chosen clears them.
        input.impact = Some(input.impact.unwrap_or_default());
        let changed = |name: &str| self.value(name) != self.value(&format!("was_{name}"));
        let slots = [
            &mut input.started_at,
            &mut input.estimated_end_at,
            &mut input.next_update_at,
            &mut input.window_start,
            &mut input.window_end,
        ];
        for (name, slot) in TIMES.iter().zip(slots) {
            if !changed(name) {
                *slot = None;
            } else if self.value(name).trim().is_empty() {
                // Emptied: the time is taken away.
                *slot = Some(None);
            }
        }
        if action == "update" {
            input.window_start = None;
            input.window_end = None;
            input.sub_windows = None;
        }
        input
    }
}
