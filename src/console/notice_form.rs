//! The new-notice form: every field of a notice with labels and help, services chosen by
//! name, times in Helsinki time; a preview (recipients per channel and language, each
//! language's email and SMS) before Publish; bad input marked at each field with everything
//! typed kept.

use super::fields::{
    LANGS, Values, audience_label, error_list, field_id, localized, sms_fields, time_field,
};
use super::layout::{Viewer, layout};
use super::t;
use crate::intake::NoticePreview;
use crate::notices::{
    NoticeId, NoticeInput, NoticeState, Severity, kind_label, severity_label, state_label,
};
use crate::registry::{Audience, Catalogue, Language, NoticeKind};
use crate::validation::FieldError;
use maud::{Markup, html};
use std::collections::BTreeMap;

/// What was typed into the form, as typed.
#[derive(Clone, Debug, Default)]
pub struct NoticeForm {
    /// Every field but the lists, by name.
    pub(super) values: BTreeMap<String, String>,
    pub(super) services: Vec<String>,
    pub(super) audiences: Vec<String>,
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

    pub(super) fn given(&self, name: &str) -> Option<String> {
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
        let (usage_break, impact) = super::impact_fields::impact_input(&self.values);
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
            sub_windows: super::phases::phases_input(self),
            issuer: self.given("issuer"),
            status: self.given("status"),
            usage_break,
            impact,
            draft: (self.value("act") == "draft").then_some(true),
            publish_at: self.given("publish_at"),
            override_reason: self.given("override_reason"),
            fault_reports: self
                .given("fault_reports")
                .map(|ids| ids.split(',').map(|id| id.trim().to_owned()).collect()),
        }
    }
}

/// What the form does: a new notice, or a revision of one.
pub enum FormMode<'a> {
    /// A new notice, offering `templates` to start from.
    New { templates: &'a [TemplateChoice] },
    /// `action` is `update` or `reschedule`; `title` is the notice's.
    Revise {
        id: NoticeId,
        action: &'a str,
        title: &'a str,
    },
}

/// A template the new-notice form offers: its id and its name in the page's language.
pub type TemplateChoice = (String, String);

/// The form page, with the preview of what publishing would do when there is one, and
/// the templates of the kind to start from.
pub fn new_notice_page(
    lang: Language,
    viewer: &Viewer,
    form: &NoticeForm,
    (errors, preview): (&[FieldError], Option<&NoticePreview>),
    catalogue: &Catalogue,
    templates: &[TemplateChoice],
) -> String {
    notice_form_page(
        lang,
        viewer,
        form,
        (errors, preview),
        catalogue,
        &FormMode::New { templates },
    )
}

/// The form page of `mode`.
pub fn notice_form_page(
    lang: Language,
    viewer: &Viewer,
    form: &NoticeForm,
    (errors, preview): (&[FieldError], Option<&NoticePreview>),
    catalogue: &Catalogue,
    mode: &FormMode,
) -> String {
    let errors = &super::messages::translated(lang, errors);
    let kind = form.kind();
    let (title, target, path) = match mode {
        FormMode::New { .. } => (
            t(lang, ["Uusi tiedote", "Nytt meddelande", "New notice"]).to_owned(),
            "/console/notices/new".to_owned(),
            format!("/console/notices/new?kind={}", kind.code()),
        ),
        FormMode::Revise { id, action, title } => (
            format!(
                "{}: {title}",
                if *action == "reschedule" {
                    t(lang, ["Uusi ajankohta", "Ny tidpunkt", "Reschedule"])
                } else {
                    t(lang, ["Päivitä", "Uppdatera", "Update"])
                }
            ),
            format!("/console/notices/{id}/revise"),
            format!("/console/notices/{id}/revise?action={action}"),
        ),
    };
    let body = html! {
        @if let FormMode::Revise { id, .. } = mode {
            p { a href={ "/console/notices/" (id) "?lang=" (lang.code()) } { "← " (t(lang, ["Tiedote", "Meddelandet", "The notice"])) } }
        }
        h1 { (title) }
        @if let FormMode::New { templates } = mode {
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
        @if !templates.is_empty() {
            form.template method="get" action="/console/notices/new" {
                input type="hidden" name="kind" value=(kind.code());
                input type="hidden" name="lang" value=(lang.code());
                label for="template" { (t(lang, ["Aloita pohjasta", "Börja från en mall", "Start from a template"])) }
                p.help #template-help { (t(lang, [
                    "Pohja täyttää tekstit ja pysyvät toimintaohjeet. Paikkamerkit, kuten {service} ja {start}, täytetään kullakin kielellä; esikatselu näyttää lopputuloksen.",
                    "Mallen fyller i texterna och de stående anvisningarna. Platshållare som {service} och {start} fylls i på varje språk; förhandsgranskningen visar resultatet.",
                    "A template fills in the texts and the standing procedures. Placeholders such as {service} and {start} are filled in each language; the preview shows the result.",
                ])) }
                div.inline {
                    select #template name="template" aria-describedby="template-help" {
                        @for (id, name) in templates.iter() {
                            option value=(id) selected[form.value("template") == id] { (name) }
                        }
                    }
                    button type="submit" { (t(lang, ["Käytä pohjaa", "Använd mallen", "Use template"])) }
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
            (super::preview::preview_section(lang, p))
        }
        form method="post" action={ (target) "?lang=" (lang.code()) } {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="kind" value=(kind.code());
            input type="hidden" name="idem" value=(form.value("idem"));
            @if let FormMode::New { .. } = mode {
                div.field {
                    (error_list(errors, "status"))
                    label {
                        input #status type="checkbox" name="status" value="exercise" checked[form.value("status") == "exercise"];
                        " " (t(lang, ["Harjoitus", "Övning", "Exercise"]))
                    }
                    p.help { (t(lang, [
                        "Harjoitus menee kohdeorganisaatioille merkittynä sanoin HARJOITUS / ÖVNING / EXERCISE, pyytää kuittauksen eikä näy julkisella sivulla eikä syötteissä. Tavoittavuus näkyy tiedotteen sivulla.",
                        "En övning går till målorganisationerna märkt HARJOITUS / ÖVNING / EXERCISE, ber om kvittering och syns inte på den offentliga sidan eller i flödena. Räckvidden visas på meddelandets sida.",
                        "An exercise goes to the organisations it targets marked HARJOITUS / ÖVNING / EXERCISE, asks to be acknowledged, and never shows on the public page or in the feeds. Its reach shows on the notice's page.",
                    ])) }
                }
            }
            @if !form.value("fault_reports").is_empty() {
                input type="hidden" name="fault_reports" value=(form.value("fault_reports"));
                p.notice { (t(lang, [
                    "Julkaistu tiedote liitetään vikailmoituksiin, ja ilmoittajille lähetetään sen linkki:",
                    "Det publicerade meddelandet kopplas till felanmälningarna, och anmälarna får dess länk:",
                    "Once published, the notice is linked to the fault reports and their reporters get its link:",
                ])) " " (form.value("fault_reports").split(',').count()) }
            }
            @if let FormMode::Revise { action, .. } = mode {
                input type="hidden" name="action" value=(action);
                @for (name, was) in form.values.iter().filter(|(k, _)| k.starts_with("was_")) {
                    input type="hidden" name=(name) value=(was);
                }
            }
            (details_fields(lang, form, errors, kind, catalogue))
            @if let FormMode::New { .. } = mode {
                details.publishing open[!form.value("publish_at").is_empty() || !form.value("override_reason").is_empty()] {
                    summary { (t(lang, ["Julkaisuaika ja hyväksyntä", "Publiceringstid och godkännande", "Publication time and approval"])) }
                    (super::fields::time_field(form, errors, lang, "publish_at", t(lang, ["Julkaise myöhemmin", "Publicera senare", "Publish later"])))
                    div.field {
                        label for="override_reason" { (t(lang, ["Julkaise ilman hyväksyntää: syy", "Publicera utan godkännande: orsak", "Publish without approval: reason"])) }
                        p.help #override_reason-help { (t(lang, [
                            "Vain hätätilanteessa, kun toista päivystäjää ei tavoiteta. Syy kirjataan tapahtumalokiin.",
                            "Endast i nödfall när ingen annan jourhavande nås. Orsaken skrivs i händelseloggen.",
                            "Only in an emergency when no other operator can be reached. The reason goes to the audit log.",
                        ])) }
                        (super::fields::error_list(errors, "override_reason"))
                        textarea #override_reason name="override_reason" rows="2" aria-describedby="override_reason-help" { (form.value("override_reason")) }
                    }
                }
            }
            div.actions {
                button type="submit" name="act" value="preview" { (t(lang, ["Esikatsele", "Förhandsgranska", "Preview"])) }
                @if let FormMode::New { .. } = mode {
                    button type="submit" name="act" value="draft" { (t(lang, ["Tallenna luonnoksena", "Spara som utkast", "Save as draft"])) }
                }
                @if preview.is_some() {
                    button type="submit" name="act" value="publish" { (t(lang, ["Julkaise", "Publicera", "Publish"])) }
                }
            }
        }
    };
    layout(lang, &title, &path, Some(viewer), body)
}

fn details_fields(
    lang: Language,
    f: &NoticeForm,
    errors: &[FieldError],
    kind: NoticeKind,
    catalogue: &Catalogue,
) -> Markup {
    html! {
        @if kind == NoticeKind::Instruction {
            (super::fields::text_field(f, errors, "issuer", t(lang, ["Ohjeen antanut viranomainen (THL, Kela, Valvira, DVV, STM, Fimea tai muu)", "Myndigheten som gav anvisningen (THL, Kela, Valvira, DVV, STM, Fimea eller annan)", "Issuing authority (THL, Kela, Valvira, DVV, STM, Fimea or another)"]), false, true))
        }
        @if !kind.is_planned() {
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
        (super::impact_fields::impact_fields((&f.values, &f.services), errors, lang, catalogue))
        (localized(f, errors, "title", t(lang, ["Otsikko", "Rubrik", "Title"]), false, &["fi", "sv"]))
        (localized(f, errors, "body", t(lang, ["Teksti", "Text", "Text"]), true, &["fi", "sv"]))
        (sms_fields(f, errors, lang, t(lang, ["Tekstiviesti (valinnainen; oletuksena otsikko ja linkki)", "SMS (valfritt; annars rubrik och länk)", "SMS (optional; by default the title and a link)"])))
        @if kind.is_planned() {
            (time_field(f, errors, lang, "window_start", t(lang, ["Katko alkaa", "Avbrottet börjar", "Window starts"])))
            (time_field(f, errors, lang, "window_end", t(lang, ["Katko päättyy", "Avbrottet slutar", "Window ends"])))
            (super::phases::phase_fields(f, errors, lang))
        } @else {
            (time_field(f, errors, lang, "started_at", t(lang, ["Alkoi (oletuksena nyt)", "Började (annars nu)", "Started (default: now)"])))
            (time_field(f, errors, lang, "estimated_end_at", t(lang, ["Arvioitu päättyminen", "Beräknat slut", "Estimated end"])))
            (time_field(f, errors, lang, "next_update_at", t(lang, ["Seuraava tilannepäivitys", "Nästa uppdatering", "Next update"])))
        }
        details open[Audience::ALL.iter().any(|a| f.values.keys().any(|k| k.starts_with(&format!("instructions_{}_", a.code()))))] {
            summary { (t(lang, ["Ohjeet käyttäjäryhmittäin", "Anvisningar per användargrupp", "Instructions per audience"])) }
            @for a in Audience::ALL {
                (localized(f, errors, &format!("instructions_{}", a.code()), audience_label(lang, *a), true, &[]))
            }
        }
    }
}

impl Values for NoticeForm {
    fn value(&self, name: &str) -> &str {
        NoticeForm::value(self, name)
    }
}
