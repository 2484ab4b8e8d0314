//! What a notice does to each service: whether use is prevented at all (`usage_break`),
//! and per service how (`impact`) — the first thing a reader needs to know.

use crate::codes::code_enum;
use crate::registry::{Catalogue, Language, ServiceCode};
use crate::validation::FieldErrors;
use std::collections::{BTreeMap, BTreeSet};

code_enum! {
    /// How one service is affected.
    pub enum Impact {
        /// The service cannot be used.
        Down = "down",
        /// Slow, or parts of it fail.
        Degraded = "degraded",
        /// Data cannot be retrieved from it.
        RetrieveBlocked = "retrieve_blocked",
        /// Data cannot be stored in it.
        StoreBlocked = "store_blocked",
    }
}

impl Impact {
    /// The impact in words, for readers.
    pub fn label(self, lang: Language) -> &'static str {
        let p = match self {
            Impact::Down => ["ei käytettävissä", "ur bruk", "unavailable"],
            Impact::Degraded => [
                "toimii hitaasti tai osittain",
                "fungerar långsamt eller delvis",
                "slow or partly failing",
            ],
            Impact::RetrieveBlocked => [
                "tietoja ei voi hakea",
                "uppgifter kan inte sökas",
                "data cannot be retrieved",
            ],
            Impact::StoreBlocked => [
                "tietoja ei voi tallentaa",
                "uppgifter kan inte lagras",
                "data cannot be stored",
            ],
        };
        match lang {
            Language::Fi => p[0],
            Language::Sv => p[1],
            Language::En => p[2],
        }
    }
}

/// `impact` as sent: each key one of the notice's `services`, each value an impact code.
pub(super) fn impacts(
    given: Option<BTreeMap<String, String>>,
    services: &BTreeSet<ServiceCode>,
    catalogue: &Catalogue,
    e: &mut FieldErrors,
) -> BTreeMap<ServiceCode, Impact> {
    let mut out = BTreeMap::new();
    for (code, impact) in given.unwrap_or_default() {
        let field = format!("impact.{code}");
        let Some(service) = e.check(&field, catalogue.parse_code(&code)) else {
            continue;
        };
        if !services.is_empty() && !services.contains(&service) {
            e.add(&field, "is not one of the notice's services");
            continue;
        }
        if let Some(i) = e.check(&field, Impact::parse(&impact)) {
            out.insert(service, i);
        }
    }
    out
}

/// Whether use is prevented: as given, else yes when a service is down; unknown otherwise.
pub(super) fn usage_break(
    given: Option<bool>,
    impact: &BTreeMap<ServiceCode, Impact>,
) -> Option<bool> {
    given.or_else(|| impact.values().any(|i| *i == Impact::Down).then_some(true))
}

fn pick(lang: Language, p: [&'static str; 3]) -> &'static str {
    match lang {
        Language::Fi => p[0],
        Language::Sv => p[1],
        Language::En => p[2],
    }
}

/// What a reader needs first, as labelled facts: whether the service can be used, how each
/// service is hit, and which other services are affected through them.
pub fn impact_facts(
    d: &super::NoticeFields,
    lang: Language,
    catalogue: &Catalogue,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(b) = d.prevents_use() {
        let label = pick(lang, ["Käyttökatko", "Avbrott", "Service break"]);
        let value = if b {
            [
                "kyllä, palvelua ei voi käyttää",
                "ja, tjänsten kan inte användas",
                "yes, the service cannot be used",
            ]
        } else {
            [
                "ei, palvelua voi käyttää",
                "nej, tjänsten kan användas",
                "no, the service can be used",
            ]
        };
        out.push((label, pick(lang, value).to_owned()));
    }
    for (service, impact) in &d.impact {
        out.push((
            pick(lang, ["Vaikutus", "Påverkan", "Impact"]),
            format!(
                "{}: {}",
                catalogue.name(service.as_str(), lang),
                impact.label(lang)
            ),
        ));
    }
    for (service, dep) in catalogue.affected_through(&d.services) {
        let part = match lang {
            Language::Fi => &dep.part.fi,
            Language::Sv => &dep.part.sv,
            Language::En => &dep.part.en,
        };
        let through = catalogue.name(dep.service.as_str(), lang);
        let name = catalogue.name(service.code.as_str(), lang);
        out.push((
            pick(lang, ["Vaikuttaa myös", "Påverkar också", "Also affected"]),
            match lang {
                Language::Fi => format!("{name}, {part} (riippuu palvelusta {through})"),
                Language::Sv => format!("{name}, {part} (beror på {through})"),
                Language::En => format!("{name}, {part} (through {through})"),
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impacts_name_the_notices_services_only_and_a_service_down_is_a_usage_break() {
        let catalogue = Catalogue::built_in().unwrap();
        let services: BTreeSet<ServiceCode> =
            [catalogue.parse_code("prescription-centre").unwrap()].into();
        let mut e = FieldErrors::new();
        let given = BTreeMap::from([
            ("prescription-centre".to_owned(), "down".to_owned()),
            ("mykanta".to_owned(), "degraded".to_owned()),
            ("nope".to_owned(), "down".to_owned()),
        ]);
        let out = impacts(Some(given), &services, &catalogue, &mut e);
        let fields: Vec<&str> = e.errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["impact.mykanta", "impact.nope"]);
        assert_eq!(usage_break(None, &out), Some(true));
        assert_eq!(usage_break(Some(false), &out), Some(false));
        assert_eq!(usage_break(None, &BTreeMap::new()), None);
        let mut e = FieldErrors::new();
        let bad = BTreeMap::from([("prescription-centre".to_owned(), "broken".to_owned())]);
        impacts(Some(bad), &services, &catalogue, &mut e);
        assert_eq!(e.errors()[0].field, "impact.prescription-centre");
    }
}
