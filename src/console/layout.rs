//! The frame of every console page: who is signed in, sign-out, languages, the content.

use super::t;
use crate::registry::Language;
use maud::{DOCTYPE, Markup, html};

/// The signed-in person a page is rendered for.
pub struct Viewer<'a> {
    pub person: &'a str,
    /// The session's form token, carried by every form.
    pub csrf: &'a str,
    /// Where they signed in.
    pub desk: Desk,
}

pub(super) const CONSOLE: [&str; 3] = ["Ylläpito", "Konsol", "Console"];
pub(super) const PORTAL: [&str; 3] = [
    "Organisaatioportaali",
    "Organisationsportalen",
    "Organisation portal",
];

const REPORTS: [&str; 3] = ["Vikailmoitukset", "Felanmälningar", "Fault reports"];

/// Which door a page belongs to: the operators' console or an organisation's portal (the
/// same kit; its own name, sections and sign-out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Desk {
    Console,
    Portal,
    /// The public fault report form: no sign-in.
    Public,
}

impl Desk {
    /// Where the pages of organisation `org` are: in the console under its id, in the portal
    /// at the top (a portal session has one organisation).
    pub fn org_base(self, org: &str) -> String {
        match self {
            Desk::Console => format!("/console/organisations/{org}"),
            Desk::Portal | Desk::Public => "/portal".to_owned(),
        }
    }

    fn of(path: &str) -> Self {
        if path.starts_with("/portal") {
            Desk::Portal
        } else if path.starts_with("/report") {
            Desk::Public
        } else {
            Desk::Console
        }
    }

    fn home(self) -> &'static str {
        match self {
            Desk::Console => "/console",
            Desk::Portal => "/portal",
            Desk::Public => "/report",
        }
    }

    fn name(self) -> [&'static str; 3] {
        match self {
            Desk::Console => CONSOLE,
            Desk::Portal => PORTAL,
            Desk::Public => ["Vikailmoitus", "Felanmälan", "Fault report"],
        }
    }

    fn sections(self) -> &'static [(&'static str, [&'static str; 3])] {
        match self {
            Desk::Console => &[
                ("/console", ["Tilannekuva", "Lägesbild", "Dashboard"]),
                ("/console/reports", REPORTS),
                (
                    "/console/organisations",
                    ["Organisaatiot", "Organisationer", "Organisations"],
                ),
                ("/console/templates", ["Pohjat", "Mallar", "Templates"]),
                ("/console/tokens", ["Avaimet", "Nycklar", "Tokens"]),
                (
                    "/console/audit",
                    ["Tapahtumaloki", "Händelselogg", "Audit log"],
                ),
            ],
            Desk::Portal => &[
                (
                    "/portal",
                    [
                        "Organisaatio ja vastaanottajat",
                        "Organisation och mottagare",
                        "Organisation and recipients",
                    ],
                ),
                (
                    "/portal/notices",
                    [
                        "Tavoittiko tiedote?",
                        "Nådde meddelandet fram?",
                        "Did we get it?",
                    ],
                ),
                ("/portal/reports", REPORTS),
            ],
            Desk::Public => &[],
        }
    }
}

/// A console page: `path` is where the language links point.
pub(super) fn layout(
    lang: Language,
    title: &str,
    path: &str,
    viewer: Option<&Viewer>,
    body: Markup,
) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let desk = Desk::of(path);
    let home = desk.home();
    let page = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " · faultcast " (t(lang, desk.name())) }
                link rel="stylesheet" href="/assets/faultcast.css";
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
                script src="/assets/console.js" defer {}
            }
            body.console {
                a.skip href="#main" { (t(lang, ["Siirry sisältöön", "Gå till innehållet", "Skip to content"])) }
                header {
                    p.site { a href={ (home) "?lang=" (lang.code()) } { "faultcast " (t(lang, desk.name())) } }
                    @if let Some(v) = viewer {
                        // Signed in, the choice is the person's and remembered: a POST.
                        form.langs method="post" action={ (home) "/language" } aria-label=(t(lang, ["Kieli", "Språk", "Language"])) {
                            input type="hidden" name="csrf" value=(v.csrf);
                            input type="hidden" name="back" value=(path);
                            ul.langs {
                                @for (l, name) in [(Language::Fi, "Suomeksi"), (Language::Sv, "På svenska"), (Language::En, "In English")] {
                                    li {
                                        button.link type="submit" name="lang" value=(l.code()) lang=(l.code()) aria-current=[(l == lang).then_some("true")] { (name) }
                                    }
                                }
                            }
                        }
                    } @else {
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
                    @if let Some(v) = viewer {
                        form.signout method="post" action={ (home) "/logout?lang=" (lang.code()) } {
                            span.person { (v.person) }
                            input type="hidden" name="csrf" value=(v.csrf);
                            button type="submit" { (t(lang, ["Kirjaudu ulos", "Logga ut", "Sign out"])) }
                        }
                    }
                }
                @if viewer.is_some() {
                    nav.sections aria-label=(t(lang, ["Osiot", "Delar", "Sections"])) {
                        ul.kinds {
                            @for (href, label) in desk.sections() {
                                @let here = section_of(path) == *href;
                                li { a href={ (href) "?lang=" (lang.code()) } aria-current=[here.then_some("page")] { (t(lang, *label)) } }
                            }
                        }
                    }
                }
                main #main { (body) }
            }
        }
    };
    page.into_string()
}

/// The section a page belongs to (its bar's link).
fn section_of(path: &str) -> &'static str {
    if path.starts_with("/portal/notices") {
        "/portal/notices"
    } else if path.starts_with("/portal/reports") {
        "/portal/reports"
    } else if path.starts_with("/console/reports") {
        "/console/reports"
    } else if path.starts_with("/portal") {
        "/portal"
    } else if path.starts_with("/console/organisations") {
        "/console/organisations"
    } else if path.starts_with("/console/tokens") {
        "/console/tokens"
    } else if path.starts_with("/console/audit") {
        "/console/audit"
    } else {
        "/console"
    }
}
