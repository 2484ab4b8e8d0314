//! An organisation's record and its recipients, as the console and the portal both show them.

use super::fields::audience_label;
use super::layout::Viewer;
use super::t;
use crate::notices::local_time;
use crate::query::{ContactList, OrganisationView};
use crate::registry::{Audience, Catalogue, Language};
use maud::{Markup, html};

pub(super) fn audience(lang: Language, code: &str) -> &str {
    Audience::parse(code)
        .map(|a| audience_label(lang, a))
        .unwrap_or(code)
}

/// Business ID, OID, audience and services in use.
pub(super) fn organisation_facts(
    lang: Language,
    o: &OrganisationView,
    catalogue: &Catalogue,
) -> Markup {
    html! {
        dl.facts {
            dt { (t(lang, ["Y-tunnus", "FO-nummer", "Business ID"])) } dd { (o.business_id) }
            @if let Some(oid) = &o.oid { dt { "OID" } dd { (oid) } }
            dt { (t(lang, ["Toimiala", "Bransch", "Audience"])) } dd { (audience(lang, &o.audience)) }
            dt { (t(lang, ["Palvelut", "Tjänster", "Services"])) }
            dd { (o.services.iter().map(|s| catalogue.name(s, lang)).collect::<Vec<_>>().join(", ")) }
        }
    }
}

/// The recipients of `o` with the ways to add, export, import and change them.
pub(super) fn recipients(
    lang: Language,
    viewer: &Viewer,
    o: &OrganisationView,
    contacts: &ContactList,
) -> Markup {
    let base = viewer.desk.org_base(&o.id);
    let console = viewer.desk == super::Desk::Console;
    html! {
        h2 { (t(lang, ["Tiedotteiden vastaanottajat", "Mottagare av meddelanden", "Notice recipients"])) " (" (contacts.items.len()) ")" }
        ul.actions {
            li { a.button href={ (base) "/contacts/new?lang=" (lang.code()) } { (t(lang, ["Lisää vastaanottaja", "Lägg till mottagare", "Add a recipient"])) } }
            li { a href={ (base) "/contacts.csv" } download { (t(lang, ["Lataa CSV-tiedostona", "Ladda ner som CSV", "Download as CSV"])) } }
            li { a href={ (base) "/contacts/import?lang=" (lang.code()) } { (t(lang, ["Tuo CSV-tiedostosta", "Importera från CSV", "Import from CSV"])) } }
            @if console {
                li { a href={ "/console/tokens?org=" (o.id) "&lang=" (lang.code()) } { (t(lang, ["Pääkäyttäjän avain", "Huvudanvändarens nyckel", "Admin token"])) } }
            }
        }
        @if contacts.items.is_empty() {
            p.alert { (t(lang, ["Organisaatiolla ei ole yhtään vastaanottajaa: se ei saa tiedotteita.", "Organisationen har inga mottagare: den får inga meddelanden.", "The organisation has no recipients: it hears of no notice."])) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(t(lang, ["Taulukko", "Tabell", "Table"])) {
                table.deliveries {
                    thead { tr {
                        th scope="col" { (t(lang, ["Nimi", "Namn", "Name"])) }
                        th scope="col" { (t(lang, ["Sähköposti", "E-post", "Email"])) }
                        th scope="col" { (t(lang, ["Puhelin", "Telefon", "Phone"])) }
                        th scope="col" { (t(lang, ["Kieli", "Språk", "Language"])) }
                        th scope="col" { (t(lang, ["Kanavat", "Kanaler", "Channels"])) }
                        th scope="col" { (t(lang, ["Vahvistettu", "Bekräftad", "Confirmed"])) }
                    } }
                    tbody {
                        @for c in &contacts.items {
                            tr {
                                td {
                                    a href={ (base) "/contacts/" (c.id) "?lang=" (lang.code()) } { (c.name) } " (" (c.role) ")"
                                    @if c.portal_admin { br; small { (t(lang, ["portaalin pääkäyttäjä", "portalens huvudanvändare", "portal admin"])) } }
                                }
                                td {
                                    (c.email.as_deref().unwrap_or(""))
                                    @if c.undeliverable {
                                        br; strong { (t(lang, ["ei toimi: viestit palautuvat", "fungerar inte: meddelanden studsar", "not working: messages bounce"])) }
                                    } @else if c.email.is_some() && !c.email_verified {
                                        br; small { (t(lang, ["vahvistamaton", "obekräftad", "unverified"])) }
                                    }
                                }
                                td { (c.phone.as_deref().unwrap_or("")) }
                                td { (c.language) }
                                td { (c.channels.join(", ")) }
                                td { time datetime=(c.reviewed_at.to_rfc3339()) { (local_time(lang, c.reviewed_at)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
