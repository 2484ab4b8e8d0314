//! The notice form's impact: whether use is prevented, and how each service is hit.

use super::fields::error_list;
use super::t;
use crate::notices::Impact;
use crate::registry::{Catalogue, Language};
use crate::validation::FieldError;
use maud::{Markup, html};
use std::collections::BTreeMap;

/// The usage-break choice and, in a fold, an impact per service.
pub(super) fn impact_fields(
    (values, services): (&BTreeMap<String, String>, &[String]),
    errors: &[FieldError],
    lang: Language,
    catalogue: &Catalogue,
) -> Markup {
    let value = |name: &str| values.get(name).map(String::as_str).unwrap_or("");
    let chosen = value("usage_break");
    // The notice's services (and any already given an impact); all of them until some are
    // chosen.
    let mut shown: Vec<&crate::registry::Service> = catalogue
        .services()
        .iter()
        .filter(|s| {
            services.iter().any(|c| c == s.code.as_str())
                || !value(&format!("impact_{}", s.code.as_str())).is_empty()
        })
        .collect();
    if shown.is_empty() {
        shown = catalogue.services().iter().collect();
    }
    let any_impact = catalogue
        .services()
        .iter()
        .any(|s| !value(&format!("impact_{}", s.code.as_str())).is_empty());
    html! {
        fieldset #usage_break {
            legend { (t(lang, ["Voiko palvelua käyttää?", "Kan tjänsten användas?", "Can the service be used?"])) }
            (error_list(errors, "usage_break"))
            ul.choices {
                @for (value, label) in [
                    ("", ["Ei ilmoiteta", "Anges inte", "Not stated"]),
                    ("yes", ["Käyttökatko: ei voi käyttää", "Avbrott: kan inte användas", "Service break: cannot be used"]),
                    ("no", ["Ei käyttökatkoa: voi käyttää", "Inget avbrott: kan användas", "No service break: can be used"]),
                ] {
                    li {
                        input type="radio" id={ "usage-" (if value.is_empty() { "unstated" } else { value }) } name="usage_break" value=(value) checked[chosen == value];
                        label for={ "usage-" (if value.is_empty() { "unstated" } else { value }) } { (t(lang, label)) }
                    }
                }
            }
        }
        details open[any_impact || errors.iter().any(|e| e.field.starts_with("impact"))] {
            summary { (t(lang, ["Vaikutus palveluittain", "Påverkan per tjänst", "Impact per service"])) }
            p.help { (t(lang, [
                "Valitse vain tiedotteen palveluille.",
                "Välj bara för meddelandets tjänster.",
                "Choose for the notice's services only.",
            ])) }
            @for s in shown {
                @let name = format!("impact_{}", s.code.as_str());
                div.field {
                    label for=(name) { (catalogue.name(s.code.as_str(), lang)) }
                    (error_list(errors, &name))
                    select id=(name) name=(name) {
                        option value="" { "–" }
                        @for i in Impact::ALL {
                            option value=(i.code()) selected[value(&name) == i.code()] { (i.label(lang)) }
                        }
                    }
                }
            }
        }
    }
}

/// The usage break and impacts the form says, as the API takes them.
pub(super) fn impact_input(
    values: &BTreeMap<String, String>,
) -> (Option<bool>, Option<BTreeMap<String, String>>) {
    let usage_break = match values.get("usage_break").map(String::as_str) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    let impact: BTreeMap<String, String> = values
        .iter()
        .filter_map(|(k, v)| {
            let code = k.strip_prefix("impact_")?;
            (!v.trim().is_empty()).then(|| (code.to_owned(), v.trim().to_owned()))
        })
        .collect();
    (usage_break, (!impact.is_empty()).then_some(impact))
}
