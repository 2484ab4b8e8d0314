//! Signing in: the page that says how, and the page a sign-in link opens (a GET only shows;
//! the button POSTs, so that mail and chat scanners that fetch links sign nobody in).

use super::layout::layout;
use super::t;
use crate::registry::Language;
use maud::html;

const SIGN_IN: [&str; 3] = ["Kirjaudu sisään", "Logga in", "Sign in"];

/// The sign-in page: how to get in.
pub fn signin_page(lang: Language, link_minutes: i64) -> String {
    let body = html! {
        h1 { (t(lang, SIGN_IN)) }
        p { (t(lang, [
            "Ylläpitoon kirjaudutaan kertakäyttöisellä linkillä. Pyydä linkki palvelimelta, jolla faultcast toimii:",
            "Man loggar in i konsolen med en engångslänk. Be om en länk på servern där faultcast körs:",
            "The console is opened with a one-time link. Ask for one on the host that runs faultcast:",
        ])) }
        pre { code { "faultcast login-link --label \"" (t(lang, ["Nimi (tuki)", "Namn (support)", "Name (support)"])) "\"" } }
        p.meta {
            (t(lang, ["Linkki on voimassa", "Länken gäller i", "The link is valid for"])) " " (link_minutes) " "
            (t(lang, ["minuuttia ja toimii kerran.", "minuter och fungerar en gång.", "minutes and works once."]))
        }
    };
    layout(lang, t(lang, SIGN_IN), "/console/login", None, body)
}

/// What a sign-in link is now.
pub enum LinkState<'a> {
    /// Usable, by the person it names.
    Valid { label: &'a str, token: &'a str },
    /// Past its time.
    Expired,
    /// Used before, or not a link of ours.
    Spent,
}

/// The page a sign-in link opens: a button that signs in, or why it cannot.
pub fn link_page(lang: Language, state: &LinkState) -> String {
    let body = html! {
        h1 { (t(lang, SIGN_IN)) }
        @match state {
            LinkState::Valid { label, token } => {
                p { (t(lang, ["Kirjaudut ylläpitoon nimellä", "Du loggar in i konsolen som", "You are signing in to the console as"])) " " strong { (label) } "." }
                form method="post" action={ "/console/login/link?lang=" (lang.code()) } {
                    input type="hidden" name="token" value=(token);
                    button type="submit" { (t(lang, SIGN_IN)) }
                }
            }
            LinkState::Expired => {
                p role="alert" { (t(lang, [
                    "Tämä kirjautumislinkki on vanhentunut. Pyydä uusi linkki komennolla faultcast login-link.",
                    "Inloggningslänken har gått ut. Be om en ny länk med kommandot faultcast login-link.",
                    "This sign-in link has expired. Ask for a new one with faultcast login-link.",
                ])) }
            }
            LinkState::Spent => {
                p role="alert" { (t(lang, [
                    "Tätä kirjautumislinkkiä ei voi käyttää: se on jo käytetty tai se on virheellinen. Pyydä uusi linkki komennolla faultcast login-link.",
                    "Inloggningslänken kan inte användas: den har redan använts eller är felaktig. Be om en ny länk med kommandot faultcast login-link.",
                    "This sign-in link cannot be used: it was used already or is not valid. Ask for a new one with faultcast login-link.",
                ])) }
            }
        }
        p { a href={ "/console/login?lang=" (lang.code()) } { (t(lang, ["Kirjautumisohje", "Hur man loggar in", "How to sign in"])) } }
    };
    let path = match state {
        LinkState::Valid { token, .. } => format!("/console/login/link?token={token}"),
        _ => "/console/login".to_owned(),
    };
    layout(lang, t(lang, SIGN_IN), &path, None, body)
}
