//! A maintenance window's phases on the notice form ("18–19 prescriptions read-only, 19–20
//! no service"): a few slots of start, end and a one-line label per language, usable
//! without a script. Their errors (`sub_windows[N].…`) are shown above the slots.

use super::fields::{LANGS, Values, error_list, localized, time_field};
use super::t;
use crate::calendar::HELSINKI;
use crate::notices::{SubWindow, SubWindowInput};
use crate::registry::Language;
use crate::validation::FieldError;
use maud::{Markup, html};

/// Phase slots on the form; the API takes more.
pub(super) const SLOTS: usize = 3;

fn slot(i: usize) -> String {
    format!("sub_windows_{i}")
}

/// The phases typed into the form; `None` when no slot holds anything.
pub(super) fn phases_input(f: &dyn Values) -> Option<Vec<SubWindowInput>> {
    let given = |name: &str| Some(f.value(name).trim().to_owned()).filter(|v| !v.is_empty());
    let phases: Vec<SubWindowInput> = (0..SLOTS)
        .filter_map(|i| {
            let p = slot(i);
            let start = given(&format!("{p}_start"));
            let end = given(&format!("{p}_end"));
            let label: std::collections::BTreeMap<String, String> = LANGS
                .iter()
                .filter_map(|(l, _)| Some(((*l).to_owned(), given(&format!("{p}_label_{l}"))?)))
                .collect();
            let label = (!label.is_empty()).then_some(label);
            (start.is_some() || end.is_some() || label.is_some()).then_some(SubWindowInput {
                start,
                end,
                label,
            })
        })
        .collect();
    (!phases.is_empty()).then_some(phases)
}

/// The form's values of `phases` (Helsinki time to the minute), for `set`.
pub(super) fn phase_values(phases: &[SubWindow], mut set: impl FnMut(String, String)) {
    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&HELSINKI)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    for (i, w) in phases.iter().take(SLOTS).enumerate() {
        let p = slot(i);
        set(format!("{p}_start"), local(w.start));
        set(format!("{p}_end"), local(w.end));
        for (l, text) in &w.label {
            set(format!("{p}_label_{}", l.code()), text.clone());
        }
    }
}

/// The phase slots.
pub(super) fn phase_fields(f: &dyn Values, errors: &[FieldError], lang: Language) -> Markup {
    let open =
        phases_input(f).is_some() || errors.iter().any(|e| e.field.starts_with("sub_windows"));
    html! {
        details open[open] {
            summary { (t(lang, ["Katkon vaiheet (valinnainen)", "Avbrottets faser (valfritt)", "Phases of the window (optional)"])) }
            div id="sub_windows" {
                (error_list(errors, "sub_windows"))
                p.help { (t(lang, [
                    "Vaiheet ovat katkon sisällä ja järjestyksessä, esim. ”18–19 vain luku, 19–20 ei palvelua”.",
                    "Faserna ligger inom avbrottet och i ordning, t.ex. ”18–19 endast läsning, 19–20 ingen tjänst”.",
                    "Phases lie within the window and in order, e.g. \"18–19 read-only, 19–20 no service\".",
                ])) }
                @for i in 0..SLOTS {
                    @let p = slot(i);
                    fieldset {
                        legend { (t(lang, ["Vaihe", "Fas", "Phase"])) " " (i + 1) }
                        (time_field(f, errors, lang, &format!("{p}_start"), t(lang, ["Alkaa", "Börjar", "Begins"])))
                        (time_field(f, errors, lang, &format!("{p}_end"), t(lang, ["Päättyy", "Slutar", "Ends"])))
                        (localized(f, errors, &format!("{p}_label"), t(lang, ["Mitä tapahtuu (yksi rivi)", "Vad som händer (en rad)", "What happens (one line)"]), false, &[]))
                    }
                }
            }
        }
    }
}
