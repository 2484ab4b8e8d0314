//! An organisation's notice recipient, added or changed from the console: every field of the
//! API's contact with a label, the organisation's services by name, errors next to their
//! fields and everything typed kept.

use super::fields::{Posted, Values, error_list, errors_of, text_field};
use super::layout::{Viewer, layout};
use super::t;
use crate::query::{ContactView, OrganisationView};
use crate::registry::{Catalogue, ContactInput, ContactRole, Language};
use crate::validation::FieldError;
use maud::{Markup, html};

/// What was typed into a contact form (or a contact, to change).
#[derive(Clone, Debug, Default)]
pub struct ContactForm(Posted);

impl Values for ContactForm {
    fn value(&self, name: &str) -> &str {
        self.0.get(name)
    }
}

impl ContactForm {
    /// The form as posted.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        Self(Posted::from_pairs(pairs))
    }

    /// An empty form: Finnish, email, every service and kind.
    pub fn blank() -> Self {
        let mut f = Posted::default();
        for (k, v) in [
            ("language", "fi"),
            ("channels", "email"),
            ("all_services", "yes"),
            ("kinds", "fault"),
            ("kinds", "maintenance"),
            ("kinds", "instruction"),
        ] {
            f.push(k, v);
        }
        Self(f)
    }

    /// The form filled in from `c`, to change it.
    pub fn from_contact(c: &ContactView) -> Self {
        let mut f = Posted::default();
        f.push("name", &c.name);
        f.push("role", &c.role);
        f.push("email", c.email.as_deref().unwrap_or(""));
        f.push("phone", c.phone.as_deref().unwrap_or(""));
        f.push("language", &c.language);
        f.push("all_services", if c.all_services { "yes" } else { "no" });
        if c.portal_admin {
            f.push("portal_admin", "yes");
        }
        for (name, list) in [
            ("channels", &c.channels),
            ("services", &c.services),
            ("kinds", &c.kinds),
        ] {
            for v in list {
                f.push(name, v);
            }
        }
        Self(f)
    }

    /// Names the form once, so that sending it twice adds one recipient.
    pub fn set_form_id(&mut self, id: &str) {
        self.0.push("idem", id);
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0.all(name)
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.0.has(name, value)
    }

    /// The API's input: every field given, so that a change says the whole contact.
    pub fn input(&self) -> ContactInput {
        let optional = |name: &str| {
            let v = self.value(name).trim();
            Some((!v.is_empty()).then(|| v.to_owned()))
        };
        let services = if self.value("all_services") == "no" {
            Some(Some(self.all("services")))
        } else {
            Some(None)
        };
        ContactInput {
            name: Some(self.value("name").to_owned()),
            role: Some(self.value("role").to_owned()),
            email: optional("email"),
            phone: optional("phone"),
            language: Some(self.value("language").to_owned()),
            channels: Some(self.all("channels")),
            services,
            kinds: Some(Some(self.all("kinds"))),
            portal_admin: Some(self.value("portal_admin") == "yes"),
        }
    }
}

/// Whether the page adds a recipient or changes one.
pub enum ContactMode<'a> {
    New,
    Edit(&'a ContactView),
}

fn role_label(lang: Language, r: ContactRole) -> &'static str {
    t(
        lang,
        match r {
            ContactRole::Helpdesk => ["Tukipalvelu", "Helpdesk", "Helpdesk"],
            ContactRole::Technical => ["Tekninen yhteyshenkilö", "Teknisk kontakt", "Technical"],
            ContactRole::Security => ["Tietoturva", "Informationssäkerhet", "Security"],
            ContactRole::OnCall => ["Päivystys", "Jour", "On call"],
            ContactRole::Manager => ["Esihenkilö", "Chef", "Manager"],
        },
    )
}

/// Checkboxes of `name`, one per `(value, label)`.
fn checks(
    f: &ContactForm,
    errors: &[FieldError],
    name: &str,
    legend: &str,
    options: &[(String, String)],
) -> Markup {
    let invalid = !errors_of(errors, name).is_empty();
    html! {
        fieldset id=(name) aria-invalid=[invalid.then_some("true")] {
            legend { (legend) }
            (error_list(errors, name))
            ul.choices {
                @for (value, label) in options {
                    @let id = format!("{name}-{value}");
                    li {
                        input type="checkbox" id=(id) name=(name) value=(value) checked[f.has(name, value)];
                        label for=(id) { (label) }
                    }
                }
            }
        }
    }
}

/// Radio buttons of `name`.
fn radios(f: &ContactForm, name: &str, legend: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        fieldset id=(name) {
            legend { (legend) }
            ul.choices.single {
                @for (value, label) in options {
                    @let id = format!("{name}-{value}");
                    li {
                        input type="radio" id=(id) name=(name) value=(value) checked[f.value(name) == *value];
                        label for=(id) { (label) }
                    }
                }
            }
        }
    }
}

/// The page that adds or changes a recipient of organisation `o`.
pub fn contact_form_page(
    lang: Language,
    viewer: &Viewer,
    o: &OrganisationView,
    mode: &ContactMode,
    f: &ContactForm,
    errors: &[FieldError],
    catalogue: &Catalogue,
) -> String {
    let errors = &super::messages::translated(lang, errors);
    let base = viewer.desk.org_base(&o.id);
    let (title, action) = match mode {
        ContactMode::New => (
            t(
                lang,
                ["Uusi vastaanottaja", "Ny mottagare", "New recipient"],
            ),
            format!("{base}/contacts/new"),
        ),
        ContactMode::Edit(c) => (
            t(
                lang,
                [
                    "Muuta vastaanottajaa",
                    "Ändra mottagare",
                    "Change recipient",
                ],
            ),
            format!("{base}/contacts/{}", c.id),
        ),
    };
    let roles: Vec<Markup> = ContactRole::ALL
        .iter()
        .map(|r| html! { option value=(r.code()) selected[f.value("role") == r.code()] { (role_label(lang, *r)) } })
        .collect();
    let services: Vec<(String, String)> = o
        .services
        .iter()
        .map(|s| (s.clone(), catalogue.name(s, lang)))
        .collect();
    let kinds = [
        ("fault", ["Häiriöt", "Störningar", "Faults"]),
        ("maintenance", ["Huoltokatkot", "Underhåll", "Maintenance"]),
        ("instruction", ["Ohjeet", "Anvisningar", "Instructions"]),
    ]
    .map(|(k, l)| (k.to_owned(), t(lang, l).to_owned()));
    let channels = [
        ("email", ["Sähköposti", "E-post", "Email"]),
        ("sms", ["Tekstiviesti", "SMS", "SMS"]),
    ]
    .map(|(k, l)| (k.to_owned(), t(lang, l).to_owned()));
    let body = html! {
        p { a href={ (base) "?lang=" (lang.code()) } { "← " (o.name) } }
        h1 { (title) }
        @if !errors.is_empty() {
            div.alert role="alert" {
                p { (t(lang, ["Tarkista merkityt kentät.", "Kontrollera de markerade fälten.", "Check the marked fields."])) }
            }
        }
        form method="post" action={ (action) "?lang=" (lang.code()) } novalidate {
            input type="hidden" name="csrf" value=(viewer.csrf);
            @if matches!(mode, ContactMode::New) {
                input type="hidden" name="idem" value=(f.value("idem"));
            }
            (text_field(f, errors, "name", t(lang, ["Nimi", "Namn", "Name"]), false, true))
            div.field {
                label for="role" { (t(lang, ["Tehtävä", "Roll", "Role"])) " *" }
                (error_list(errors, "role"))
                select id="role" name="role" { @for r in &roles { (r) } }
            }
            (text_field(f, errors, "email", t(lang, ["Sähköposti", "E-post", "Email"]), false, false))
            (text_field(f, errors, "phone", t(lang, ["Matkapuhelin (esim. 040 123 4567)", "Mobiltelefon (t.ex. 040 123 4567)", "Mobile phone (e.g. 040 123 4567)"]), false, false))
            (radios(f, "language", t(lang, ["Viestien kieli", "Meddelandenas språk", "Language of the messages"]),
                &[("fi", "suomi"), ("sv", "svenska"), ("en", "English")]))
            (checks(f, errors, "channels", t(lang, ["Kanavat", "Kanaler", "Channels"]), &channels))
            (radios(f, "all_services", t(lang, ["Palvelut", "Tjänster", "Services"]), &[
                ("yes", t(lang, ["Kaikki organisaation palvelut, myös myöhemmin lisättävät", "Alla organisationens tjänster, även de som läggs till senare", "Every service the organisation uses, now and later"])),
                ("no", t(lang, ["Vain alla valitut", "Endast de valda nedan", "Only those chosen below"])),
            ]))
            (checks(f, errors, "services", t(lang, ["Valitut palvelut", "Valda tjänster", "Chosen services"]), &services))
            (checks(f, errors, "kinds", t(lang, ["Tiedotteet", "Meddelanden", "Notices"]), &kinds))
            (checks(f, errors, "portal_admin", t(lang, ["Organisaatioportaali", "Organisationsportalen", "Organisation portal"]), &[(
                "yes".to_owned(),
                t(lang, [
                    "Portaalin pääkäyttäjä: voi kirjautua portaaliin sähköpostiin lähetettävällä linkillä ja ylläpitää organisaation vastaanottajia",
                    "Huvudanvändare av portalen: kan logga in med en länk som skickas till e-postadressen och sköta organisationens mottagare",
                    "Portal admin: signs in to the portal with a link sent to the email address and keeps the organisation's recipients",
                ]).to_owned(),
            )]))
            button type="submit" { (t(lang, ["Tallenna", "Spara", "Save"])) }
        }
        @if let ContactMode::Edit(c) = mode {
            h2 { (t(lang, ["Poista vastaanottaja", "Ta bort mottagaren", "Delete the recipient"])) }
            form method="post" action={ (base) "/contacts/" (c.id) "/delete?lang=" (lang.code()) } {
                input type="hidden" name="csrf" value=(viewer.csrf);
                p { (t(lang, [
                    "Poistaminen poistaa myös henkilön yhteystiedot toimitushistoriasta. Sitä ei voi perua.",
                    "Borttagningen raderar även personens kontaktuppgifter ur leveranshistoriken. Det går inte att ångra.",
                    "Deleting also erases the person's addresses from the delivery history. It cannot be undone.",
                ])) }
                button.danger type="submit" { (t(lang, ["Poista", "Ta bort", "Delete"])) " " (c.name) }
            }
        }
    };
    layout(lang, title, &action, Some(viewer), body)
}
