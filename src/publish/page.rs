//! The public status page and the page of one notice (domain §7): server-rendered with
//! auto-escaping templates (maud), usable without JavaScript, readable on a phone, in
//! Finnish, Swedish or English. Status is never told by colour alone.

use crate::notices::{
    Revision, Texts, action_label, kind_label, local_time, phases, severity_label, state_label,
};
use crate::registry::{Catalogue, Language, NoticeKind};
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

/// The same text in the three languages.
pub(super) fn t(lang: Language, p: [&'static str; 3]) -> &'static str {
    match lang {
        Language::Fi => p[0],
        Language::Sv => p[1],
        Language::En => p[2],
    }
}

const TITLE: [&str; 3] = ["Palveluiden tila", "Tjänsternas status", "Service status"];

/// How a service is doing now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceStatus {
    Operational,
    Maintenance,
    Disrupted,
}

impl ServiceStatus {
    fn label(self, lang: Language) -> &'static str {
        t(
            lang,
            match self {
                ServiceStatus::Operational => ["Toiminnassa", "I drift", "Operational"],
                ServiceStatus::Maintenance => ["Huoltokatko", "Underhåll", "Maintenance"],
                ServiceStatus::Disrupted => ["Häiriö", "Störning", "Disrupted"],
            },
        )
    }

    fn class(self) -> &'static str {
        match self {
            ServiceStatus::Operational => "ok",
            ServiceStatus::Maintenance => "maintenance",
            ServiceStatus::Disrupted => "disrupted",
        }
    }
}

/// What the front page shows, already sorted (newest first within each part).
pub struct StatusPage<'a> {
    pub lang: Language,
    /// When anything shown last changed.
    pub updated: Option<DateTime<Utc>>,
    /// Faults and instructions not over.
    pub current: Vec<&'a Revision>,
    pub ongoing: Vec<&'a Revision>,
    pub upcoming: Vec<&'a Revision>,
    /// Ended within the last 90 days.
    pub recent: Vec<&'a Revision>,
}

pub(super) fn layout(lang: Language, title: &str, path: &str, body: Markup) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let page = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/assets/faultcast.css";
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
                link rel="alternate" type="application/rss+xml" title="RSS"
                    href={ "/feed.rss?lang=" (lang.code()) };
                link rel="alternate" type="application/atom+xml" title="Atom"
                    href={ "/feed.atom?lang=" (lang.code()) };
            }
            body {
                a.skip href="#main" { (t(lang, ["Siirry sisältöön", "Gå till innehållet", "Skip to content"])) }
                header {
                    p.site { a href={ "/?lang=" (lang.code()) } { (t(lang, TITLE)) } }
                    nav aria-label=(t(lang, ["Kieli", "Språk", "Language"])) {
                        ul.langs {
                            @for (l, name) in [(Language::Fi, "Suomeksi"), (Language::Sv, "På svenska"), (Language::En, "In English")] {
                                li {
                                    @if l == lang {
                                        a href={ (path) (sep) "lang=" (l.code()) } hreflang=(l.code()) lang=(l.code()) aria-current="page" { (name) }
                                    } @else {
                                        a href={ (path) (sep) "lang=" (l.code()) } hreflang=(l.code()) lang=(l.code()) { (name) }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main { (body) }
                footer {
                    p {
                        a href={ "/feed.rss?lang=" (lang.code()) } { "RSS" } " · "
                        a href={ "/feed.atom?lang=" (lang.code()) } { "Atom" } " · "
                        a href={ "/maintenance.ics?lang=" (lang.code()) } { (t(lang, ["Huoltokalenteri", "Underhållskalender", "Maintenance calendar"])) } " · "
                        a href="/cap.xml" { "CAP" }
                    }
                }
            }
        }
    };
    page.into_string()
}

fn time(lang: Language, at: DateTime<Utc>) -> Markup {
    html! { time datetime=(at.to_rfc3339()) { (local_time(lang, at)) } }
}

/// One notice as a card in a list.
fn card(rev: &Revision, lang: Language, catalogue: &Catalogue) -> Markup {
    let d = &rev.draft;
    let (title, _) = Texts::pick(&d.texts.title, lang);
    let services: Vec<String> = d
        .services
        .iter()
        .map(|s| catalogue.name(s.as_str(), lang))
        .collect();
    html! {
        article.notice {
            h3 { a href={ "/notices/" (rev.notice_id) "?lang=" (lang.code()) } { (title) } }
            p.meta {
                span.kind { (kind_label(lang, d.kind)) } " · "
                span.state { (state_label(lang, d.state)) }
                @if d.kind == NoticeKind::Fault { " · " span.severity { (severity_label(lang, d.severity)) } }
            }
            @if let Some(i) = &d.issuer {
                p.issuer { (crate::notices::issued_by(lang)) ": " strong { (i.name(lang)) } }
            }
            p.services { (services.join(", ")) }
            @for (label, value) in crate::notices::impact_facts(d, lang, catalogue) {
                p.impact { strong { (label) ": " } (value) }
            }
            @if !d.state.is_final() {
                @if let Some(e) = d.estimated_end_at {
                    p.outlook { (t(lang, ["Arvioitu päättyminen", "Beräknat slut", "Estimated end"])) ": " (time(lang, e)) }
                }
                @if let Some(n) = d.next_update_at {
                    p.outlook { (t(lang, ["Seuraava päivitys viimeistään", "Nästa uppdatering senast", "Next update by"])) ": " (time(lang, n)) }
                }
            }
            @if let (Some(s), Some(e)) = (d.window_start, d.window_end) {
                p.when { (time(lang, s)) " – " (time(lang, e)) }
            } @else if let Some(s) = d.started_at {
                p.when { (time(lang, s)) @if let Some(e) = d.ended_at { " – " (time(lang, e)) } }
            }
            p.updated { (t(lang, ["Päivitetty", "Uppdaterad", "Updated"])) " " (time(lang, rev.published_at)) }
        }
    }
}

fn section(
    heading: &str,
    empty: &str,
    items: &[&Revision],
    lang: Language,
    catalogue: &Catalogue,
) -> Markup {
    html! {
        section {
            h2 { (heading) }
            @if items.is_empty() {
                p.empty { (empty) }
            } @else {
                @for r in items { (card(r, lang, catalogue)) }
            }
        }
    }
}

/// The status of each service from the current and ongoing notices.
fn service_statuses<'a>(
    p: &StatusPage<'a>,
    catalogue: &'a Catalogue,
) -> Vec<(String, ServiceStatus)> {
    catalogue
        .services()
        .iter()
        .map(|svc| {
            let code = svc.code.as_str();
            let hit = |list: &[&Revision]| {
                list.iter()
                    .any(|r| r.draft.services.iter().any(|s| s.as_str() == code))
            };
            let status = if hit(&p.current) {
                ServiceStatus::Disrupted
            } else if hit(&p.ongoing) {
                ServiceStatus::Maintenance
            } else {
                ServiceStatus::Operational
            };
            (catalogue.name(code, p.lang), status)
        })
        .collect()
}

/// The front page.
pub fn status_page(p: &StatusPage, catalogue: &Catalogue) -> String {
    let lang = p.lang;
    let statuses = service_statuses(p, catalogue);
    let body = html! {
        h1 { (t(lang, TITLE)) }
        @if let Some(u) = p.updated {
            p.asof { (t(lang, ["Viimeksi päivitetty", "Senast uppdaterad", "Last updated"])) " " (time(lang, u)) }
        }
        (section(t(lang, ["Häiriöt nyt", "Aktuella störningar", "Current faults"]),
            t(lang, ["Ei häiriöitä.", "Inga störningar.", "No current faults."]), &p.current, lang, catalogue))
        (section(t(lang, ["Käynnissä olevat huollot", "Pågående underhåll", "Maintenance in progress"]),
            t(lang, ["Ei käynnissä olevia huoltoja.", "Inget pågående underhåll.", "No maintenance in progress."]), &p.ongoing, lang, catalogue))
        (section(t(lang, ["Tulevat huollot", "Kommande underhåll", "Upcoming maintenance"]),
            t(lang, ["Ei suunniteltuja huoltoja.", "Inget planerat underhåll.", "No planned maintenance."]), &p.upcoming, lang, catalogue))
        section {
            h2 { (t(lang, ["Palvelut", "Tjänster", "Services"])) }
            table.services {
                caption.visually-hidden { (t(lang, ["Palveluiden tila", "Tjänsternas status", "Status of each service"])) }
                thead { tr {
                    th scope="col" { (t(lang, ["Palvelu", "Tjänst", "Service"])) }
                    th scope="col" { (t(lang, ["Tila", "Status", "Status"])) }
                } }
                tbody {
                    @for (name, status) in &statuses {
                        tr { th scope="row" { (name) } td { span class={ "status " (status.class()) } { (status.label(lang)) } } }
                    }
                }
            }
        }
        (section(t(lang, ["Viimeiset 90 päivää", "De senaste 90 dagarna", "The last 90 days"]),
            t(lang, ["Ei päättyneitä tiedotteita.", "Inga avslutade meddelanden.", "No ended notices."]), &p.recent, lang, catalogue))
    };
    layout(lang, t(lang, TITLE), "/", body)
}

/// The page of one notice: its current text and every revision, newest first.
pub fn notice_page(revisions: &[Revision], lang: Language, catalogue: &Catalogue) -> String {
    let Some(current) = revisions.last() else {
        return not_found_page(lang);
    };
    let d = &current.draft;
    let (title, title_lang) = Texts::pick(&d.texts.title, lang);
    let path = format!("/notices/{}", current.notice_id);
    let body = html! {
        p.back { a href={ "/?lang=" (lang.code()) } { (t(lang, ["← Kaikki tiedotteet", "← Alla meddelanden", "← All notices"])) } }
        @if !d.status.is_actual() {
            p.alert role="note" {
                strong { (crate::notices::EXERCISE_MARK) } " "
                (t(lang, [
                    "Tämä on harjoitus eikä koske todellista häiriötä.",
                    "Detta är en övning och gäller ingen verklig störning.",
                    "This is an exercise, not a real fault.",
                ]))
            }
        }
        h1 lang=(title_lang.code()) { (title) }
        (card(current, lang, catalogue))
        @let phase_lines = phases(d, lang);
        @if !phase_lines.is_empty() {
            h2 { (t(lang, ["Vaiheet", "Faser", "Phases"])) }
            ul.phases { @for p in &phase_lines { li { (p) } } }
        }
        h2 { (t(lang, ["Tiedotteen vaiheet", "Meddelandets historik", "Timeline"])) }
        ol.timeline reversed {
            @for rev in revisions.iter().rev() {
                @let (body_text, body_lang) = Texts::pick(&rev.draft.texts.body, lang);
                li {
                    h3 {
                        (time(lang, rev.published_at)) " · "
                        (action_label(lang, rev.action).unwrap_or(t(lang, ["Julkaistu", "Publicerat", "Published"])))
                        " · " (state_label(lang, rev.draft.state))
                    }
                    @for para in body_text.split("\n\n") {
                        p lang=(body_lang.code()) {
                            @for (i, line) in para.lines().enumerate() { @if i > 0 { br; } (line) }
                        }
                    }
                    @for (aud, texts) in &rev.draft.texts.instructions {
                        @let (instruction, ilang) = Texts::pick(texts, lang);
                        p.instruction lang=(ilang.code()) {
                            strong { (crate::notices::audience_label(lang, *aud)) ": " }
                            @for (i, line) in instruction.lines().enumerate() { @if i > 0 { br; } (line) }
                        }
                    }
                }
            }
        }
    };
    layout(lang, title, &path, body)
}

/// A page for an unknown notice.
pub fn not_found_page(lang: Language) -> String {
    let body = html! {
        h1 { (t(lang, ["Tiedotetta ei löydy", "Meddelandet finns inte", "No such notice"])) }
        p { a href={ "/?lang=" (lang.code()) } { (t(lang, ["Kaikki tiedotteet", "Alla meddelanden", "All notices"])) } }
    };
    layout(lang, t(lang, TITLE), "/", body)
}

/// The site icon: a white check on dark blue.
pub const ICON: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#0b4f9c\"/><path d=\"M8 17l5 5 11-12\" stroke=\"#fff\" stroke-width=\"4\" fill=\"none\"/></svg>";

/// The style sheet: readable on a phone, AA contrast, visible focus.
pub const STYLE: &str = include_str!("faultcast.css");
