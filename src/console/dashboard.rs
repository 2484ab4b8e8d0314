//! The dashboard: what is happening now and whether it reached people — active faults and
//! instructions, maintenance in progress and upcoming, each with its delivery progress per
//! channel, and the faults whose promised next update is overdue.

use super::layout::{Viewer, layout};
use super::t;
use crate::notices::{
    ChannelSummary, DeliveryState, Revision, Texts, kind_label, local_time, severity_label,
    state_label,
};
use crate::registry::{Catalogue, Language};
use chrono::{DateTime, Utc};
use maud::{Markup, html};

/// One notice on the dashboard, at its latest revision, with that revision's deliveries.
pub struct DashboardNotice<'a> {
    pub revision: &'a Revision,
    pub email: ChannelSummary,
    pub sms: ChannelSummary,
    /// Every recipient has a delivery row.
    pub fanout_complete: bool,
}

/// What the dashboard shows.
pub struct Dashboard<'a> {
    pub now: DateTime<Utc>,
    /// Faults and instructions not over, newest first.
    pub active: Vec<DashboardNotice<'a>>,
    /// Maintenance whose window has begun.
    pub ongoing: Vec<DashboardNotice<'a>>,
    /// Maintenance ahead, soonest first.
    pub upcoming: Vec<DashboardNotice<'a>>,
    /// Channels a configuration fault paused on this daemon, with until when.
    pub paused: Vec<(&'static str, DateTime<Utc>)>,
    /// Probable national faults of the last day.
    pub clusters: &'a [crate::store::ClusterView],
    /// Fault reports nobody has triaged yet.
    pub new_reports: i64,
    /// Notices not yet published.
    pub pending: &'a [crate::query::PendingView],
    /// The viewer as the audit log names them (an author cannot approve their own).
    pub me: &'a str,
}

/// Deliveries of a channel the relay or gateway gave up on (for a re-send).
fn given_up(s: &ChannelSummary) -> i64 {
    s.count(DeliveryState::Failed) + s.count(DeliveryState::Dead)
}

/// Whether the fault's promised next update is past.
fn overdue(rev: &Revision, now: DateTime<Utc>) -> bool {
    rev.draft.next_update_at.is_some_and(|t| t < now)
}

/// The dashboard page.
pub fn dashboard_page(
    lang: Language,
    viewer: &Viewer,
    d: &Dashboard,
    catalogue: &Catalogue,
) -> String {
    let late: Vec<&DashboardNotice> = d
        .active
        .iter()
        .filter(|n| overdue(n.revision, d.now))
        .collect();
    let stuck: Vec<(&DashboardNotice, i64)> = d
        .active
        .iter()
        .chain(&d.ongoing)
        .chain(&d.upcoming)
        .map(|n| (n, given_up(&n.email) + given_up(&n.sms)))
        .filter(|(_, k)| *k > 0)
        .collect();
    let body = html! {
        h1 { (t(lang, ["Tilannekuva", "Lägesbild", "Dashboard"])) }
        p { a.button href={ "/console/notices/new?kind=fault&lang=" (lang.code()) } { (t(lang, ["Uusi häiriötiedote", "Nytt störningsmeddelande", "New fault notice"])) } }
        (super::pending_list::pending_section(lang, viewer, d.pending, d.me))
        (super::report_queue::clusters(lang, d.clusters, catalogue))
        @if d.new_reports > 0 {
            p { a href={ "/console/reports?status=new&lang=" (lang.code()) } {
                (d.new_reports) " " (t(lang, ["uutta vikailmoitusta odottaa käsittelyä", "nya felanmälningar väntar på handläggning", "new fault reports wait for triage"]))
            } }
        }
        @if !late.is_empty() {
            section.alert aria-labelledby="overdue" {
                h2 #overdue { (t(lang, ["Luvattu tilannepäivitys myöhässä", "Utlovad uppdatering försenad", "Promised update overdue"])) " (" (late.len()) ")" }
                ul {
                    @for n in &late {
                        li { (title_link(n.revision, lang)) }
                    }
                }
            }
        }
        @if !d.paused.is_empty() {
            section.alert aria-labelledby="paused" {
                h2 #paused { (t(lang, ["Kanava keskeytetty", "Kanal pausad", "Channel paused"])) " (" (d.paused.len()) ")" }
                ul {
                    @for (channel, until) in &d.paused {
                        li {
                            strong { (if *channel == "sms" { "SMS" } else { t(lang, ["Sähköposti", "E-post", "Email"]) }) }
                            " " (t(lang, ["keskeytetty asetusvirheen vuoksi; seuraava yritys", "pausad efter ett konfigurationsfel; nästa försök", "paused after a configuration fault; next try"]))
                            " " (local_time(lang, *until)) ". "
                            (t(lang, [
                                "Viestit odottavat, mitään ei menetetä. Tarkista välityspalvelimen tai tekstiviestipalvelun tunnukset (loki kertoo virheen).",
                                "Meddelandena väntar, inget går förlorat. Kontrollera reläets eller sms-tjänstens inloggningsuppgifter (loggen visar felet).",
                                "Messages wait; nothing is lost. Check the relay's or the SMS gateway's credentials (the log says what failed).",
                            ]))
                        }
                    }
                }
            }
        }
        @if !stuck.is_empty() {
            section.alert aria-labelledby="stuck" {
                h2 #stuck { (t(lang, ["Odottaa uudelleenlähetystä", "Väntar på att skickas igen", "Waiting for a re-send"])) " (" (stuck.len()) ")" }
                ul {
                    @for (n, k) in &stuck {
                        li { (title_link(n.revision, lang)) ": " (k) " " (t(lang, ["toimitusta epäonnistui", "leveranser misslyckades", "deliveries given up"])) }
                    }
                }
            }
        }
        section aria-labelledby="active" {
            h2 #active { (t(lang, ["Käynnissä olevat häiriöt ja ohjeet", "Pågående störningar och anvisningar", "Active faults and instructions"])) }
            (cards(&d.active, lang, d.now, catalogue))
        }
        section aria-labelledby="ongoing" {
            h2 #ongoing { (t(lang, ["Käynnissä olevat huoltokatkot", "Pågående underhåll", "Maintenance in progress"])) }
            (cards(&d.ongoing, lang, d.now, catalogue))
        }
        section aria-labelledby="upcoming" {
            h2 #upcoming { (t(lang, ["Tulevat huoltokatkot", "Kommande underhåll", "Upcoming maintenance"])) }
            (cards(&d.upcoming, lang, d.now, catalogue))
        }
    };
    layout(
        lang,
        t(lang, ["Tilannekuva", "Lägesbild", "Dashboard"]),
        "/console",
        Some(viewer),
        body,
    )
}

fn title_link(rev: &Revision, lang: Language) -> Markup {
    let (title, _) = Texts::pick(&rev.draft.texts.title, lang);
    html! {
        @if !rev.draft.status.is_actual() { strong { (crate::notices::EXERCISE_MARK) } ": " }
        a href={ "/console/notices/" (rev.notice_id) "?lang=" (lang.code()) } { (title) }
    }
}

fn cards(
    list: &[DashboardNotice],
    lang: Language,
    now: DateTime<Utc>,
    catalogue: &Catalogue,
) -> Markup {
    html! {
        @if list.is_empty() {
            p.empty { (t(lang, ["Ei yhtään.", "Inga.", "None."])) }
        }
        @for n in list {
            (card(n, lang, now, catalogue))
        }
    }
}

fn card(n: &DashboardNotice, lang: Language, now: DateTime<Utc>, catalogue: &Catalogue) -> Markup {
    let d = &n.revision.draft;
    let services: Vec<String> = d
        .services
        .iter()
        .map(|s| catalogue.name(s.as_str(), lang))
        .collect();
    html! {
        article.notice {
            h3 { (title_link(n.revision, lang)) }
            p.meta {
                span.kind { (kind_label(lang, d.kind)) } " · "
                (severity_label(lang, d.severity)) " · "
                (state_label(lang, d.state)) " · "
                (services.join(", "))
            }
            p.meta {
                (t(lang, ["Päivitetty", "Uppdaterad", "Updated"])) " "
                time datetime=(n.revision.published_at.to_rfc3339()) { (local_time(lang, n.revision.published_at)) }
                " · " (t(lang, ["versio", "version", "revision"])) " " (n.revision.number)
                @if let Some(next) = d.next_update_at {
                    " · " (t(lang, ["seuraava päivitys", "nästa uppdatering", "next update"])) " "
                    time datetime=(next.to_rfc3339()) { (local_time(lang, next)) }
                    @if next < now {
                        " " strong.late { (t(lang, ["(myöhässä)", "(försenad)", "(overdue)"])) }
                    }
                }
            }
            @if let (Some(s), Some(e)) = (d.window_start, d.window_end) {
                p.meta {
                    (t(lang, ["Katko", "Avbrott", "Window"])) " "
                    time datetime=(s.to_rfc3339()) { (local_time(lang, s)) } " – "
                    time datetime=(e.to_rfc3339()) { (local_time(lang, e)) }
                }
            }
            (progress(lang, n))
        }
    }
}

/// Delivery progress per channel, in words and as a bar.
fn progress(lang: Language, n: &DashboardNotice) -> Markup {
    let channels = [
        (
            "email",
            t(lang, ["Sähköposti", "E-post", "Email"]),
            &n.email,
        ),
        ("sms", "SMS", &n.sms),
    ];
    // Still going: the console's script refreshes the numbers until it is done.
    let running = !n.fanout_complete || n.email.pending() > 0 || n.sms.pending() > 0;
    html! {
        dl.progress id={ "progress-" (n.revision.notice_id) } data-live=[running.then_some("true")] {
            @for (code, name, s) in channels {
                @let total = s.total();
                @let done = total - s.pending();
                dt { (name) }
                dd {
                    @if total == 0 {
                        @if n.fanout_complete {
                            (t(lang, ["ei vastaanottajia", "inga mottagare", "no recipients"]))
                        } @else {
                            (t(lang, ["ei lähetetty vielä", "inte skickat ännu", "not sent yet"]))
                        }
                    } @else {
                        progress id={ "p-" (n.revision.notice_id) "-" (code) } aria-label=(name) max=(total) value=(done) { (done) "/" (total) }
                        " " (done) " / " (total) " " (t(lang, ["käsitelty", "behandlade", "done"]))
                        @for (state, label) in [
                            (DeliveryState::Sent, ["lähetetty", "skickade", "sent"]),
                            (DeliveryState::Delivered, ["perillä", "levererade", "delivered"]),
                            (DeliveryState::Failed, ["epäonnistui", "misslyckades", "failed"]),
                            (DeliveryState::Dead, ["luovuttu", "uppgivna", "gave up"]),
                        ] {
                            @if s.count(state) > 0 {
                                " · " (s.count(state)) " " (t(lang, label))
                            }
                        }
                    }
                }
            }
        }
    }
}
