//! The frame of every console page: who is signed in, sign-out, languages, the content.

use super::t;
use crate::registry::Language;
use maud::{DOCTYPE, Markup, html};

/// The signed-in person a page is rendered for.
pub struct Viewer<'a> {
    pub person: &'a str,
    /// The session's form token, carried by every form.
    pub csrf: &'a str,
}

pub(super) const CONSOLE: [&str; 3] = ["Ylläpito", "Konsol", "Console"];

/// A console page: `path` is where the language links point.
pub(super) fn layout(
    lang: Language,
    title: &str,
    path: &str,
    viewer: Option<&Viewer>,
    body: Markup,
) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let page = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) " · faultcast " (t(lang, CONSOLE)) }
                link rel="stylesheet" href="/assets/faultcast.css";
                link rel="icon" type="image/svg+xml" href="/assets/favicon.svg";
                script src="/assets/console.js" defer {}
            }
            body.console {
                a.skip href="#main" { (t(lang, ["Siirry sisältöön", "Gå till innehållet", "Skip to content"])) }
                header {
                    p.site { a href={ "/console?lang=" (lang.code()) } { "faultcast " (t(lang, CONSOLE)) } }
                    @if let Some(v) = viewer {
                        // Signed in, the choice is the person's and remembered: a POST.
                        form.langs method="post" action="/console/language" aria-label=(t(lang, ["Kieli", "Språk", "Language"])) {
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
                        form.signout method="post" action={ "/console/logout?lang=" (lang.code()) } {
                            span.person { (v.person) }
                            input type="hidden" name="csrf" value=(v.csrf);
                            button type="submit" { (t(lang, ["Kirjaudu ulos", "Logga ut", "Sign out"])) }
                        }
                    }
                }
                @if viewer.is_some() {
                    nav.sections aria-label=(t(lang, ["Ylläpidon osat", "Konsolens delar", "Console sections"])) {
                        ul.kinds {
                            @for (href, label) in [
                                ("/console", ["Tilannekuva", "Lägesbild", "Dashboard"]),
                                ("/console/organisations", ["Organisaatiot", "Organisationer", "Organisations"]),
                                ("/console/tokens", ["Avaimet", "Nycklar", "Tokens"]),
                                ("/console/audit", ["Tapahtumaloki", "Händelselogg", "Audit log"]),
                            ] {
                                @let here = section_of(path) == href;
                                li { a href={ (href) "?lang=" (lang.code()) } aria-current=[here.then_some("page")] { (t(lang, label)) } }
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

/// The console section a page belongs to (its bar's link).
fn section_of(path: &str) -> &'static str {
    if path.starts_with("/console/organisations") {
        "/console/organisations"
    } else if path.starts_with("/console/tokens") {
        "/console/tokens"
    } else if path.starts_with("/console/audit") {
        "/console/audit"
    } else {
        "/console"
    }
}
