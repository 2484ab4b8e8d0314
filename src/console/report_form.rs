//! The fault report form — public at `/report`, and in the portal with the organisation
//! fixed — and the page that confirms a report with its reference.

use super::fields::{Posted, described, error_list, errors_of, text_field};
use super::layout::{Viewer, layout};
use super::t;
use crate::fault_reports::{Criterion, IncidentPage, MAX_ATTACHMENTS, none_applies};
use crate::registry::{Catalogue, Language};
use crate::validation::FieldError;
use maud::{Markup, html};

/// Where the form is shown.
pub struct ReportForm<'a> {
    pub lang: Language,
    /// The signed-in portal admin, when in the portal.
    pub viewer: Option<&'a Viewer<'a>>,
    /// The organisation as registered (name, business ID), fixed in the portal.
    pub organisation: Option<(&'a str, &'a str)>,
    pub posted: &'a Posted,
    pub errors: &'a [FieldError],
    /// Files were chosen but the form came back: they must be chosen again.
    pub had_files: bool,
    pub catalogue: &'a Catalogue,
}

const TITLE: [&str; 3] = [
    "Vikailmoitus tekniselle tuelle",
    "Felanmälan till teknisk support",
    "Fault report to technical support",
];

fn no_patient_data(lang: Language) -> &'static str {
    t(
        lang,
        [
            "Älä kirjoita ilmoitukseen tai liitteisiin potilaan tai asiakkaan tunnistetietoja, kuten henkilötunnusta. Ilmoitus, jossa on henkilötunnus, palautetaan korjattavaksi.",
            "Skriv inga uppgifter som identifierar en patient eller klient, som personbeteckning, i anmälan eller bilagorna. En anmälan med en personbeteckning skickas tillbaka för rättelse.",
            "Do not include anything that identifies a patient or client, such as a personal identity code, in the report or its attachments. A report with an identity code is sent back for correction.",
        ],
    )
}

/// A group of checkboxes named `name`, each `(value, label)`, with its errors.
fn checkboxes(
    f: &Posted,
    errors: &[FieldError],
    name: &str,
    legend: &str,
    help: Option<&str>,
    items: &[(String, String)],
) -> Markup {
    let invalid = !errors_of(errors, name).is_empty();
    // The help is the error's own words when the group is refused: said once.
    let d = described(errors, name, help.is_some() && !invalid);
    html! {
        fieldset id=(name) aria-describedby=[(!d.is_empty()).then_some(d.as_str())] aria-invalid=[invalid.then_some("true")] {
            legend { (legend) " *" }
            @if let Some(h) = help.filter(|_| !invalid) { p.help id={ (name) "-help" } { (h) } }
            (error_list(errors, name))
            @for (i, (value, label)) in items.iter().enumerate() {
                div.check {
                    input type="checkbox" id={ (name) "-" (i) } name=(name) value=(value) checked[f.has(name, value)];
                    label for={ (name) "-" (i) } { (label) }
                }
            }
        }
    }
}

/// The form, empty or as it came back with its errors.
pub fn report_form_page(form: &ReportForm) -> String {
    let lang = form.lang;
    let (f, errors) = (
        form.posted,
        &super::messages::translated(lang, form.errors)[..],
    );
    let action = match form.viewer {
        Some(_) => "/portal/reports",
        None => "/report",
    };
    let services: Vec<(String, String)> = form
        .catalogue
        .services()
        .iter()
        .map(|s| {
            (
                s.code.as_str().to_owned(),
                form.catalogue.name(s.code.as_str(), lang),
            )
        })
        .collect();
    let criteria: Vec<(String, String)> = Criterion::ALL
        .iter()
        .map(|c| (c.code().to_owned(), c.label(lang).to_owned()))
        .collect();
    let file_errors = errors.iter().any(|e| e.field.starts_with("attachments"));
    let body = html! {
        h1 { (t(lang, TITLE)) }
        p { (t(lang, [
            "Ilmoita vika, kun se koskee valtakunnallista palvelua ja vähintään yksi alla olevista ehdoista täyttyy. Saat viitetunnuksen heti ja tiedon sähköpostilla, kun selvitys etenee.",
            "Anmäl ett fel när det gäller en nationell tjänst och minst ett av villkoren nedan uppfylls. Du får en referens genast och besked per e-post när utredningen framskrider.",
            "Report a fault when it concerns a national service and at least one of the conditions below holds. You get a reference at once, and word by email as the investigation progresses.",
        ])) }
        div.notice role="note" { p { strong { (no_patient_data(lang)) } } }
        @if !errors.is_empty() {
            div.alert role="alert" tabindex="-1" id="errors" {
                p { (t(lang, ["Tarkista merkityt kentät.", "Kontrollera de markerade fälten.", "Check the marked fields."])) }
                ul { @for e in errors { li { a href={ "#" (super::fields::field_id(&e.field)) } { (e.message) } } } }
            }
        }
        form method="post" action={ (action) "?lang=" (lang.code()) } enctype="multipart/form-data" novalidate {
            @if let Some(v) = form.viewer { input type="hidden" name="csrf" value=(v.csrf); }
            input type="hidden" name="language" value=(lang.code());
            input type="hidden" name="idem" value=(f.get("idem"));
            fieldset {
                legend { (t(lang, ["Ilmoittaja", "Anmälare", "Reporter"])) }
                (text_field(f, errors, "reporter_name", t(lang, ["Nimi", "Namn", "Name"]), false, true))
                (text_field(f, errors, "reporter_email", t(lang, ["Sähköposti", "E-post", "Email"]), false, true))
                (text_field(f, errors, "reporter_phone", t(lang, ["Puhelin", "Telefon", "Phone"]), false, true))
            }
            fieldset {
                legend { (t(lang, ["Organisaatio", "Organisation", "Organisation"])) }
                @if let Some((name, business_id)) = form.organisation {
                    p { strong { (name) } " (" (business_id) ")" }
                } @else {
                    (text_field(f, errors, "organisation_name", t(lang, ["Organisaation nimi", "Organisationens namn", "Organisation name"]), false, true))
                    (text_field(f, errors, "business_id", t(lang, ["Y-tunnus", "FO-nummer", "Business ID"]), false, true))
                }
            }
            (checkboxes(f, errors, "services", t(lang, ["Palvelut, joita vika koskee", "Tjänster som felet gäller", "Services affected"]), None, &services))
            (super::fields::time_field(f, errors, lang, "started_at", t(lang, ["Milloin vika alkoi", "När felet började", "When the fault started"])))
            (checkboxes(f, errors, "criteria", t(lang, ["Miksi vika kuuluu tekniselle tuelle", "Varför felet hör till den tekniska supporten", "Why the fault is one for technical support"]),
                Some(none_applies(lang)), &criteria))
            (text_field(f, errors, "description", t(lang, ["Tarkka kuvaus: mitä tehtiin ja mitä tapahtui", "Noggrann beskrivning: vad gjordes och vad hände", "Precise description: what was done and what happened"]), true, true))
            (text_field(f, errors, "error_text", t(lang, ["Virheilmoituksen teksti", "Felmeddelandets text", "Error message text"]), true, false))
            (text_field(f, errors, "workstation", t(lang, ["Työaseman tunniste", "Arbetsstationens identifierare", "Workstation identifier"]), false, false))
            (text_field(f, errors, "application", t(lang, ["Sovellus", "Applikation", "Application"]), false, false))
            div.field {
                label for="attachments" { (t(lang, ["Liitteet (kuvakaappaus tai PDF)", "Bilagor (skärmbild eller PDF)", "Attachments (screenshot or PDF)"])) }
                p.help id="attachments-help" {
                    (t(lang, ["Enintään", "Högst", "At most"])) " " (MAX_ATTACHMENTS) " "
                    (t(lang, ["PNG-, JPEG- tai PDF-tiedostoa, kukin enintään 5 Mt.", "PNG-, JPEG- eller PDF-filer, högst 5 MB var.", "PNG, JPEG or PDF files of at most 5 MB each."]))
                    @if form.had_files && !errors.is_empty() {
                        " " strong { (t(lang, ["Valitse liitteet uudelleen.", "Välj bilagorna på nytt.", "Choose the attachments again."])) }
                    }
                }
                (error_list(errors, "attachments"))
                input id="attachments" name="attachments" type="file" multiple accept="image/png,image/jpeg,application/pdf"
                    aria-describedby={ "attachments-help" @if file_errors { " attachments-error" } } aria-invalid=[file_errors.then_some("true")];
            }
            button type="submit" { (t(lang, ["Lähetä vikailmoitus", "Skicka felanmälan", "Send the fault report"])) }
        }
    };
    let path = match form.viewer {
        Some(_) => "/portal/reports/new",
        None => "/report",
    };
    layout(lang, t(lang, TITLE), path, form.viewer, body)
}

/// What the confirmation says.
pub struct ReportSent<'a> {
    pub lang: Language,
    pub viewer: Option<&'a Viewer<'a>>,
    pub reference: &'a str,
    pub email: &'a str,
    pub critical: bool,
    pub patient_safety: bool,
    pub phone: &'a str,
    pub incident_pages: &'a [IncidentPage],
}

/// The confirmation: the reference, what happens next, and for a critical fault the number
/// to call; for patient safety the incident-report duty.
pub fn report_sent_page(s: &ReportSent) -> String {
    let lang = s.lang;
    let body = html! {
        h1 { (t(lang, ["Vikailmoitus vastaanotettu", "Felanmälan mottagen", "Fault report received"])) }
        div.notice role="status" {
            p { (t(lang, ["Viitetunnus", "Referens", "Reference"])) ": " strong.reference { (s.reference) } }
        }
        @if s.critical {
            div.alert role="alert" {
                p { strong { (crate::fault_reports::phone_request(lang, s.phone)) } }
                p { a href={ "tel:" (s.phone.replace(' ', "")) } { (s.phone) } }
            }
        }
        p {
            (t(lang, ["Vahvistus on lähetetty osoitteeseen", "En bekräftelse har skickats till", "A confirmation was sent to"])) " " (s.email) ". "
            (t(lang, [
                "Tekninen tuki arvioi ilmoituksen ja kertoo sähköpostitse, kun selvitys etenee, arvion korjausajasta ja kun asia on ratkaistu. Mainitse viitetunnus, kun otat yhteyttä.",
                "Den tekniska supporten bedömer anmälan och meddelar per e-post när utredningen framskrider, en uppskattning av när felet är åtgärdat och när ärendet är löst. Ange referensen när du kontaktar oss.",
                "Technical support assesses the report and emails you as the investigation progresses, with an estimate of the fix, and when it is solved. Quote the reference whenever you contact us.",
            ])) }
        @if s.patient_safety && !s.incident_pages.is_empty() {
            h2 { (t(lang, ["Vaaratilanneilmoitus", "Anmälan om risksituation", "Incident report"])) }
            p { (t(lang, [
                "Jos tietojärjestelmä on vaarantanut potilas- tai asiakasturvallisuutta, palvelunantajan ja järjestelmätoimittajan on tehtävä vaaratilanneilmoitus viranomaiselle:",
                "Om ett informationssystem har äventyrat patient- eller klientsäkerheten ska tjänsteanordnaren och systemleverantören göra en anmälan om risksituationen till myndigheten:",
                "If an information system has endangered patient or client safety, the service provider and the system supplier must report the incident to the authorities:",
            ])) }
            ul { @for p in s.incident_pages { li { a href=(p.url) { (p.name) } } } }
        }
        p {
            a href="/" { (t(lang, ["Katso häiriötiedotteet", "Se störningsmeddelandena", "See the fault notices"])) }
            @if s.viewer.is_some() {
                " · " a href={ "/portal/reports?lang=" (lang.code()) } { (t(lang, ["Organisaation vikailmoitukset", "Organisationens felanmälningar", "Your organisation's fault reports"])) }
            } @else {
                " · " a href={ "/report?lang=" (lang.code()) } { (t(lang, ["Uusi vikailmoitus", "Ny felanmälan", "Another fault report"])) }
            }
        }
    };
    let path = if s.viewer.is_some() {
        "/portal/reports/new"
    } else {
        "/report"
    };
    layout(
        lang,
        t(
            lang,
            [
                "Vikailmoitus vastaanotettu",
                "Felanmälan mottagen",
                "Fault report received",
            ],
        ),
        path,
        s.viewer,
        body,
    )
}
