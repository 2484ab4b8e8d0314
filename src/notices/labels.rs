//! Fixed words of notices in Finnish, Swedish and English.

use super::vocabulary::{Action, NoticeState, Severity};
use crate::registry::{Audience, Language, NoticeKind};

/// One phrase in the three languages.
type Phrase = [&'static str; 3];

fn pick(lang: Language, p: Phrase) -> &'static str {
    match lang {
        Language::Fi => p[0],
        Language::Sv => p[1],
        Language::En => p[2],
    }
}

/// An audience's name.
pub fn audience(lang: Language, a: Audience) -> &'static str {
    let names = match a {
        Audience::Healthcare => ["Terveydenhuolto", "Hälso- och sjukvård", "Health care"],
        Audience::SocialWelfare => ["Sosiaalihuolto", "Socialvård", "Social welfare"],
        Audience::Pharmacy => ["Apteekit", "Apotek", "Pharmacies"],
        Audience::SystemSupplier => [
            "Järjestelmätoimittajat",
            "Systemleverantörer",
            "System suppliers",
        ],
        Audience::Citizen => ["Kansalaiset", "Medborgare", "Citizens"],
        Audience::Authority => ["Viranomaiset", "Myndigheter", "Authorities"],
    };
    pick(lang, names)
}

/// "Fault notice", "Maintenance notice", "Instruction".
pub fn kind(lang: Language, k: NoticeKind) -> &'static str {
    pick(
        lang,
        match k {
            NoticeKind::Fault => ["Häiriötiedote", "Störningsmeddelande", "Fault notice"],
            NoticeKind::Maintenance => [
                "Huoltotiedote",
                "Underhållsmeddelande",
                "Maintenance notice",
            ],
            NoticeKind::Change => ["Muutostiedote", "Ändringsmeddelande", "Change notice"],
            NoticeKind::Instruction => ["Ohje", "Anvisning", "Instruction"],
        },
    )
}

/// What the revision does, for subject lines; `None` for the first publication.
pub fn action(lang: Language, a: Action) -> Option<&'static str> {
    Some(pick(
        lang,
        match a {
            Action::Publish => return None,
            Action::Update => ["Päivitys", "Uppdatering", "Update"],
            Action::End => ["Päättynyt", "Avslutat", "Ended"],
            Action::Reschedule => ["Ajankohta muuttunut", "Ny tidpunkt", "Rescheduled"],
            Action::Cancel => ["Peruttu", "Återkallat", "Cancelled"],
        },
    ))
}

/// The state, as shown to readers.
pub fn state(lang: Language, s: NoticeState) -> &'static str {
    pick(
        lang,
        match s {
            NoticeState::Investigating => ["Selvitetään", "Utreds", "Investigating"],
            NoticeState::Identified => ["Syy tunnistettu", "Orsaken identifierad", "Identified"],
            NoticeState::Monitoring => ["Seurannassa", "Övervakas", "Monitoring"],
            NoticeState::Resolved => ["Korjattu", "Åtgärdat", "Resolved"],
            NoticeState::Scheduled => ["Suunniteltu", "Planerat", "Scheduled"],
            NoticeState::InProgress => ["Käynnissä", "Pågår", "In progress"],
            NoticeState::Completed => ["Valmis", "Slutfört", "Completed"],
            NoticeState::Active => ["Voimassa", "Gäller", "Active"],
            NoticeState::Withdrawn => ["Poistettu", "Tillbakadragen", "Withdrawn"],
            NoticeState::Cancelled => ["Peruttu", "Återkallat", "Cancelled"],
        },
    )
}

/// The severity, as shown to readers.
pub fn severity(lang: Language, s: Severity) -> &'static str {
    pick(
        lang,
        match s {
            Severity::Minor => ["Vähäinen", "Mindre", "Minor"],
            Severity::Major => ["Merkittävä", "Betydande", "Major"],
            Severity::Critical => ["Kriittinen", "Kritisk", "Critical"],
        },
    )
}

/// Field names in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Services,
    State,
    Severity,
    Started,
    EstimatedEnd,
    NextUpdate,
    Ended,
    WindowStart,
    WindowEnd,
    Instructions,
    MoreInformation,
    Footer,
    FinnishOnly,
    ShortNotice,
    Exercise,
    Phase,
    Acknowledge,
    ManageRecipients,
}

/// A field's label.
pub fn field(lang: Language, f: Field) -> &'static str {
    pick(
        lang,
        match f {
            Field::Services => ["Palvelut", "Tjänster", "Services"],
            Field::State => ["Tila", "Status", "Status"],
            Field::Severity => ["Vakavuus", "Allvarlighetsgrad", "Severity"],
            Field::Started => ["Alkoi", "Började", "Started"],
            Field::EstimatedEnd => ["Arvioitu päättyminen", "Beräknat slut", "Estimated end"],
            Field::NextUpdate => [
                "Seuraava päivitys viimeistään",
                "Nästa uppdatering senast",
                "Next update by",
            ],
            Field::Ended => ["Päättyi", "Avslutades", "Ended"],
            Field::WindowStart => ["Katko alkaa", "Avbrottet börjar", "Window starts"],
            Field::WindowEnd => ["Katko päättyy", "Avbrottet slutar", "Window ends"],
            Field::Instructions => ["Ohjeet", "Anvisningar", "Instructions"],
            Field::MoreInformation => [
                "Tiedote verkossa",
                "Meddelandet på webben",
                "This notice on the web",
            ],
            Field::Footer => [
                "Saat tämän viestin, koska organisaatiosi on ilmoittanut sinut häiriö- ja huoltotiedotteiden vastaanottajaksi. Yhteystietoja ylläpitää organisaatiosi.",
                "Du får detta meddelande eftersom din organisation har angett dig som mottagare av störnings- och underhållsmeddelanden. Din organisation sköter kontaktuppgifterna.",
                "You receive this message because your organisation registered you as a recipient of fault and maintenance notices. Your organisation maintains the contact details.",
            ],
            Field::FinnishOnly => [
                "",
                "",
                "(Not available in English; the Finnish text follows.)",
            ],
            Field::Phase => ["Vaihe", "Fas", "Phase"],
            Field::Acknowledge => [
                "Kuittaa: vastaanotettu ja välitetty eteenpäin organisaatiossamme",
                "Kvittera: mottaget och vidarebefordrat inom vår organisation",
                "Acknowledge: received and passed on in our organisation",
            ],
            Field::ManageRecipients => [
                "Organisaationne tiedotteiden vastaanottajat",
                "Er organisations mottagare av meddelanden",
                "Your organisation's notice recipients",
            ],
            Field::Exercise => [
                "HARJOITUS / ÖVNING / EXERCISE. Tämä on harjoitus eikä koske todellista häiriötä. Kuittaa viesti vastaanotetuksi, niin näemme, tavoittaako tiedote organisaationne.",
                "HARJOITUS / ÖVNING / EXERCISE. Detta är en övning och gäller ingen verklig störning. Kvittera meddelandet som mottaget, så ser vi att meddelandet når er organisation.",
                "HARJOITUS / ÖVNING / EXERCISE. This is an exercise, not a real fault. Acknowledge this message as received so that we see the notice reaches your organisation.",
            ],
            Field::ShortNotice => [
                "Lyhyellä varoitusajalla: tästä huollosta ei voitu ilmoittaa kahta viikkoa etukäteen.",
                "Med kort varsel: detta underhåll kunde inte meddelas två veckor i förväg.",
                "Short notice: this maintenance could not be announced two weeks ahead.",
            ],
        },
    )
}

/// A time in Helsinki with its offset, the way each language writes it.
pub fn time(lang: Language, t: chrono::DateTime<chrono::Utc>) -> String {
    let local = t.with_timezone(&chrono_tz::Europe::Helsinki);
    match lang {
        Language::Fi => local.format("%-d.%-m.%Y klo %H.%M (UTC%:z)").to_string(),
        Language::Sv => local.format("%-d.%-m.%Y kl. %H.%M (UTC%:z)").to_string(),
        Language::En => local.format("%-d %b %Y %H:%M (UTC%:z)").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_helsinki_with_the_offset_of_that_day() {
        let winter = chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 10, 5, 0)
            .unwrap();
        assert_eq!(
            time(Language::Fi, winter),
            "22.11.2026 klo 12.05 (UTC+02:00)"
        );
        let summer = chrono::Utc.with_ymd_and_hms(2026, 6, 1, 10, 5, 0).unwrap();
        assert_eq!(time(Language::Sv, summer), "1.6.2026 kl. 13.05 (UTC+03:00)");
        assert_eq!(time(Language::En, summer), "1 Jun 2026 13:05 (UTC+03:00)");
    }
}
