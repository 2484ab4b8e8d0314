//! The portal's front page for a signed-in portal admin: their organisation's record (its
//! services in use changeable; business ID and audience are technical support's), its
//! recipients, and "every recipient is still current" in one step.

use super::layout::{Viewer, layout};
use super::org_record::{organisation_facts, recipients};
use super::t;
use crate::notices::local_time;
use crate::query::{ContactList, OrganisationView};
use crate::registry::{Catalogue, Language};
use crate::validation::FieldError;
use maud::html;

/// What the front page shows besides the organisation.
pub struct PortalHome<'a> {
    pub organisation: &'a OrganisationView,
    pub contacts: &'a ContactList,
    /// How many recipients were just confirmed as current, when they were.
    pub confirmed: Option<u64>,
    /// Services as chosen in a refused change, with what was wrong.
    pub services: Option<(&'a [String], &'a [FieldError])>,
}

/// `/portal` for a signed-in portal admin.
pub fn portal_home_page(
    lang: Language,
    viewer: &Viewer,
    home: &PortalHome,
    catalogue: &Catalogue,
) -> String {
    let o = home.organisation;
    let oldest = home.contacts.items.iter().map(|c| c.reviewed_at).min();
    let (chosen, errors): (&[String], Vec<FieldError>) = match home.services {
        Some((chosen, errors)) => (chosen, super::messages::translated(lang, errors)),
        None => (&o.services, Vec::new()),
    };
    let body = html! {
        h1 { (o.name) }
        @if let Some(n) = home.confirmed {
            div.notice role="status" { p {
                (t(lang, ["Vahvistettu ajan tasalla oleviksi:", "Bekräftade som aktuella:", "Confirmed as current:"])) " " (n) " "
                (t(lang, ["vastaanottajaa.", "mottagare.", "recipients."]))
            } }
        }
        (organisation_facts(lang, o, catalogue))
        p.help { (t(lang, [
            "Y-tunnusta ja toimialaa muuttaa tekninen tuki. Käytössä olevat palvelut voitte muuttaa itse sivun lopussa.",
            "FO-numret och branschen ändras av teknisk support. Tjänsterna som används kan ni ändra själva längst ned på sidan.",
            "Technical support changes the business ID and audience. You can change the services in use yourselves at the end of this page.",
        ])) }
        (recipients(lang, viewer, o, home.contacts))
        h2 { (t(lang, ["Ovatko tiedot ajan tasalla?", "Är uppgifterna aktuella?", "Is the list current?"])) }
        @if let Some(at) = oldest {
            p {
                (t(lang, ["Vanhin vahvistus:", "Äldsta bekräftelse:", "Oldest confirmation:"])) " "
                time datetime=(at.to_rfc3339()) { (local_time(lang, at)) } ". "
                (t(lang, [
                    "Jos luettelo on oikein, vahvista kaikki vastaanottajat kerralla.",
                    "Om listan stämmer, bekräfta alla mottagare på en gång.",
                    "If the list is right, confirm every recipient at once.",
                ]))
            }
            form method="post" action={ "/portal/confirm?lang=" (lang.code()) } {
                input type="hidden" name="csrf" value=(viewer.csrf);
                button type="submit" { (t(lang, ["Kaikki vastaanottajat ovat ajan tasalla", "Alla mottagare är aktuella", "Every recipient is still current"])) }
            }
        }
        h2 #services-heading { (t(lang, ["Käytössä olevat palvelut", "Tjänster som används", "Services in use"])) }
        form method="post" action={ "/portal/services?lang=" (lang.code()) } novalidate {
            input type="hidden" name="csrf" value=(viewer.csrf);
            fieldset #services aria-invalid=[(!errors.is_empty()).then_some("true")] {
                legend { (t(lang, ["Palvelut, joista organisaatio saa tiedotteet", "Tjänster som organisationen får meddelanden om", "Services the organisation hears about"])) }
                (super::fields::error_list(&errors, "services"))
                ul.choices {
                    @for svc in catalogue.services().iter().filter(|svc| {
                        svc.audiences.iter().any(|a| a.code() == o.audience)
                            || chosen.iter().any(|c| c == svc.code.as_str())
                    }) {
                        @let code = svc.code.as_str();
                        @let id = format!("services-{code}");
                        li {
                            input type="checkbox" id=(id) name="services" value=(code) checked[chosen.iter().any(|c| c == code)];
                            label for=(id) { (catalogue.name(code, lang)) }
                        }
                    }
                }
            }
            button type="submit" { (t(lang, ["Tallenna palvelut", "Spara tjänsterna", "Save the services"])) }
        }
    };
    layout(lang, &o.name, "/portal", Some(viewer), body)
}
