//! The page an address verification link opens: which address, for which organisation, and
//! a button (a GET only shows; the POST verifies); or that it is verified, or why not.

use super::page::{layout, t};
use crate::registry::Language;
use maud::html;

/// What a verification link is now.
pub enum VerifyPage<'a> {
    /// Usable; `action` is where its button posts, `base` the link without a language.
    Valid {
        organisation: &'a str,
        email: &'a str,
        verified: bool,
        action: &'a str,
        base: &'a str,
    },
    Expired,
    Invalid,
}

const TITLE: [&str; 3] = [
    "Sähköpostiosoitteen vahvistus",
    "Bekräftelse av e-postadress",
    "Confirm your email address",
];

/// The page of a verification link.
pub fn verify_page(lang: Language, state: &VerifyPage) -> String {
    let body = html! {
        h1 { (t(lang, TITLE)) }
        @match state {
            VerifyPage::Valid { organisation, email, verified, action, .. } => {
                p {
                    strong { (organisation) } " "
                    (t(lang, ["lähettää häiriö- ja huoltotiedotteet osoitteeseen", "skickar stör- och underhållsmeddelanden till", "sends fault and maintenance notices to"]))
                    " " strong { (email) } "."
                }
                @if *verified {
                    p role="status" { (t(lang, ["Kiitos. Osoite on vahvistettu.", "Tack. Adressen är bekräftad.", "Thank you. The address is confirmed."])) }
                } @else {
                    form method="post" action=(action) {
                        button type="submit" { (t(lang, ["Osoite on oikea", "Adressen stämmer", "The address is right"])) }
                    }
                    p.meta { (t(lang, [
                        "Jos osoite on väärä, älä vahvista sitä: pyydä organisaatiota korjaamaan se.",
                        "Om adressen är fel, bekräfta den inte: be organisationen rätta den.",
                        "If the address is wrong, do not confirm it: ask the organisation to correct it.",
                    ])) }
                }
            }
            VerifyPage::Expired => {
                p role="alert" { (t(lang, [
                    "Tämä vahvistuslinkki on vanhentunut. Organisaatiosi pääkäyttäjä tai tekninen tuki voi lähettää uuden muuttamalla osoitetta.",
                    "Bekräftelselänken har gått ut. Din organisations huvudanvändare eller teknisk support kan skicka en ny genom att ändra adressen.",
                    "This confirmation link has expired. Your organisation's portal admin or technical support can send a new one by changing the address.",
                ])) }
            }
            VerifyPage::Invalid => {
                p role="alert" { (t(lang, [
                    "Tätä vahvistuslinkkiä ei voi käyttää: se on virheellinen tai katkennut, tai osoite on sen jälkeen muutettu.",
                    "Bekräftelselänken kan inte användas: den är felaktig eller avbruten, eller adressen har ändrats sedan dess.",
                    "This confirmation link cannot be used: it is not valid or was cut, or the address was changed since.",
                ])) }
            }
        }
    };
    let path = match state {
        VerifyPage::Valid { base, .. } => (*base).to_owned(),
        _ => "/".to_owned(),
    };
    layout(lang, t(lang, TITLE), &path, body)
}
