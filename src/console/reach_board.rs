//! The reach board of a notice: how many organisations it has reached and which have
//! acknowledged it, and — who has not heard first — each organisation with its phones for
//! a call. Live while some organisation has not acknowledged an ongoing notice.

use super::layout::{Viewer, layout};
use super::t;
use crate::notices::local_time;
use crate::query::ReachView;
use crate::registry::Language;
use maud::html;

fn state_label(lang: Language, code: &str) -> &'static str {
    match code {
        "acknowledged" => t(lang, ["kuitattu", "kvitterad", "acknowledged"]),
        "reached" => t(
            lang,
            [
                "tavoitettu, ei kuitattu",
                "nådd, inte kvitterad",
                "reached, not acknowledged",
            ],
        ),
        _ => t(lang, ["ei tavoitettu", "inte nådd", "unreached"]),
    }
}

/// `/console/notices/{id}/reach`; `live` while the notice is ongoing.
pub fn reach_page(lang: Language, viewer: &Viewer, r: &ReachView, live: bool) -> String {
    let title = r
        .title
        .get(lang.code())
        .or_else(|| r.title.get("fi"))
        .map(String::as_str)
        .unwrap_or("");
    let c = &r.counts;
    let waiting = c.unreached + c.reached > 0;
    let path = format!("/console/notices/{}/reach", r.notice_id);
    let heading = t(lang, ["Tavoittavuus", "Räckvidd", "Reach"]);
    let body = html! {
        p { a href={ "/console/notices/" (r.notice_id) "?lang=" (lang.code()) } { "← " (title) } }
        h1 { (heading) ": " (title) }
        @if !r.asks_acknowledgement {
            p.help { (t(lang, [
                "Tätä tiedotetta ei pyydetä kuittaamaan (vain kriittiset häiriöt ja ohjeet): taulukko kertoo, mihin organisaatioihin se on tavoittanut.",
                "Det här meddelandet begär ingen kvittering (bara kritiska störningar och anvisningar): tabellen visar vilka organisationer det har nått.",
                "This notice asks for no acknowledgement (only critical faults and instructions do): the board shows which organisations it has reached.",
            ])) }
        }
        section.reach #reach data-live[live && waiting] aria-labelledby="reach-counts" {
            h2 #reach-counts { (t(lang, ["Organisaatiot", "Organisationer", "Organisations"])) " (" (c.organisations) ")" }
            dl.facts {
                dt { (t(lang, ["Ei tavoitettu", "Inte nådda", "Unreached"])) } dd { (c.unreached) }
                dt { (t(lang, ["Tavoitettu, ei kuitattu", "Nådda, inte kvitterade", "Reached, not acknowledged"])) } dd { (c.reached) }
                dt { (t(lang, ["Kuitattu", "Kvitterade", "Acknowledged"])) } dd { (c.acknowledged) }
                dt { (t(lang, ["Eskaloitu", "Eskalerade", "Escalated"])) } dd { (c.escalated) }
            }
            p {
                a href={ "/console/notices/" (r.notice_id) "/reach.csv" } download {
                    (t(lang, ["Lataa raportti (CSV)", "Ladda ner rapporten (CSV)", "Download the report (CSV)"]))
                }
                " · API: " code { "GET /api/v1/notices/" (r.notice_id) "/reach" }
            }
            @if r.organisations.is_empty() {
                p.empty { (t(lang, ["Tiedotetta ei ole vielä lähetetty yhdellekään organisaatiolle.", "Meddelandet har ännu inte skickats till någon organisation.", "The notice has not been sent to any organisation yet."])) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(heading) {
                    table.deliveries {
                        thead { tr {
                            th scope="col" { (t(lang, ["Organisaatio ja puhelimet", "Organisation och telefoner", "Organisation and phones"])) }
                            th scope="col" { (t(lang, ["Tila", "Status", "State"])) }
                        } }
                        tbody {
                            @for o in &r.organisations {
                                tr {
                                    td {
                                        a href={ "/console/organisations/" (o.id) "?lang=" (lang.code()) } { (o.name) }
                                        " " small { (o.business_id) }
                                        @for p in &o.phones {
                                            br; a href={ "tel:" (p.phone) } { (p.phone) } " " small { (p.name) }
                                        }
                                    }
                                    td {
                                        (state_label(lang, &o.state))
                                        @if let Some(at) = o.acknowledged_at { br; small { time datetime=(at.to_rfc3339()) { (local_time(lang, at)) } } }
                                        @if let Some(at) = o.escalated_at {
                                            br; small { (t(lang, ["eskaloitu", "eskalerad", "escalated"])) " " time datetime=(at.to_rfc3339()) { (local_time(lang, at)) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(lang, heading, &path, Some(viewer), body)
}
