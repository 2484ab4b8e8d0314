//! Signing in: the page that says how, and the page a sign-in link opens (a GET only shows;
//! the button POSTs, so that mail and chat scanners that fetch links sign nobody in).

use super::layout::layout;
use super::t;
use crate::registry::Language;
use maud::html;

const SIGN_IN: [&str; 3] = ["Kirjaudu sisään", "Logga in", "Sign in"];

/// Why the sign-in page is shown again after a try through the identity provider.
pub enum ProviderOutcome<'a> {
    /// The provider could not be reached or did not answer as one.
    Unavailable,
    /// The answer did not verify, took too long, or came to another browser.
    Refused,
    /// The provider vouched for `person`, who is not one of the console's operators.
    NoAccess { person: &'a str },
}

/// The sign-in page: the identity provider's button when one is configured (`provider` is
/// its name), the sign-in link otherwise or beside it; `outcome` says why a try failed.
pub fn signin_page(
    lang: Language,
    link_minutes: i64,
    provider: Option<&str>,
    outcome: Option<&ProviderOutcome>,
) -> String {
    let title = match outcome {
        Some(ProviderOutcome::NoAccess { .. }) => {
            t(lang, ["Ei käyttöoikeutta", "Ingen behörighet", "No access"])
        }
        _ => t(lang, SIGN_IN),
    };
    let body = html! {
        h1 { (title) }
        @match outcome {
            Some(ProviderOutcome::NoAccess { person }) => {
                p role="alert" {
                    (t(lang, ["Tunnistauduit nimellä", "Du identifierades som", "You signed in as"])) " " strong { (person) } ". "
                    (t(lang, [
                        "Sinulla ei ole ylläpidon käyttöoikeutta. Oikeus tulee ryhmästä, jonka ylläpitäjä määrittää tunnistuspalvelussa; pyydä sitä tekniseltä tuelta tai oman organisaatiosi pääkäyttäjältä.",
                        "Du har ingen behörighet till konsolen. Behörigheten kommer från en grupp som administratören anger i identifieringstjänsten; be teknisk support eller din organisations huvudanvändare om den.",
                        "You have no access to the console. Access comes from a group set in the identity provider; ask technical support or your organisation's administrator for it.",
                    ]))
                }
                p { (t(lang, ["Istuntoa ei avattu.", "Ingen session öppnades.", "No session was opened."])) }
            }
            Some(ProviderOutcome::Unavailable) => {
                p role="alert" { (t(lang, [
                    "Tunnistuspalveluun ei saatu yhteyttä. Yritä hetken kuluttua uudelleen, tai kirjaudu kertakäyttöisellä linkillä.",
                    "Identifieringstjänsten svarade inte. Försök igen om en stund, eller logga in med en engångslänk.",
                    "The identity provider could not be reached. Try again in a moment, or sign in with a one-time link.",
                ])) }
            }
            Some(ProviderOutcome::Refused) => {
                p role="alert" { (t(lang, [
                    "Kirjautuminen ei onnistunut: tunnistuksen vastausta ei voitu varmistaa, se vanhentui tai se tuli toiseen selaimeen. Aloita kirjautuminen alusta.",
                    "Inloggningen misslyckades: svaret från identifieringen kunde inte verifieras, hade gått ut eller kom till en annan webbläsare. Börja om.",
                    "Signing in did not succeed: the identity provider's answer could not be verified, took too long or came to another browser. Start again.",
                ])) }
            }
            None => {}
        }
        @if let Some(name) = provider {
            form method="post" action={ "/console/login/oidc?lang=" (lang.code()) } {
                button type="submit" {
                    (t(lang, ["Kirjaudu palvelulla", "Logga in med", "Sign in with"])) " " (name)
                }
            }
            h2 { (t(lang, ["Ilman tunnistuspalvelua", "Utan identifieringstjänst", "Without the identity provider"])) }
        }
        @if provider.is_some() {
            p { (t(lang, [
                "Ylläpitoon voi kirjautua myös kertakäyttöisellä linkillä. Pyydä linkki palvelimelta, jolla faultcast toimii:",
                "Man kan också logga in i konsolen med en engångslänk. Be om en länk på servern där faultcast körs:",
                "The console can also be opened with a one-time link. Ask for one on the host that runs faultcast:",
            ])) }
        } @else {
            p { (t(lang, [
                "Ylläpitoon kirjaudutaan kertakäyttöisellä linkillä. Pyydä linkki palvelimelta, jolla faultcast toimii:",
                "Man loggar in i konsolen med en engångslänk. Be om en länk på servern där faultcast körs:",
                "The console is opened with a one-time link. Ask for one on the host that runs faultcast:",
            ])) }
        }
        pre { code { "faultcast login-link --label \"" (t(lang, ["Nimi (tuki)", "Namn (support)", "Name (support)"])) "\"" } }
        p.meta {
            (t(lang, ["Linkki on voimassa", "Länken gäller i", "The link is valid for"])) " " (link_minutes) " "
            (t(lang, ["minuuttia ja toimii kerran.", "minuter och fungerar en gång.", "minutes and works once."]))
        }
    };
    layout(lang, title, "/console/login", None, body)
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
