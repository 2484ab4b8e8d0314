//! The six criteria on which an organisation's helpdesk reports a fault to national technical
//! support, in the order the fault-situation instructions give them.

use crate::codes::code_enum;
use crate::registry::Language;

code_enum! {
    /// One reason a fault belongs to national technical support.
    pub enum Criterion {
        /// Localised to the national service, not the provider's own systems.
        NationalService = "national-service",
        /// Patient safety, or a social-welfare client's service, may be at risk.
        PatientSafety = "patient-safety",
        /// Patients' or clients' data protection may be at risk.
        DataProtection = "data-protection",
        /// Use of the service is prevented or significantly slowed.
        UsePrevented = "use-prevented",
        /// The extent cannot be determined; others may be affected.
        ExtentUnknown = "extent-unknown",
        /// Not in the national service, but it prevents using it.
        BlocksUse = "blocks-use",
    }
}

impl Criterion {
    /// Whether the criterion makes a report critical: the on-duty operators are paged and
    /// the reporter is asked to phone as well.
    pub fn is_critical(self) -> bool {
        matches!(
            self,
            Criterion::PatientSafety | Criterion::DataProtection | Criterion::UsePrevented
        )
    }

    /// The criterion as the form and the emails state it.
    pub fn label(self, lang: Language) -> &'static str {
        use Criterion::*;
        use Language::*;
        match (self, lang) {
            (NationalService, Fi) => {
                "Vika on itse valtakunnallisessa palvelussa eikä oman apteekki-, asiakas- tai potilastietojärjestelmämme puolella."
            }
            (NationalService, Sv) => {
                "Felet finns i själva den nationella tjänsten, inte i vårt eget apoteks-, klient- eller patientdatasystem."
            }
            (NationalService, En) => {
                "The fault is in the national service itself, not in our own pharmacy, client or patient system."
            }
            (PatientSafety, Fi) => {
                "Potilasturvallisuus tai sosiaalihuollon asiakkaan saama palvelu voi vaarantua."
            }
            (PatientSafety, Sv) => {
                "Patientsäkerheten eller den service en klient inom socialvården får kan äventyras."
            }
            (PatientSafety, En) => {
                "Patient safety, or the service a social-welfare client receives, may be at risk."
            }
            (DataProtection, Fi) => "Potilaiden tai asiakkaiden tietosuoja voi vaarantua.",
            (DataProtection, Sv) => "Patienters eller klienters dataskydd kan äventyras.",
            (DataProtection, En) => "The data protection of patients or clients may be at risk.",
            (UsePrevented, Fi) => {
                "Palvelua ei voi käyttää, tai sen käyttö on tavallista huomattavasti hitaampaa."
            }
            (UsePrevented, Sv) => {
                "Tjänsten kan inte användas, eller den är betydligt långsammare än normalt."
            }
            (UsePrevented, En) => {
                "The service cannot be used, or using it is much slower than normal."
            }
            (ExtentUnknown, Fi) => {
                "Vian laajuutta ei pystytä arvioimaan; se voi koskea muitakin organisaatioita."
            }
            (ExtentUnknown, Sv) => {
                "Felets omfattning går inte att bedöma; det kan gälla även andra organisationer."
            }
            (ExtentUnknown, En) => {
                "We cannot tell how widespread the fault is; other organisations may be affected too."
            }
            (BlocksUse, Fi) => {
                "Vika ei ole valtakunnallisessa palvelussa, mutta se estää meitä käyttämästä sitä."
            }
            (BlocksUse, Sv) => {
                "Felet finns inte i den nationella tjänsten, men det hindrar oss från att använda den."
            }
            (BlocksUse, En) => {
                "The fault is not in the national service, but it stops us from using it."
            }
        }
    }
}

/// What the form says when none of the criteria applies (and the API's error, in English).
pub fn none_applies(lang: Language) -> &'static str {
    match lang {
        Language::Fi => {
            "Jos mikään näistä ei päde, vika ei kuulu valtakunnalliselle tekniselle tuelle: ota yhteyttä oman organisaatiosi käyttötukeen tai järjestelmätoimittajaanne."
        }
        Language::Sv => {
            "Om inget av detta stämmer hör felet inte till den nationella tekniska supporten: kontakta er organisations eget användarstöd eller er systemleverantör."
        }
        Language::En => {
            "If none of these applies, the fault is not one for national technical support: contact your organisation's own helpdesk or your system supplier."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patient_safety_data_protection_and_prevented_use_are_critical() {
        let critical: Vec<_> = Criterion::ALL.iter().filter(|c| c.is_critical()).collect();
        assert_eq!(
            critical,
            [
                &Criterion::PatientSafety,
                &Criterion::DataProtection,
                &Criterion::UsePrevented
            ]
        );
    }

    #[test]
    fn every_criterion_is_worded_differently_in_every_language() {
        for lang in Language::ALL {
            let labels: std::collections::BTreeSet<_> =
                Criterion::ALL.iter().map(|c| c.label(*lang)).collect();
            assert_eq!(labels.len(), Criterion::ALL.len());
        }
    }
}
