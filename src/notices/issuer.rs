//! Who issued an instruction: in serious incidents the authorities' instructions are sent
//! to the organisations' contacts to pass on internally, and every output names the
//! authority they come from.

use crate::registry::Language;
use serde::{Deserialize, Serialize};

/// Longest name of another authority.
pub const MAX_ISSUER_LEN: usize = 100;

/// The authorities that issue instructions most often: code, and the name in fi, sv, en.
const KNOWN: &[(&str, [&str; 3])] = &[
    (
        "THL",
        [
            "Terveyden ja hyvinvoinnin laitos (THL)",
            "Institutet för hälsa och välfärd (THL)",
            "Finnish Institute for Health and Welfare (THL)",
        ],
    ),
    ("Kela", ["Kela", "FPA", "Kela"]),
    (
        "Valvira",
        [
            "Sosiaali- ja terveysalan lupa- ja valvontavirasto Valvira",
            "Tillstånds- och tillsynsverket för social- och hälsovården Valvira",
            "National Supervisory Authority for Welfare and Health (Valvira)",
        ],
    ),
    (
        "DVV",
        [
            "Digi- ja väestötietovirasto (DVV)",
            "Myndigheten för digitalisering och befolkningsdata (MDB)",
            "Digital and Population Data Services Agency (DVV)",
        ],
    ),
    (
        "STM",
        [
            "Sosiaali- ja terveysministeriö (STM)",
            "Social- och hälsovårdsministeriet (SHM)",
            "Ministry of Social Affairs and Health (STM)",
        ],
    ),
    (
        "Fimea",
        [
            "Lääkealan turvallisuus- ja kehittämiskeskus Fimea",
            "Säkerhets- och utvecklingscentret för läkemedelsområdet Fimea",
            "Finnish Medicines Agency (Fimea)",
        ],
    ),
];

/// The issuer of an instruction: one of the known authorities (by its short name, in any
/// case) or another authority, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Issuer(String);

impl Issuer {
    /// A known authority's short name (`thl` → `THL`), or another authority's name as plain
    /// text of at most `MAX_ISSUER_LEN` characters.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        if let Some((code, _)) = KNOWN.iter().find(|(code, _)| code.eq_ignore_ascii_case(s)) {
            return Ok(Self((*code).to_owned()));
        }
        crate::validation::plain_text(s, MAX_ISSUER_LEN)
            .map(Self)
            .map_err(|e| {
                format!("{e} (THL, Kela, Valvira, DVV, STM, Fimea or another authority's name)")
            })
    }

    /// As given (a known authority's short name).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The authority's name in `lang` (another authority's name as given).
    pub fn name(&self, lang: Language) -> &str {
        KNOWN
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, names)| match lang {
                Language::Fi => names[0],
                Language::Sv => names[1],
                Language::En => names[2],
            })
            .unwrap_or(&self.0)
    }
}

/// "Issued by" in `lang`.
pub fn issued_by(lang: Language) -> &'static str {
    match lang {
        Language::Fi => "Ohjeen antaja",
        Language::Sv => "Anvisningen ges av",
        Language::En => "Issued by",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_authority_is_named_in_each_language_and_another_as_given() {
        let thl = Issuer::parse(" thl ").unwrap();
        assert_eq!(thl.as_str(), "THL");
        assert_eq!(
            thl.name(Language::Sv),
            "Institutet för hälsa och välfärd (THL)"
        );
        assert_eq!(
            Issuer::parse("DVV").unwrap().name(Language::Sv),
            "Myndigheten för digitalisering och befolkningsdata (MDB)"
        );
        let other = Issuer::parse("Hyvinvointialueen valmiuskeskus").unwrap();
        assert_eq!(other.name(Language::En), "Hyvinvointialueen valmiuskeskus");
        assert!(Issuer::parse("").is_err());
        assert!(Issuer::parse(&"x".repeat(101)).is_err());
        assert!(Issuer::parse("a\nb").is_err());
    }
}
