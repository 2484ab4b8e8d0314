//! The emails and SMS a fault report causes: the reporter's acknowledgement and progress
//! messages (in the reporter's language), and the on-duty operators' pages (in Finnish,
//! technical support's working language, with the English words beside).

use super::criteria::Criterion;
use super::report::ReportFields;
use super::status::ReportStatus;
use crate::registry::Language;

/// An authority's incident-report page (`[intake] incident_links`).
#[derive(Clone, Debug)]
pub struct IncidentPage {
    pub name: String,
    pub url: String,
}

/// What every reporter message may need besides the report.
pub struct ReporterContext<'a> {
    pub reference: &'a str,
    /// Technical support's phone number.
    pub phone: &'a str,
    pub incident_pages: &'a [IncidentPage],
}

/// A subject and a plain-text body.
pub struct Text {
    pub subject: String,
    pub body: String,
}

fn pick(lang: Language, fi: &str, sv: &str, en: &str) -> String {
    match lang {
        Language::Fi => fi,
        Language::Sv => sv,
        Language::En => en,
    }
    .to_owned()
}

/// The call-us paragraph of a critical report.
pub fn phone_request(lang: Language, phone: &str) -> String {
    match lang {
        Language::Fi => {
            format!("Vika on kriittinen: soita lisäksi tekniseen tukeen, puh. {phone}.")
        }
        Language::Sv => {
            format!("Felet är kritiskt: ring dessutom den tekniska supporten, tfn {phone}.")
        }
        Language::En => {
            format!("This fault is critical: please also phone technical support on {phone}.")
        }
    }
}

/// The incident-report duty of the patient-safety criterion, with the authorities' pages.
pub fn incident_duty(lang: Language, pages: &[IncidentPage]) -> String {
    let intro = pick(
        lang,
        "Jos tietojärjestelmä on vaarantanut potilas- tai asiakasturvallisuutta, palvelunantajan ja järjestelmätoimittajan on tehtävä vaaratilanneilmoitus viranomaiselle:",
        "Om ett informationssystem har äventyrat patient- eller klientsäkerheten ska tjänsteanordnaren och systemleverantören göra en anmälan om risksituationen till myndigheten:",
        "If an information system has endangered patient or client safety, the service provider and the system supplier must report the incident to the authorities:",
    );
    let links: Vec<String> = pages
        .iter()
        .map(|p| format!("- {}: {}", p.name, p.url))
        .collect();
    format!("{intro}\n{}", links.join("\n"))
}

/// The acknowledgement sent to the reporter at once.
pub fn acknowledgement(f: &ReportFields, cx: &ReporterContext<'_>) -> Text {
    let lang = f.language;
    let reference = cx.reference;
    let subject = match lang {
        Language::Fi => format!("Vikailmoitus vastaanotettu: {reference}"),
        Language::Sv => format!("Felanmälan mottagen: {reference}"),
        Language::En => format!("Fault report received: {reference}"),
    };
    let mut parts = vec![
        match lang {
            Language::Fi => format!(
                "Hei {},\n\ntekninen tuki on vastaanottanut vikailmoituksenne. Tunnus: {reference}. Mainitse tunnus, kun otat yhteyttä.",
                f.reporter_name
            ),
            Language::Sv => format!(
                "Hej {},\n\nden tekniska supporten har tagit emot er felanmälan. Referens: {reference}. Ange referensen när du kontaktar oss.",
                f.reporter_name
            ),
            Language::En => format!(
                "Hello {},\n\ntechnical support has received your fault report. Reference: {reference}. Please quote it whenever you contact us.",
                f.reporter_name
            ),
        },
        pick(
            lang,
            "Mitä seuraavaksi: tekninen tuki arvioi ilmoituksen ja kertoo sähköpostitse, kun selvitys etenee, arvion korjausajasta ja kun asia on ratkaistu. Jos vika on laaja, siitä julkaistaan häiriötiedote.",
            "Vad händer härnäst: den tekniska supporten bedömer anmälan och meddelar per e-post när utredningen framskrider, en uppskattning av när felet är åtgärdat och när ärendet är löst. Om felet är omfattande publiceras ett störningsmeddelande.",
            "What happens next: technical support assesses the report and emails you as the investigation progresses, with an estimate of when it will be fixed, and when it is solved. If the fault is widespread, a fault notice is published.",
        ),
    ];
    if f.is_critical() {
        parts.push(phone_request(lang, cx.phone));
    }
    if f.criteria.contains(&Criterion::PatientSafety) && !cx.incident_pages.is_empty() {
        parts.push(incident_duty(lang, cx.incident_pages));
    }
    parts.push(pick(
        lang,
        "Älä lähetä potilas- tai asiakastietoja tähän viestiin vastaamalla.",
        "Skicka inga patient- eller klientuppgifter genom att svara på detta meddelande.",
        "Do not send patient or client details by replying to this message.",
    ));
    Text {
        subject,
        body: parts.join("\n\n"),
    }
}

/// A progress message: the new state, support's words, an estimate, the notice's link.
pub fn progress(
    f: &ReportFields,
    reference: &str,
    status: ReportStatus,
    reply: Option<&str>,
    estimate: Option<&str>,
    notice_link: Option<&str>,
) -> Text {
    let lang = f.language;
    let label = status.label(lang);
    let subject = match lang {
        Language::Fi => format!("Vikailmoitus {reference}: {label}"),
        Language::Sv => format!("Felanmälan {reference}: {label}"),
        Language::En => format!("Fault report {reference}: {label}"),
    };
    let mut parts = vec![match lang {
        Language::Fi => format!("Vikailmoituksenne {reference} tila: {label}."),
        Language::Sv => format!("Status för er felanmälan {reference}: {label}."),
        Language::En => format!("Your fault report {reference} is now: {label}."),
    }];
    if let Some(reply) = reply {
        parts.push(reply.to_owned());
    }
    if let Some(estimate) = estimate {
        parts.push(match lang {
            Language::Fi => format!("Arvio korjauksesta: {estimate}."),
            Language::Sv => format!("Uppskattning av när felet är åtgärdat: {estimate}."),
            Language::En => format!("Estimated fix: {estimate}."),
        });
    }
    if let Some(link) = notice_link {
        parts.push(match lang {
            Language::Fi => format!("Häiriötiedote, jota päivitetään tilanteen muuttuessa: {link}"),
            Language::Sv => {
                format!("Störningsmeddelandet, som uppdateras när läget ändras: {link}")
            }
            Language::En => format!("The fault notice, updated as the situation changes: {link}"),
        });
    }
    Text {
        subject,
        body: parts.join("\n\n"),
    }
}

/// The on-duty page for a critical report: no reporter details beyond the organisation,
/// enough to act on (and the console link).
pub fn page(f: &ReportFields, reference: &str, services: &str, console_link: &str) -> Text {
    let criteria: Vec<&str> = f
        .criteria
        .iter()
        .filter(|c| c.is_critical())
        .map(|c| c.code())
        .collect();
    Text {
        subject: format!("KRIITTINEN vikailmoitus / critical fault report {reference}: {services}"),
        body: format!(
            "{reference}: {} ({}) ilmoittaa kriittisestä viasta / reports a critical fault.\nPalvelut / services: {services}\nKriteerit / criteria: {}\n{console_link}",
            f.organisation_name,
            f.business_id,
            criteria.join(", ")
        ),
    }
}

/// The on-duty alert for a probable national fault.
pub fn cluster_alert(
    service: &str,
    organisations: usize,
    minutes: i64,
    console_link: &str,
) -> Text {
    Text {
        subject: format!(
            "Todennäköinen valtakunnallinen vika / probable national fault: {service}"
        ),
        body: format!(
            "{organisations} organisaatiota on ilmoittanut viasta palvelussa {service} {minutes} minuutin sisällä.\n{organisations} organisations reported a fault in {service} within {minutes} minutes.\n{console_link}"
        ),
    }
}
