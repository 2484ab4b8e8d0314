//! The new-notice form: every field of a notice with labels and help, services chosen by
//! name, times in Helsinki time; a preview (recipients per channel and language, each
//! language's email and SMS) before Publish; bad input marked at each field with everything
//! typed kept.

use super::layout::{Viewer, layout};
use super::t;
use crate::intake::NoticePreview;
use crate::notices::{NoticeInput, NoticeState, Severity, kind_label, severity_label, state_label};
use crate::registry::{Audience, Catalogue, Language, NoticeKind};
use crate::validation::FieldError;
use maud::{Markup, html};
use std::collections::BTreeMap;

const LANGS: [(&str, &str); 3] = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")];

/// What was typed into the form, as typed.
#[derive(Clone, Debug, Default)]
pub struct NoticeForm {
    /// Every field but the lists, by name.
    values: BTreeMap<String, String>,
    services: Vec<String>,
    audiences: Vec<String>,
}

impl NoticeForm {
    /// An empty form for a notice of `kind`.
    pub fn new(kind: NoticeKind) -> Self {
        let mut f = Self::default();
        f.values.insert("kind".into(), kind.code().into());
        f
    }

    /// The form as posted (`services` and `audiences` may repeat).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "services" => f.services.push(v.clone()),
                "audiences" => f.audiences.push(v.clone()),
                _ => {
                    f.values.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        f
    }

    /// The value typed into `name` (empty when none).
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// The kind chosen (a fault unless the form says otherwise).
    pub fn kind(&self) -> NoticeKind {
        NoticeKind::parse(self.value("kind")).unwrap_or(NoticeKind::Fault)
    }

    fn given(&self, name: &str) -> Option<String> {
        Some(self.value(name).trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    fn texts(&self, field: &str) -> Option<BTreeMap<String, String>> {
        let m: BTreeMap<String, String> = LANGS
            .iter()
            .filter_map(|(l, _)| {
                self.given(&format!("{field}_{l}"))
                    .map(|v| ((*l).to_owned(), v))
            })
            .collect();
        (!m.is_empty()).then_some(m)
    }

    /// The notice the form describes, for intake to check like any other input.
    pub fn input(&self) -> NoticeInput {
        let time = |name: &str| self.given(name).map(Some);
        let instructions: BTreeMap<String, BTreeMap<String, String>> = Audience::ALL
            .iter()
            .filter_map(|a| {
                self.texts(&format!("instructions_{}", a.code()))
                    .map(|m| (a.code().to_owned(), m))
            })
            .collect();
        NoticeInput {
            action: None,
            kind: self.given("kind"),
            severity: self.given("severity"),
            services: Some(self.services.clone()),
            audiences: (!self.audiences.is_empty()).then(|| self.audiences.clone()),
            title: self.texts("title"),
            body: self.texts("body"),
            sms: self.texts("sms"),
            instructions: (!instructions.is_empty()).then_some(instructions),
            state: self.given("state"),
            started_at: time("started_at"),
            estimated_end_at: time("estimated_end_at"),
            next_update_at: time("next_update_at"),
            ended_at: None,
            window_start: time("window_start"),
            window_end: time("window_end"),
            sub_windows: None,
        }
    }
}

/// An audience's name.
fn audience_label(lang: Language, a: Audience) -> &'static str {
    t(
        lang,
        match a {
            Audience::Healthcare => ["Terveydenhuolto", "Hälso- och sjukvård", "Health care"],
            Audience::SocialWelfare => ["Sosiaalihuolto", "Socialvård", "Social welfare"],
            Audience::Pharmacy => ["Apteekit", "Apotek", "Pharmacies"],
            Audience::SystemSupplier => [
                "Järjestelmätoimittajat",
                "Systemleverantörer",
                "System suppliers",
            ],
            Audience::Citizen => ["Kansalaiset", "Medborgare", "Citizens"],
            Audience::Authority => ["Viranomaiset", "Myndigheter", "Authorities"],
        },
    )
}

/// The form field where the API's field `name` is typed (a group's legend for a group).
fn field_id(name: &str) -> String {
    name.split('[').next().unwrap_or("").replace('.', "_")
}

/// The errors of the form field `id`: the API's field names with `.` as `_`, list indexes
/// dropped (`services[2]` belongs to `services`).
fn errors_of<'e>(errors: &'e [FieldError], id: &str) -> Vec<&'e str> {
    errors
        .iter()
        .filter(|e| field_id(&e.field) == id)
        .map(|e| e.message.as_str())
        .collect()
}

fn error_list(errors: &[FieldError], id: &str) -> Markup {
    let mine = errors_of(errors, id);
    html! {
        @if !mine.is_empty() {
            p.error id={ (id) "-error" } { @for m in &mine { (m) " " } }
        }
    }
}

/// `aria-describedby` of a field: its help and its errors.
fn described(errors: &[FieldError], id: &str, help: bool) -> String {
    let mut ids = Vec::new();
    if help {
        ids.push(format!("{id}-help"));
    }
    if !errors_of(errors, id).is_empty() {
        ids.push(format!("{id}-error"));
    }
    ids.join(" ")
}

fn text_field(
    f: &NoticeForm,
    errors: &[FieldError],
    id: &str,
    label: &str,
    multiline: bool,
    required: bool,
) -> Markup {
    let invalid = !errors_of(errors, id).is_empty();
    let d = described(errors, id, false);
    html! {
        div.field {
            label for=(id) { (label) @if required { " *" } }
            (error_list(errors, id))
            @if multiline {
                textarea id=(id) name=(id) rows="4" aria-invalid=[invalid.then_some("true")] aria-describedby=[(!d.is_empty()).then_some(d.as_str())] { (f.value(id)) }
            } @else {
                input id=(id) name=(id) type="text" value=(f.value(id)) aria-invalid=[invalid.then_some("true")] aria-describedby=[(!d.is_empty()).then_some(d.as_str())];
            }
        }
    }
}

/// One text in the three languages; `required` are the languages that must be given.
fn localized(
    f: &NoticeForm,
    errors: &[FieldError],
    field: &str,
    legend: &str,
    multiline: bool,
    required: &[&str],
) -> Markup {
    html! {
        fieldset id=(field) {
            legend { (legend) }
            (error_list(errors, field))
            @for (l, name) in LANGS {
                (text_field(f, errors, &format!("{field}_{l}"), name, multiline, required.contains(&l)))
            }
        }
    }
}

fn time_field(
    f: &NoticeForm,
    errors: &[FieldError],
    lang: Language,
    id: &str,
    label: &str,
) -> Markup {
    let invalid = !errors_of(errors, id).is_empty();
    let d = described(errors, id, true);
    html! {
        div.field {
            label for=(id) { (label) }
            (error_list(errors, id))
            input id=(id) name=(id) type="datetime-local" value=(f.value(id)) aria-invalid=[invalid.then_some("true")] aria-describedby=(d);
            p.help id={ (id) "-help" } { (t(lang, ["Helsingin aikaa.", "Helsingforstid.", "Helsinki time."])) }
        }
    }
}

/// The form page, with the preview of what publishing would do when there is one.
pub fn new_notice_page(
    lang: Language,
    viewer: &Viewer,
    form: &NoticeForm,
    errors: &[FieldError],
    preview: Option<&NoticePreview>,
    catalogue: &Catalogue,
) -> String {
    let kind = form.kind();
    let title = t(lang, ["Uusi tiedote", "Nytt meddelande", "New notice"]);
    let body = html! {
        h1 { (title) }
        nav aria-label=(t(lang, ["Tiedotteen laji", "Meddelandets typ", "Kind of notice"])) {
            ul.kinds {
                @for k in NoticeKind::ALL {
                    li {
                        @if *k == kind {
                            a aria-current="page" href={ "/console/notices/new?kind=" (k.code()) "&lang=" (lang.code()) } { (kind_label(lang, *k)) }
                        } @else {
                            a href={ "/console/notices/new?kind=" (k.code()) "&lang=" (lang.code()) } { (kind_label(lang, *k)) }
                        }
                    }
                }
            }
        }
        @if !errors.is_empty() {
            section.alert role="alert" aria-labelledby="problems" {
                h2 #problems { (t(lang, ["Korjaa nämä kohdat", "Rätta dessa fält", "Please correct these fields"])) " (" (errors.len()) ")" }
                ul { @for e in errors { li { a href={ "#" (field_id(&e.field)) } { code { (e.field) } } ": " (e.message) } } }
            }
        }
        @if let Some(p) = preview {
            (preview_section(lang, p))
        }
        form method="post" action={ "/console/notices/new?lang=" (lang.code()) } {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="kind" value=(kind.code());
            input type="hidden" name="idem" value=(form.value("idem"));
            (details_fields(lang, form, errors, kind, catalogue))
            div.actions {
                button type="submit" name="act" value="preview" { (t(lang, ["Esikatsele", "Förhandsgranska", "Preview"])) }
                @if preview.is_some() {
                    button type="submit" name="act" value="publish" { (t(lang, ["Julkaise", "Publicera", "Publish"])) }
                }
            }
        }
    };
    layout(
        lang,
        title,
        &format!("/console/notices/new?kind={}", kind.code()),
        Some(viewer),
        body,
    )
}

fn details_fields(
    lang: Language,
    f: &NoticeForm,
    errors: &[FieldError],
    kind: NoticeKind,
    catalogue: &Catalogue,
) -> Markup {
    html! {
        @if kind != NoticeKind::Maintenance {
            div.field {
                label for="severity" { (t(lang, ["Vakavuus", "Allvarlighetsgrad", "Severity"])) }
                (error_list(errors, "severity"))
                select #severity name="severity" {
                    @for s in Severity::ALL {
                        @let chosen = f.value("severity") == s.code() || (f.value("severity").is_empty() && *s == Severity::Major);
                        option value=(s.code()) selected[chosen] { (severity_label(lang, *s)) }
                    }
                }
            }
            div.field {
                label for="state" { (t(lang, ["Tila", "Läge", "State"])) }
                (error_list(errors, "state"))
                select #state name="state" {
                    @for s in NoticeState::open_states(kind) {
                        option value=(s.code()) selected[f.value("state") == s.code()] { (state_label(lang, *s)) }
                    }
                }
            }
        }
        fieldset #services {
            legend { (t(lang, ["Palvelut, joita tiedote koskee", "Tjänster som meddelandet gäller", "Services affected"])) " *" }
            (error_list(errors, "services"))
            ul.choices {
                @for s in catalogue.services() {
                    li {
                        input type="checkbox" id={ "svc-" (s.code.as_str()) } name="services" value=(s.code.as_str()) checked[f.services.iter().any(|c| c == s.code.as_str())];
                        label for={ "svc-" (s.code.as_str()) } { (catalogue.name(s.code.as_str(), lang)) }
                    }
                }
            }
        }
        fieldset #audiences {
            legend { (t(lang, ["Kenelle", "Till vem", "Audiences"])) }
            p.help { (t(lang, ["Jätä tyhjäksi: palveluiden käyttäjäryhmät.", "Lämna tomt: tjänsternas användargrupper.", "Leave empty for the services' audiences."])) }
            (error_list(errors, "audiences"))
            ul.choices {
                @for a in Audience::ALL {
                    li {
                        input type="checkbox" id={ "aud-" (a.code()) } name="audiences" value=(a.code()) checked[f.audiences.iter().any(|c| c == a.code())];
                        label for={ "aud-" (a.code()) } { (audience_label(lang, *a)) }
                    }
                }
            }
        }
        (localized(f, errors, "title", t(lang, ["Otsikko", "Rubrik", "Title"]), false, &["fi", "sv"]))
        (localized(f, errors, "body", t(lang, ["Teksti", "Text", "Text"]), true, &["fi", "sv"]))
        (localized(f, errors, "sms", t(lang, ["Tekstiviesti (valinnainen; oletuksena otsikko ja linkki)", "SMS (valfritt; annars rubrik och länk)", "SMS (optional; by default the title and a link)"]), true, &[]))
        @if kind == NoticeKind::Maintenance {
            (time_field(f, errors, lang, "window_start", t(lang, ["Katko alkaa", "Avbrottet börjar", "Window starts"])))
            (time_field(f, errors, lang, "window_end", t(lang, ["Katko päättyy", "Avbrottet slutar", "Window ends"])))
        } @else {
            (time_field(f, errors, lang, "started_at", t(lang, ["Alkoi (oletuksena nyt)", "Började (annars nu)", "Started (default: now)"])))
            (time_field(f, errors, lang, "estimated_end_at", t(lang, ["Arvioitu päättyminen", "Beräknat slut", "Estimated end"])))
            (time_field(f, errors, lang, "next_update_at", t(lang, ["Seuraava tilannepäivitys", "Nästa uppdatering", "Next update"])))
        }
        details {
            summary { (t(lang, ["Ohjeet käyttäjäryhmittäin", "Anvisningar per användargrupp", "Instructions per audience"])) }
            @for a in Audience::ALL {
                (localized(f, errors, &format!("instructions_{}", a.code()), audience_label(lang, *a), true, &[]))
            }
        }
    }
}

fn preview_section(lang: Language, p: &NoticePreview) -> Markup {
    html! {
        section.preview aria-labelledby="preview" {
            h2 #preview { (t(lang, ["Esikatselu", "Förhandsgranskning", "Preview"])) }
            table {
                caption { (t(lang, ["Vastaanottajat kanavittain ja kielittäin", "Mottagare per kanal och språk", "Recipients per channel and language"])) }
                thead { tr { th scope="col" { (t(lang, ["Kieli", "Språk", "Language"])) } th scope="col" { (t(lang, ["Sähköposti", "E-post", "Email"])) } th scope="col" { "SMS" } } }
                tbody {
                    @for (l, c) in &p.recipients {
                        tr { th scope="row" { (l) } td { (c.email) } td { (c.sms) } }
                    }
                }
            }
            @if !p.sms {
                p { (t(lang, ["Tätä tiedotetta ei lähetetä tekstiviestinä.", "Meddelandet skickas inte som SMS.", "This notice is not sent by SMS."])) }
            }
            @for (l, s) in &p.sms_texts {
                h3 { "SMS (" (l) "): " (s.parts) " " (t(lang, ["osaa", "delar", "parts"])) ", " (s.encoding) }
                pre { (s.text) }
            }
            @for (l, e) in &p.email {
                h3 { (t(lang, ["Sähköposti", "E-post", "Email"])) " (" (l) "): " (e.subject) }
                pre { (e.text) }
            }
        }
    }
}
