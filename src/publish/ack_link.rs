//! The page an acknowledgement link opens ("received and passed on"): which notice, for
//! which organisation, and a button (a GET only shows; the POST records); or that it was
//! recorded, or why the link cannot be used.

use super::page::{layout, t};
use crate::notices::local_time;
use crate::registry::Language;
use chrono::{DateTime, Utc};
use maud::html;

/// What an acknowledgement link is now.
pub enum AckPage<'a> {
    /// Usable; `action` is where its button posts (the link's own address in this language),
    /// `base` the link without a language. `at` is set once it was acknowledged.
    Valid {
        title: &'a str,
        organisation: &'a str,
        contact: &'a str,
        notice: &'a str,
        action: &'a str,
        base: &'a str,
        at: Option<DateTime<Utc>>,
    },
    Expired,
    Invalid,
}

const TITLE: [&str; 3] = [
    "Tiedotteen kuittaus",
    "Kvittering av meddelandet",
    "Acknowledge the notice",
];

/// The page of an acknowledgement link.
pub fn ack_page(lang: Language, state: &AckPage) -> String {
    let body = html! {
        h1 { (t(lang, TITLE)) }
        @match state {
            AckPage::Valid { title, organisation, contact, notice, action, at, .. } => {
                p {
                    (t(lang, ["Tiedote:", "Meddelande:", "Notice:"])) " "
                    a href={ "/notices/" (notice) "?lang=" (lang.code()) } { (title) }
                }
                p {
                    (t(lang, ["Organisaatio:", "Organisation:", "Organisation:"])) " " strong { (organisation) }
                    " · " (t(lang, ["vastaanottaja", "mottagare", "recipient"])) " " (contact)
                }
                @if let Some(at) = at {
                    p role="status" {
                        (t(lang, [
                            "Kiitos. Kuitattu vastaanotetuksi ja eteenpäin välitetyksi",
                            "Tack. Kvitterat som mottaget och vidarebefordrat",
                            "Thank you. Acknowledged as received and passed on at",
                        ])) " " time datetime=(at.to_rfc3339()) { (local_time(lang, *at)) } "."
                    }
                } @else {
                    p { (t(lang, [
                        "Kuittaa, kun tiedote on luettu ja välitetty organisaatiossanne niille, joita se koskee. Tekninen tuki näkee kuittauksesta, että tieto on perillä.",
                        "Kvittera när meddelandet är läst och vidarebefordrat inom er organisation till dem som berörs. Teknisk support ser av kvitteringen att informationen har nått fram.",
                        "Acknowledge once the notice has been read and passed on in your organisation to those it concerns. Technical support then knows it got through.",
                    ])) }
                    form method="post" action={ (action) } {
                        button type="submit" { (t(lang, ["Vastaanotettu ja välitetty", "Mottaget och vidarebefordrat", "Received and passed on"])) }
                    }
                }
            }
            AckPage::Expired => {
                p role="alert" { (t(lang, [
                    "Tämä kuittauslinkki on vanhentunut. Jos tiedote on yhä ajankohtainen, ilmoita vastaanotosta tekniselle tuelle.",
                    "Kvitteringslänken har gått ut. Om meddelandet fortfarande är aktuellt, meddela teknisk support att det har tagits emot.",
                    "This acknowledgement link has expired. If the notice is still current, tell technical support it was received.",
                ])) }
            }
            AckPage::Invalid => {
                p role="alert" { (t(lang, [
                    "Tätä kuittauslinkkiä ei voi käyttää: se on virheellinen tai katkennut, tai sen vastaanottaja on poistettu. Avaa linkki sellaisenaan viestistä.",
                    "Kvitteringslänken kan inte användas: den är felaktig eller avbruten, eller mottagaren har tagits bort. Öppna länken som den står i meddelandet.",
                    "This acknowledgement link cannot be used: it is not valid or was cut, or its recipient was deleted. Open the link exactly as it stands in the message.",
                ])) }
            }
        }
    };
    let path = match state {
        AckPage::Valid { base, .. } => (*base).to_owned(),
        _ => "/".to_owned(),
    };
    layout(lang, t(lang, TITLE), &path, body)
}
