//! The service catalogue: the national services notices are about, loaded from data.

use super::vocabulary::Audience;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A stable service code such as `prescription-centre`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct ServiceCode(String);

impl TryFrom<String> for ServiceCode {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

/// Long enough for every real code, short enough to keep URLs and CSV cells tidy.
const MAX_SERVICE_CODE_LEN: usize = 40;

impl ServiceCode {
    /// Lowercase ASCII letters and digits separated by single hyphens.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let well_formed = !s.is_empty()
            && s.len() <= MAX_SERVICE_CODE_LEN
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if well_formed {
            Ok(Self(s.to_owned()))
        } else {
            Err("is not a service code (lowercase letters, digits and hyphens)".into())
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A service's name in each notice language.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceNames {
    pub fi: String,
    pub sv: String,
    pub en: String,
}

/// One national service.
#[derive(Clone, Debug)]
pub struct Service {
    pub code: ServiceCode,
    pub names: ServiceNames,
    pub aliases: Vec<String>,
    pub audiences: Vec<Audience>,
    /// The services part of this one works through: a fault in one of them affects it.
    pub depends_on: Vec<Dependency>,
}

/// That part of a service works through another (MyKanta's prescriptions through the
/// Prescription Centre).
#[derive(Clone, Debug)]
pub struct Dependency {
    /// The service depended on.
    pub service: ServiceCode,
    /// What of the dependent service it carries, in each language.
    pub part: ServiceNames,
}

/// Every service faultcast knows, in catalogue order.
#[derive(Clone, Debug)]
pub struct Catalogue {
    services: Vec<Service>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    service: Vec<ServiceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceEntry {
    code: String,
    names: ServiceNames,
    #[serde(default)]
    aliases: Vec<String>,
    audiences: Vec<String>,
    #[serde(default)]
    depends_on: Vec<DependencyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DependencyEntry {
    service: String,
    part: ServiceNames,
}

/// The catalogue shipped inside the binary: `config/services.toml` as it was built.
const BUILT_IN: &str = include_str!("../../config/services.toml");

impl Catalogue {
    /// The catalogue built into the binary (checked by a unit test, so it always parses).
    pub fn built_in() -> Result<Self, String> {
        Self::from_toml(BUILT_IN)
    }

    /// Parses `services.toml`; every problem names the service and key.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: CatalogueFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut seen = BTreeSet::new();
        let mut services = Vec::with_capacity(file.service.len());
        let known: BTreeSet<&str> = file.service.iter().map(|s| s.code.as_str()).collect();
        let mut depends = Vec::with_capacity(file.service.len());
        for (i, entry) in file.service.iter().enumerate() {
            let mut list = Vec::new();
            for (j, d) in entry.depends_on.iter().enumerate() {
                let at = format!("service[{i}].depends_on[{j}]");
                if !known.contains(d.service.as_str()) || d.service == entry.code {
                    return Err(format!(
                        "{at}.service `{}` is not another service of the catalogue",
                        d.service
                    ));
                }
                let service =
                    ServiceCode::parse(&d.service).map_err(|e| format!("{at}.service {e}"))?;
                list.push(Dependency {
                    service,
                    part: d.part.clone(),
                });
            }
            depends.push(list);
        }
        for ((i, entry), depends_on) in file.service.into_iter().enumerate().zip(depends) {
            let at = format!("service[{i}]");
            let code = ServiceCode::parse(&entry.code).map_err(|e| format!("{at}.code {e}"))?;
            if !seen.insert(code.clone()) {
                return Err(format!("{at}.code `{code}` appears twice"));
            }
            for (lang, name) in [
                ("fi", &entry.names.fi),
                ("sv", &entry.names.sv),
                ("en", &entry.names.en),
            ] {
                if name.trim().is_empty() {
                    return Err(format!("{at}.names.{lang} must not be empty"));
                }
            }
            let audiences = entry
                .audiences
                .iter()
                .map(|a| Audience::parse(a).map_err(|e| format!("{at}.audiences `{a}` {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            if audiences.is_empty() {
                return Err(format!("{at}.audiences must name at least one audience"));
            }
            services.push(Service {
                code,
                names: entry.names,
                aliases: entry.aliases,
                audiences,
                depends_on,
            });
        }
        if services.is_empty() {
            return Err("the catalogue lists no [[service]]".into());
        }
        Ok(Self { services })
    }

    /// Every service, in catalogue order.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service with this code, if the catalogue has it.
    pub fn get(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code.as_str() == code)
    }

    /// The service's name in `lang` (the code itself for a service no longer listed).
    pub fn name(&self, code: &str, lang: super::Language) -> String {
        match self.get(code) {
            Some(svc) => match lang {
                super::Language::Fi => svc.names.fi.clone(),
                super::Language::Sv => svc.names.sv.clone(),
                super::Language::En => svc.names.en.clone(),
            },
            None => code.to_owned(),
        }
    }

    /// The services affected through `services` (and not among them): each with the part
    /// of it that depends, and the service it depends on.
    pub fn affected_through<'a>(
        &'a self,
        services: &'a BTreeSet<ServiceCode>,
    ) -> impl Iterator<Item = (&'a Service, &'a Dependency)> + 'a {
        self.services
            .iter()
            .filter(|s| !services.contains(&s.code))
            .flat_map(move |s| {
                s.depends_on
                    .iter()
                    .filter(|d| services.contains(&d.service))
                    .map(move |d| (s, d))
            })
    }

    /// Parses a code and checks that the catalogue knows it.
    pub fn parse_code(&self, input: &str) -> Result<ServiceCode, String> {
        if input != input.trim() {
            return Err("must be a service code without surrounding spaces".into());
        }
        let code = ServiceCode::parse(input)?;
        match self.get(code.as_str()) {
            Some(s) => Ok(s.code.clone()),
            None => Err(format!("`{code}` is not a service in the catalogue")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = BUILT_IN;

    #[test]
    fn the_shipped_catalogue_has_every_service_of_the_domain() {
        let c = Catalogue::from_toml(SHIPPED).unwrap();
        let codes: Vec<&str> = c.services().iter().map(|s| s.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "prescription",
                "prescription-centre",
                "cross-border-prescription",
                "pharmaceutical-database",
                "patient-data-repository",
                "social-welfare-repository",
                "imaging-repository",
                "data-management",
                "wish-expressions",
                "mykanta",
                "kelain",
                "kanta-phr",
                "extranet",
                "access-point",
                "client-test",
                "kanta-fi",
                "population-register",
            ]
        );
        let pdr = c.get("patient-data-repository").unwrap();
        assert_eq!(pdr.names.sv, "Patientdatalagret");
        assert_eq!(pdr.audiences, [Audience::Healthcare]);
    }

    #[test]
    fn a_catalogue_error_names_the_service_and_key() {
        let bad = "[[service]]\ncode = \"x\"\nnames = { fi = \"a\", sv = \"b\", en = \"c\" }\naudiences = [\"martians\"]\n";
        let err = Catalogue::from_toml(bad).unwrap_err();
        assert!(err.starts_with("service[0].audiences `martians`"), "{err}");
    }

    #[test]
    fn a_fault_in_a_service_shows_the_services_that_work_through_it() {
        let c = Catalogue::from_toml(SHIPPED).unwrap();
        let rx: BTreeSet<ServiceCode> = [c.parse_code("prescription-centre").unwrap()].into();
        let through: Vec<(&str, &str)> = c
            .affected_through(&rx)
            .map(|(s, d)| (s.code.as_str(), d.part.en.as_str()))
            .collect();
        assert_eq!(through, [("mykanta", "prescriptions")]);
        let register: BTreeSet<ServiceCode> = [c.parse_code("population-register").unwrap()].into();
        let parts: Vec<&str> = c
            .affected_through(&register)
            .map(|(_, d)| d.part.fi.as_str())
            .collect();
        assert_eq!(parts, ["suostumukset, kiellot ja tahdonilmaisut"]);
        let both: BTreeSet<ServiceCode> = [
            c.parse_code("prescription-centre").unwrap(),
            c.parse_code("mykanta").unwrap(),
        ]
        .into();
        assert_eq!(
            c.affected_through(&both).count(),
            0,
            "a service named on the notice is not repeated"
        );
        let selfish = "[[service]]\ncode = \"x\"\nnames = { fi = \"a\", sv = \"b\", en = \"c\" }\naudiences = [\"citizen\"]\ndepends_on = [{ service = \"y\", part = { fi = \"a\", sv = \"b\", en = \"c\" } }]\n";
        let err = Catalogue::from_toml(selfish).unwrap_err();
        assert!(
            err.starts_with("service[0].depends_on[0].service `y`"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_codes_are_rejected() {
        let one = "[[service]]\ncode = \"x\"\nnames = { fi = \"a\", sv = \"b\", en = \"c\" }\naudiences = [\"citizen\"]\n";
        assert!(
            Catalogue::from_toml(&format!("{one}{one}"))
                .unwrap_err()
                .contains("appears twice")
        );
    }

    #[test]
    fn unknown_codes_are_refused_by_name() {
        let c = Catalogue::from_toml(SHIPPED).unwrap();
        assert_eq!(c.parse_code("mykanta").unwrap().as_str(), "mykanta");
        assert_eq!(
            c.parse_code("nope").unwrap_err(),
            "`nope` is not a service in the catalogue"
        );
        assert!(c.parse_code("Bad Code").is_err());
    }
}
