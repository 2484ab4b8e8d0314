//! `[intake]`: fault reports — whom to page, what number to call, clusters, and where
//! incidents endangering patients are reported.

use serde::Deserialize;

/// Fault report intake.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeSettings {
    /// Technical support's phone number, shown to reporters of critical faults.
    pub phone: String,
    /// The on-duty operators' email addresses, paged for critical reports and clusters.
    pub on_duty_emails: Vec<String>,
    /// The on-duty operators' mobile numbers (SMS), paged likewise.
    pub on_duty_phones: Vec<String>,
    /// Distinct organisations reporting one service that make a probable national fault.
    pub cluster_orgs: u32,
    /// … within this many minutes of each other.
    pub cluster_minutes: u32,
    /// Where incidents endangering patient or client safety are reported (shown when the
    /// patient-safety criterion is chosen).
    pub incident_links: Vec<IncidentLink>,
}

/// An authority's incident-report page.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentLink {
    pub name: String,
    pub url: String,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        Self {
            phone: "020 634 7787".into(),
            on_duty_emails: Vec::new(),
            on_duty_phones: Vec::new(),
            cluster_orgs: 3,
            cluster_minutes: 30,
            incident_links: Vec::new(),
        }
    }
}

impl IntakeSettings {
    /// Checks every key; the error names it.
    pub fn validate(&self) -> Result<(), String> {
        if self.phone.trim().is_empty() {
            return Err("intake.phone: must be technical support's phone number".into());
        }
        for (i, a) in self.on_duty_emails.iter().enumerate() {
            crate::registry::EmailAddress::parse(a)
                .map_err(|e| format!("intake.on_duty_emails[{i}]: the address {e}"))?;
        }
        for (i, p) in self.on_duty_phones.iter().enumerate() {
            crate::registry::PhoneNumber::parse(p)
                .map_err(|e| format!("intake.on_duty_phones[{i}]: the number {e}"))?;
        }
        if self.cluster_orgs < 2 {
            return Err("intake.cluster_orgs: must be at least 2 organisations".into());
        }
        if self.cluster_minutes == 0 {
            return Err("intake.cluster_minutes: must be at least 1".into());
        }
        for (i, l) in self.incident_links.iter().enumerate() {
            let ok = url::Url::parse(&l.url).is_ok_and(|u| u.scheme() == "https");
            if !ok || l.name.trim().is_empty() {
                return Err(format!(
                    "intake.incident_links[{i}]: needs a name and an https:// url"
                ));
            }
        }
        Ok(())
    }

    /// The cluster window.
    pub fn cluster_window(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.cluster_minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_intake_setting_is_refused_naming_its_key() {
        assert_eq!(IntakeSettings::default().validate(), Ok(()));
        let with = |f: fn(&mut IntakeSettings)| {
            let mut s = IntakeSettings::default();
            f(&mut s);
            s.validate().unwrap_err()
        };
        assert!(with(|s| s.phone = " ".into()).starts_with("intake.phone:"));
        assert!(
            with(|s| s.on_duty_emails = vec!["nope".into()])
                .starts_with("intake.on_duty_emails[0]:")
        );
        assert!(
            with(|s| s.on_duty_phones = vec!["12".into()]).starts_with("intake.on_duty_phones[0]:")
        );
        assert!(with(|s| s.cluster_orgs = 1).starts_with("intake.cluster_orgs:"));
        assert!(with(|s| s.cluster_minutes = 0).starts_with("intake.cluster_minutes:"));
        let plain_http = |s: &mut IntakeSettings| {
            s.incident_links = vec![IncidentLink {
                name: "Fimea".into(),
                url: "http://fimea.fi".into(),
            }]
        };
        assert!(with(plain_http).starts_with("intake.incident_links[0]:"));
    }
}
