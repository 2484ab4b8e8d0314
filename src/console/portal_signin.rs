//! Signing in to the organisation portal: the page where a portal admin asks for a link with
//! their address, the answer (the same whether or not the address is a portal admin's), and
//! the page the emailed link opens (a GET only shows; the button POSTs).

use super::fields::{error_list, errors_of};
use super::layout::layout;
use super::t;
use crate::registry::Language;
use crate::validation::FieldError;
use maud::html;

const SIGN_IN: [&str; 3] = ["Kirjaudu sisään", "Logga in", "Sign in"];
const ASK_AGAIN: [&str; 3] = [
    "Pyydä uusi linkki",
    "Be om en ny länk",
    "Ask for a new link",
];

/// Where the request page is.
pub enum LinkRequest<'a> {
    /// The form, with what was typed and what was wrong with it.
    Form {
        email: &'a str,
        errors: &'a [FieldError],
    },
    /// Asked: a link is on its way if the address is a portal admin's.
    Sent { minutes: i64 },
    /// Asked too often: try again in this many seconds.
    TooMany { email: &'a str, seconds: u64 },
}

/// `/portal` without a session: ask for a sign-in link.
pub fn portal_request_page(lang: Language, state: &LinkRequest) -> String {
    let title = t(lang, SIGN_IN);
    let form = |email: &str, errors: &[FieldError]| {
        let invalid = !errors_of(errors, "email").is_empty();
        html! {
            form method="post" action={ "/portal/link-request?lang=" (lang.code()) } novalidate {
                div.field {
                    label for="email" { (t(lang, ["Sähköpostiosoite", "E-postadress", "Email address"])) " *" }
                    (error_list(errors, "email"))
                    input id="email" name="email" type="email" autocomplete="email" value=(email)
                        aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then_some("email-error")];
                }
                button type="submit" { (t(lang, ["Lähetä kirjautumislinkki", "Skicka inloggningslänk", "Send me a sign-in link"])) }
            }
        }
    };
    let body = html! {
        h1 { (t(lang, ["Organisaatioportaali", "Organisationsportalen", "Organisation portal"])) }
        p { (t(lang, [
            "Portaalissa organisaation pääkäyttäjät pitävät häiriö- ja huoltotiedotteiden vastaanottajat ajan tasalla ja näkevät, keille tiedotteet on toimitettu.",
            "I portalen håller organisationens huvudanvändare mottagarna av stör- och underhållsmeddelanden aktuella och ser vem meddelandena levererades till.",
            "Here an organisation's portal admins keep the recipients of fault and maintenance notices current and see who the notices were delivered to.",
        ])) }
        @match state {
            LinkRequest::Form { email, errors } => {
                @let errors = &super::messages::translated(lang, errors);
                @if !errors.is_empty() {
                    div.alert role="alert" { p { (t(lang, ["Tarkista merkitty kenttä.", "Kontrollera det markerade fältet.", "Check the marked field."])) } }
                }
                p { (t(lang, [
                    "Kirjoita osoite, jolla organisaatiosi on merkinnyt sinut portaalin pääkäyttäjäksi. Lähetämme siihen kertakäyttöisen kirjautumislinkin.",
                    "Skriv adressen med vilken din organisation har angett dig som huvudanvändare av portalen. Vi skickar en inloggningslänk för engångsbruk dit.",
                    "Enter the address with which your organisation made you a portal admin. We send a one-time sign-in link to it.",
                ])) }
                (form(email, errors))
            }
            LinkRequest::Sent { minutes } => {
                div.notice role="status" {
                    p { (t(lang, [
                        "Jos osoite kuuluu portaalin pääkäyttäjälle, kirjautumislinkki on matkalla siihen.",
                        "Om adressen tillhör en huvudanvändare av portalen är en inloggningslänk på väg dit.",
                        "If the address belongs to a portal admin, a sign-in link is on its way to it.",
                    ])) " "
                    (t(lang, ["Linkki toimii kerran ja", "Länken fungerar en gång och i", "The link works once, for"])) " " (minutes) " "
                    (t(lang, ["minuutin ajan.", "minuter.", "minutes."])) }
                }
                p { (t(lang, [
                    "Jos viestiä ei kuulu, tarkista roskapostikansio tai pyydä organisaatiosi toista pääkäyttäjää tai teknistä tukea merkitsemään sinut pääkäyttäjäksi.",
                    "Om meddelandet inte kommer, titta i skräppostmappen eller be en annan huvudanvändare i din organisation eller teknisk support att ange dig som huvudanvändare.",
                    "If no message comes, check your spam folder, or ask another portal admin of your organisation or technical support to make you a portal admin.",
                ])) }
                p { a href={ "/portal?lang=" (lang.code()) } { (t(lang, ASK_AGAIN)) } }
            }
            LinkRequest::TooMany { email, seconds } => {
                div.alert role="alert" {
                    p { (t(lang, [
                        "Linkkejä on pyydetty liian monta kertaa. Yritä uudelleen",
                        "Länkar har begärts för många gånger. Försök igen om",
                        "Too many links were asked for. Try again in",
                    ])) " " (seconds.div_ceil(60)) " " (t(lang, ["minuutin kuluttua.", "minuter.", "minutes."])) }
                }
                (form(email, &[]))
            }
        }
    };
    layout(lang, title, "/portal", None, body)
}

/// What a portal sign-in link is, as its page shows it.
pub enum PortalLinkState<'a> {
    Valid {
        name: &'a str,
        org_name: &'a str,
        token: &'a str,
    },
    Expired,
    Spent,
    Invalid,
}

/// The page an emailed sign-in link opens: who will be signed in to which organisation, and
/// the button; or why the link cannot be used, with the way to a new one.
pub fn portal_link_page(lang: Language, state: &PortalLinkState) -> String {
    let body = html! {
        h1 { (t(lang, SIGN_IN)) }
        @match state {
            PortalLinkState::Valid { name, org_name, token } => {
                p {
                    (t(lang, ["Kirjaudut organisaation", "Du loggar in i portalen för", "You are signing in to the portal of"])) " "
                    strong { (org_name) } " "
                    (t(lang, ["portaaliin nimellä", "som", "as"])) " " strong { (name) } "."
                }
                form method="post" action={ "/portal/link?lang=" (lang.code()) } {
                    input type="hidden" name="t" value=(token);
                    button type="submit" { (t(lang, SIGN_IN)) }
                }
            }
            PortalLinkState::Expired => {
                p role="alert" { (t(lang, [
                    "Tämä kirjautumislinkki on vanhentunut.",
                    "Inloggningslänken har gått ut.",
                    "This sign-in link has expired.",
                ])) }
                p { a href={ "/portal?lang=" (lang.code()) } { (t(lang, ASK_AGAIN)) } }
            }
            PortalLinkState::Spent => {
                p role="alert" { (t(lang, [
                    "Tämä kirjautumislinkki on jo käytetty. Jokainen linkki toimii vain kerran.",
                    "Inloggningslänken har redan använts. Varje länk fungerar bara en gång.",
                    "This sign-in link was used already. Each link works once.",
                ])) }
                p { a href={ "/portal?lang=" (lang.code()) } { (t(lang, ASK_AGAIN)) } }
            }
            PortalLinkState::Invalid => {
                p role="alert" { (t(lang, [
                    "Tätä kirjautumislinkkiä ei voi käyttää: se on virheellinen, tai sen saaja ei ole enää portaalin pääkäyttäjä.",
                    "Inloggningslänken kan inte användas: den är felaktig, eller mottagaren är inte längre huvudanvändare av portalen.",
                    "This sign-in link cannot be used: it is not valid, or the person it was sent to is no longer a portal admin.",
                ])) }
                p { a href={ "/portal?lang=" (lang.code()) } { (t(lang, ASK_AGAIN)) } }
            }
        }
    };
    let path = match state {
        PortalLinkState::Valid { token, .. } => format!("/portal/link?t={token}"),
        _ => "/portal".to_owned(),
    };
    layout(lang, t(lang, SIGN_IN), &path, None, body)
}
