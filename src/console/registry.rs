//! The registry in the console: organisations (search, paging), one organisation with its
//! services and contacts, and the audit log.

use super::layout::{Viewer, layout};
use super::org_record::{audience, organisation_facts, recipients};
use super::t;
use crate::notices::local_time;
use crate::query::{AuditList, ContactList, OrganisationList, OrganisationView};
use crate::registry::{Catalogue, Language};
use maud::html;

const ORGANISATIONS: [&str; 3] = ["Organisaatiot", "Organisationer", "Organisations"];

/// The organisations page; `q` is the search as typed.
pub fn organisations_page(
    lang: Language,
    viewer: &Viewer,
    q: &str,
    list: &OrganisationList,
) -> String {
    let body = html! {
        h1 { (t(lang, ORGANISATIONS)) }
        form.filter method="get" action="/console/organisations" role="search" {
            input type="hidden" name="lang" value=(lang.code());
            label for="q" { (t(lang, ["Hae nimellä tai Y-tunnuksella", "Sök med namn eller FO-nummer", "Search by name or business ID"])) }
            input #q type="text" name="q" value=(q);
            button type="submit" { (t(lang, ["Hae", "Sök", "Search"])) }
        }
        @if list.items.is_empty() {
            p.empty { (t(lang, ["Ei organisaatioita.", "Inga organisationer.", "No organisations."])) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(t(lang, ["Taulukko", "Tabell", "Table"])) {
                table.deliveries {
                    thead { tr {
                        th scope="col" { (t(lang, ["Nimi", "Namn", "Name"])) }
                        th scope="col" { (t(lang, ["Y-tunnus", "FO-nummer", "Business ID"])) }
                        th scope="col" { (t(lang, ["Toimiala", "Bransch", "Audience"])) }
                        th scope="col" { (t(lang, ["Palveluja", "Tjänster", "Services"])) }
                    } }
                    tbody {
                        @for o in &list.items {
                            tr {
                                td { a href={ "/console/organisations/" (o.id) "?lang=" (lang.code()) } { (o.name) } }
                                td { (o.business_id) }
                                td { (audience(lang, &o.audience)) }
                                td { (o.services.len()) }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = &list.next_cursor {
                p { a href={ "/console/organisations?lang=" (lang.code()) "&q=" (urlencode(q)) "&cursor=" (next) } { (t(lang, ["Seuraavat", "Nästa", "Next"])) " →" } }
            }
        }
    };
    layout(
        lang,
        t(lang, ORGANISATIONS),
        "/console/organisations",
        Some(viewer),
        body,
    )
}

fn urlencode(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// One organisation with its contacts.
pub fn organisation_page(
    lang: Language,
    viewer: &Viewer,
    o: &OrganisationView,
    contacts: &ContactList,
    catalogue: &Catalogue,
) -> String {
    let body = html! {
        p { a href={ "/console/organisations?lang=" (lang.code()) } { "← " (t(lang, ORGANISATIONS)) } }
        h1 { (o.name) }
        (organisation_facts(lang, o, catalogue))
        (recipients(lang, viewer, o, contacts))
    };
    layout(
        lang,
        &o.name,
        &format!("/console/organisations/{}", o.id),
        Some(viewer),
        body,
    )
}

/// The audit log, newest first.
pub fn audit_page(lang: Language, viewer: &Viewer, list: &AuditList) -> String {
    let title = t(lang, ["Tapahtumaloki", "Händelselogg", "Audit log"]);
    let body = html! {
        h1 { (title) }
        div.scroll tabindex="0" role="region" aria-label=(t(lang, ["Taulukko", "Tabell", "Table"])) {
            table.deliveries {
                thead { tr {
                    th scope="col" { (t(lang, ["Aika", "Tid", "Time"])) }
                    th scope="col" { (t(lang, ["Tekijä", "Utförare", "Actor"])) }
                    th scope="col" { (t(lang, ["Toiminto", "Åtgärd", "Action"])) }
                    th scope="col" { (t(lang, ["Kohde", "Objekt", "Target"])) }
                } }
                tbody {
                    @for e in &list.items {
                        tr {
                            td { time datetime=(e.at.to_rfc3339()) { (local_time(lang, e.at)) } }
                            td { (e.actor) }
                            td { code { (e.action) } }
                            td { (e.target_kind) " " (e.target_id) }
                        }
                    }
                }
            }
        }
        @if let Some(next) = &list.next_cursor {
            p { a href={ "/console/audit?lang=" (lang.code()) "&cursor=" (next) } { (t(lang, ["Vanhemmat", "Äldre", "Older"])) " →" } }
        }
    };
    layout(lang, title, "/console/audit", Some(viewer), body)
}
