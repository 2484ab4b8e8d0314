//! One fault report: everything the reporter said, its attachments (downloads, operators
//! only), its history, and in the console the triage form; the incident-report duty when
//! patient safety may be at risk.

use super::fields::{Posted, error_list, errors_of, text_field};
use super::layout::{Desk, Viewer, layout};
use super::report_queue::{CRITICAL, REPORTS, service_names, status_label};
use super::t;
use crate::fault_reports::{Criterion, IncidentPage, ReportStatus};
use crate::notices::local_time;
use crate::query::FaultReportView;
use crate::registry::{Catalogue, Language};
use crate::validation::FieldError;
use maud::{Markup, html};

/// What the report page shows.
pub struct ReportPage<'a> {
    pub report: &'a FaultReportView,
    pub incident_pages: &'a [IncidentPage],
    /// The triage form as posted, and what was wrong with it.
    pub posted: &'a Posted,
    pub errors: &'a [FieldError],
}

fn row(label: &str, value: Markup) -> Markup {
    html! { tr { th scope="row" { (label) } td { (value) } } }
}

fn triage_form(
    lang: Language,
    viewer: &Viewer,
    r: &FaultReportView,
    f: &Posted,
    errors: &[FieldError],
) -> Markup {
    let now = ReportStatus::parse(&r.status).unwrap_or(ReportStatus::New);
    let chosen = f.get("status");
    let invalid = !errors_of(errors, "status").is_empty();
    html! {
        section aria-labelledby="triage" {
            h2 #triage { (t(lang, ["Käsittely", "Handläggning", "Triage"])) }
            form method="post" action={ "/console/reports/" (r.id) "?lang=" (lang.code()) } novalidate {
                input type="hidden" name="csrf" value=(viewer.csrf);
                div.field {
                    label for="status" { (t(lang, ["Uusi tila", "Ny status", "New state"])) }
                    (error_list(errors, "status"))
                    select #status name="status" aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then_some("status-error")] {
                        option value="" { (t(lang, ["Ei muutosta", "Ingen ändring", "No change"])) }
                        @for s in now.next() {
                            option value=(s.code()) selected[chosen == s.code()] { (s.label(lang)) }
                        }
                    }
                }
                (text_field(f, errors, "notice_id", t(lang, ["Tiedotteen tunniste (kun liitetään tiedotteeseen)", "Meddelandets id (vid koppling till ett meddelande)", "Notice id (when linked to a notice)"]), false, false))
                (text_field(f, errors, "duplicate_of", t(lang, ["Alkuperäisen ilmoituksen tunniste (kun sama vika)", "Den ursprungliga anmälans id (vid samma fel)", "Original report id (when a duplicate)"]), false, false))
                (text_field(f, errors, "reply", t(lang, ["Viesti ilmoittajalle (lähetetään sähköpostilla)", "Meddelande till anmälaren (skickas per e-post)", "Message to the reporter (sent by email)"]), true, false))
                (text_field(f, errors, "estimate", t(lang, ["Arvio korjauksesta", "Uppskattning av åtgärden", "Estimated fix"]), false, false))
                (text_field(f, errors, "note", t(lang, ["Sisäinen muistiinpano (ei näy ilmoittajalle)", "Intern anteckning (syns inte för anmälaren)", "Internal note (not shown to the reporter)"]), true, false))
                button type="submit" { (t(lang, ["Tallenna", "Spara", "Save"])) }
            }
            @if r.notice_id.is_none() {
                p { a.button href={ "/console/reports/notice?report=" (r.id) "&lang=" (lang.code()) } { (t(lang, ["Luo häiriötiedote tästä ilmoituksesta", "Skapa ett störningsmeddelande av anmälan", "Create a fault notice from this report"])) } }
            }
        }
    }
}

/// The report page (console or portal).
pub fn report_page(
    lang: Language,
    viewer: &Viewer,
    p: &ReportPage,
    catalogue: &Catalogue,
) -> String {
    let r = p.report;
    let console = viewer.desk == Desk::Console;
    let base = if console {
        "/console/reports"
    } else {
        "/portal/reports"
    };
    let safety = r
        .criteria
        .iter()
        .any(|c| c == Criterion::PatientSafety.code());
    let criteria: Vec<&str> = r
        .criteria
        .iter()
        .filter_map(|c| Criterion::parse(c).ok())
        .map(|c| c.label(lang))
        .collect();
    let errors = &super::messages::translated(lang, p.errors)[..];
    let body = html! {
        p { a href={ (base) "?lang=" (lang.code()) } { "← " (t(lang, REPORTS)) } }
        h1 { (r.reference) @if r.critical { " " strong.critical { (t(lang, CRITICAL)) } } }
        p { (t(lang, ["Tila", "Status", "State"])) ": " strong { (status_label(lang, &r.status)) } }
        @if !errors.is_empty() {
            div.alert role="alert" { p { (t(lang, ["Tarkista merkityt kentät.", "Kontrollera de markerade fälten.", "Check the marked fields."])) } }
        }
        @if safety && !p.incident_pages.is_empty() {
            section.alert aria-labelledby="incident" {
                h2 #incident { (t(lang, ["Vaaratilanneilmoitus", "Anmälan om risksituation", "Incident report"])) }
                p { (t(lang, [
                    "Potilasturvallisuus voi olla vaarassa: palvelunantajan ja järjestelmätoimittajan on tehtävä vaaratilanneilmoitus viranomaiselle.",
                    "Patientsäkerheten kan vara i fara: tjänsteanordnaren och systemleverantören ska anmäla risksituationen till myndigheten.",
                    "Patient safety may be at risk: the service provider and the system supplier must report the incident to the authorities.",
                ])) }
                ul { @for i in p.incident_pages { li { a href=(i.url) { (i.name) } } } }
            }
        }
        table.record {
            tbody {
                (row(t(lang, ["Organisaatio", "Organisation", "Organisation"]), html! { (r.organisation_name) " (" (r.business_id) ")" @if r.source == "public" { " – " (t(lang, ["julkisella lomakkeella, tarkistamaton", "via det offentliga formuläret, ej kontrollerad", "by the public form, unverified"])) } }))
                (row(t(lang, ["Ilmoittaja", "Anmälare", "Reporter"]), html! { (r.reporter_name) ", " a href={ "mailto:" (r.reporter_email) } { (r.reporter_email) } ", " a href={ "tel:" (r.reporter_phone.replace(' ', "")) } { (r.reporter_phone) } }))
                (row(t(lang, ["Palvelut", "Tjänster", "Services"]), html! { (service_names(r, catalogue, lang)) }))
                (row(t(lang, ["Alkoi", "Började", "Started"]), html! { time datetime=(r.started_at.to_rfc3339()) { (local_time(lang, r.started_at)) } }))
                (row(t(lang, ["Vastaanotettu", "Mottagen", "Received"]), html! { time datetime=(r.created_at.to_rfc3339()) { (local_time(lang, r.created_at)) } }))
                (row(t(lang, ["Ehdot", "Villkor", "Criteria"]), html! { ul { @for c in &criteria { li { (c) } } } }))
                (row(t(lang, ["Kuvaus", "Beskrivning", "Description"]), html! { p.pre { (r.description) } }))
                @if let Some(e) = &r.error_text { (row(t(lang, ["Virheilmoitus", "Felmeddelande", "Error message"]), html! { pre { (e) } })) }
                @if let Some(w) = &r.workstation { (row(t(lang, ["Työasema", "Arbetsstation", "Workstation"]), html! { (w) })) }
                @if let Some(a) = &r.application { (row(t(lang, ["Sovellus", "Applikation", "Application"]), html! { (a) })) }
                @if let Some(n) = &r.notice_id { (row(t(lang, ["Tiedote", "Meddelande", "Notice"]), html! { a href={ "/notices/" (n) "?lang=" (lang.code()) } { (n) } })) }
                @if let Some(d) = &r.duplicate_of { (row(t(lang, ["Sama vika kuin", "Samma fel som", "Duplicate of"]), html! { a href={ (base) "/" (d) "?lang=" (lang.code()) } { (d) } })) }
            }
        }
        @if !r.attachments.is_empty() {
            h2 { (t(lang, ["Liitteet", "Bilagor", "Attachments"])) }
            ul {
                @for a in &r.attachments {
                    li {
                        @if console {
                            a href={ "/console/reports/" (r.id) "/attachments/" (a.id) } download { (a.filename) }
                        } @else { (a.filename) }
                        " (" (a.media_type) ", " ((a.size + 1023) / 1024) " kB)"
                    }
                }
            }
        }
        @if !r.events.is_empty() {
            h2 { (t(lang, ["Käsittelyhistoria", "Handläggningshistorik", "History"])) }
            ol.timeline {
                @for e in &r.events {
                    li {
                        time datetime=(e.at.to_rfc3339()) { (local_time(lang, e.at)) }
                        @if let Some(s) = &e.status { " · " strong { (status_label(lang, s)) } }
                        @if let Some(a) = &e.actor { " · " (a) }
                        @if let Some(reply) = &e.reply { p { (reply) } }
                        @if let Some(note) = &e.note { p.note { (t(lang, ["Muistiinpano", "Anteckning", "Note"])) ": " (note) } }
                    }
                }
            }
        }
        @if console { (triage_form(lang, viewer, r, p.posted, errors)) }
    };
    layout(
        lang,
        &r.reference,
        &format!("{base}/{}", r.id),
        Some(viewer),
        body,
    )
}
