//! The fault reports list: the console's triage queue (filters, the probable national
//! faults on top) and the portal's list of its own organisation's reports.

use super::layout::{Desk, Viewer, layout};
use super::t;
use crate::fault_reports::ReportStatus;
use crate::notices::local_time;
use crate::query::{FaultReportList, FaultReportView, ReportQuery};
use crate::registry::{Catalogue, Language};
use crate::store::ClusterView;
use maud::{Markup, html};

pub(super) const REPORTS: [&str; 3] = ["Vikailmoitukset", "Felanmälningar", "Fault reports"];
pub(super) const CRITICAL: [&str; 3] = ["Kriittinen", "Kritisk", "Critical"];
pub(super) const NATIONAL: [&str; 3] = [
    "Todennäköinen valtakunnallinen vika",
    "Troligt nationellt fel",
    "Probable national fault",
];

/// What the list shows.
pub struct ReportQueue<'a> {
    pub list: &'a FaultReportList,
    pub filter: &'a ReportQuery,
    /// Probable national faults of the last hours (the console only).
    pub clusters: &'a [ClusterView],
}

/// A report's state as a person reads it.
pub(super) fn status_label(lang: Language, code: &str) -> &'static str {
    ReportStatus::parse(code).map_or("?", |s| s.label(lang))
}

/// The services of a report, by name.
pub(super) fn service_names(r: &FaultReportView, catalogue: &Catalogue, lang: Language) -> String {
    r.services
        .iter()
        .map(|s| catalogue.name(s, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The probable national faults, each with its reports and a notice to start.
pub(super) fn clusters(lang: Language, list: &[ClusterView], catalogue: &Catalogue) -> Markup {
    html! {
        @if !list.is_empty() {
            section.alert aria-labelledby="clusters" {
                h2 #clusters { (t(lang, NATIONAL)) " (" (list.len()) ")" }
                ul {
                    @for c in list {
                        li {
                            strong { (catalogue.name(c.service.as_str(), lang)) } ": "
                            (c.organisations) " " (t(lang, ["organisaatiota", "organisationer", "organisations"])) ", "
                            (c.reports) " " (t(lang, ["ilmoitusta", "anmälningar", "reports"])) ", "
                            (t(lang, ["alkaen", "sedan", "since"])) " " (local_time(lang, c.opened_at)) ". "
                            a href={ "/console/reports?cluster=" (c.id) "&lang=" (lang.code()) } { (t(lang, ["Ilmoitukset", "Anmälningarna", "The reports"])) }
                            @if let Some(n) = &c.notice_id {
                                " · " a href={ "/console/notices/" (n) "?lang=" (lang.code()) } { (t(lang, ["Tiedote", "Meddelandet", "The notice"])) }
                            } @else {
                                " · " a href={ "/console/reports/notice?cluster=" (c.id) "&lang=" (lang.code()) } { (t(lang, ["Luo tiedote", "Skapa ett meddelande", "Create a notice"])) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn filters(lang: Language, f: &ReportQuery, catalogue: &Catalogue) -> Markup {
    let status = f.status.map(|s| s.code()).unwrap_or("");
    let service = f.service.as_deref().unwrap_or("");
    html! {
        form.search method="get" action="/console/reports" {
            input type="hidden" name="lang" value=(lang.code());
            div.field {
                label for="status" { (t(lang, ["Tila", "Status", "State"])) }
                select #status name="status" {
                    option value="" selected[status.is_empty()] { (t(lang, ["Kaikki", "Alla", "All"])) }
                    @for s in ReportStatus::ALL {
                        option value=(s.code()) selected[status == s.code()] { (s.label(lang)) }
                    }
                }
            }
            div.field {
                label for="service" { (t(lang, ["Palvelu", "Tjänst", "Service"])) }
                select #service name="service" {
                    option value="" selected[service.is_empty()] { (t(lang, ["Kaikki", "Alla", "All"])) }
                    @for s in catalogue.services() {
                        option value=(s.code.as_str()) selected[service == s.code.as_str()] { (catalogue.name(s.code.as_str(), lang)) }
                    }
                }
            }
            div.check {
                input #critical type="checkbox" name="critical" value="true" checked[f.critical];
                label for="critical" { (t(lang, ["Vain kriittiset", "Endast kritiska", "Critical only"])) }
            }
            button type="submit" { (t(lang, ["Näytä", "Visa", "Show"])) }
        }
    }
}

/// The list page: the console's queue, or the portal's own reports.
pub fn reports_page(
    lang: Language,
    viewer: &Viewer,
    q: &ReportQueue,
    catalogue: &Catalogue,
) -> String {
    let console = viewer.desk == Desk::Console;
    let base = if console {
        "/console/reports"
    } else {
        "/portal/reports"
    };
    let body = html! {
        h1 { (t(lang, REPORTS)) }
        @if console {
            (clusters(lang, q.clusters, catalogue))
            (filters(lang, q.filter, catalogue))
        } @else {
            p { a.button href={ "/portal/reports/new?lang=" (lang.code()) } { (t(lang, ["Uusi vikailmoitus", "Ny felanmälan", "New fault report"])) } }
        }
        @if q.list.items.is_empty() {
            p.empty { (t(lang, ["Ei vikailmoituksia.", "Inga felanmälningar.", "No fault reports."])) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(t(lang, REPORTS)) {
                table.deliveries {
                    thead { tr {
                        th scope="col" { (t(lang, ["Tunnus", "Referens", "Reference"])) }
                        th scope="col" { (t(lang, ["Vastaanotettu", "Mottagen", "Received"])) }
                        @if console { th scope="col" { (t(lang, ["Organisaatio", "Organisation", "Organisation"])) } }
                        th scope="col" { (t(lang, ["Palvelut", "Tjänster", "Services"])) }
                        th scope="col" { (t(lang, ["Tila", "Status", "State"])) }
                    } }
                    tbody {
                        @for r in &q.list.items {
                            tr {
                                td.ref {
                                    a href={ (base) "/" (r.id) "?lang=" (lang.code()) } { (r.reference) }
                                    @if r.critical { " " strong.critical { (t(lang, CRITICAL)) } }
                                }
                                td { time datetime=(r.created_at.to_rfc3339()) { (local_time(lang, r.created_at)) } }
                                @if console { td { (r.organisation_name) } }
                                td { (service_names(r, catalogue, lang)) }
                                td { (status_label(lang, &r.status)) }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = &q.list.next_cursor {
                p { a href={ (base) "?lang=" (lang.code()) "&cursor=" (next) (query_of(q.filter)) } { (t(lang, ["Seuraavat", "Nästa", "Next"])) " →" } }
            }
        }
    };
    layout(lang, t(lang, REPORTS), base, Some(viewer), body)
}

/// The filters as query parameters after the first.
fn query_of(f: &ReportQuery) -> String {
    let mut out = String::new();
    if let Some(s) = f.status {
        out.push_str(&format!("&status={}", s.code()));
    }
    if let Some(s) = &f.service {
        out.push_str(&format!("&service={s}"));
    }
    if f.critical {
        out.push_str("&critical=true");
    }
    if let Some(c) = &f.cluster {
        out.push_str(&format!("&cluster={c}"));
    }
    out
}
