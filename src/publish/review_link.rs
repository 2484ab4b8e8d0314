//! The page a "still current" link in the monthly review email opens: whose recipients it
//! confirms and a button (a GET only shows; the POST confirms), or why the link cannot.

use super::page::{layout, t};
use crate::registry::Language;
use maud::html;

/// One recipient as the page lists it: name and role, never an address.
pub struct ListedRecipient<'a> {
    pub name: &'a str,
    pub role: &'a str,
}

/// What a still-current link is now.
pub enum ReviewLink<'a> {
    /// Usable: the organisation and its recipients; `token` goes back with the button.
    Valid {
        organisation: &'a str,
        recipients: &'a [ListedRecipient<'a>],
        token: &'a str,
    },
    /// Confirmed just now.
    Confirmed { organisation: &'a str, count: u64 },
    /// Past its time.
    Expired,
    /// Not a link of ours, or its organisation is gone.
    Invalid,
}

const TITLE: [&str; 3] = [
    "Tiedotteiden vastaanottajat",
    "Mottagare av meddelanden",
    "Notice recipients",
];

/// The page of a still-current link.
pub fn review_link_page(lang: Language, state: &ReviewLink) -> String {
    let body = html! {
        h1 { (t(lang, TITLE)) }
        @match state {
            ReviewLink::Valid { organisation, recipients, token } => {
                p {
                    (t(lang, ["Vahvistat, että organisaation", "Du bekräftar att mottagarna för", "You confirm that the notice recipients of"]))
                    " " strong { (organisation) } " "
                    (t(lang, [
                        "tiedotteiden vastaanottajat ovat yhä oikeat:",
                        "fortfarande är rätt:",
                        "are still current:",
                    ]))
                }
                ul {
                    @for r in *recipients {
                        li { (r.name) " (" (r.role) ")" }
                    }
                }
                form method="post" action={ "/links/still-current?lang=" (lang.code()) } {
                    input type="hidden" name="t" value=(token);
                    button type="submit" { (t(lang, ["Vastaanottajat ovat ajan tasalla", "Mottagarna är aktuella", "The recipients are current"])) }
                }
                p.meta { (t(lang, [
                    "Jos joku puuttuu tai on lähtenyt, pyydä organisaatiosi pääkäyttäjää korjaamaan tiedot tai ota yhteyttä tekniseen tukeen.",
                    "Om någon saknas eller har slutat, be din organisations huvudanvändare rätta uppgifterna eller kontakta teknisk support.",
                    "If someone is missing or has left, ask your organisation's administrator to correct the list, or contact technical support.",
                ])) }
            }
            ReviewLink::Confirmed { organisation, count } => {
                p role="status" {
                    (t(lang, ["Kiitos. Organisaation", "Tack. Mottagarna för", "Thank you. The recipients of"]))
                    " " strong { (organisation) } " "
                    (t(lang, ["vastaanottajat on vahvistettu", "är bekräftade", "are confirmed"]))
                    " (" (count) ")."
                }
            }
            ReviewLink::Expired => {
                p role="alert" { (t(lang, [
                    "Tämä linkki on vanhentunut. Seuraavassa tarkistusviestissä on uusi linkki; voit myös pyytää teknistä tukea vahvistamaan tiedot.",
                    "Länken har gått ut. Nästa kontrollmeddelande har en ny länk; du kan också be teknisk support bekräfta uppgifterna.",
                    "This link has expired. The next review email brings a new one; technical support can also confirm the list for you.",
                ])) }
            }
            ReviewLink::Invalid => {
                p role="alert" { (t(lang, [
                    "Tätä linkkiä ei voi käyttää: se on virheellinen tai katkennut. Avaa linkki sellaisenaan viestistä.",
                    "Länken kan inte användas: den är felaktig eller avbruten. Öppna länken som den står i meddelandet.",
                    "This link cannot be used: it is not valid or was cut. Open the link exactly as it stands in the email.",
                ])) }
            }
        }
    };
    let path = match state {
        ReviewLink::Valid { token, .. } => format!("/links/still-current?t={token}"),
        _ => "/".to_owned(),
    };
    layout(lang, t(lang, TITLE), &path, body)
}
