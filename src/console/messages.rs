//! The API's field errors in the console's language. The API speaks English (its clients are
//! programs); a person at a console form reads Finnish or Swedish as well. Messages are
//! matched whole, or by a leading phrase whose rest (a list of values, a number) is kept;
//! one not known here stays in English rather than being lost.

use crate::registry::Language;
use crate::validation::FieldError;

/// Whole messages: English, Finnish, Swedish.
const WHOLE: &[[&str; 3]] = &[
    [
        "must not be empty",
        "ei saa olla tyhjä",
        "får inte vara tom",
    ],
    ["is required", "on pakollinen", "är obligatorisk"],
    [
        "is required (Finnish and Swedish are always published)",
        "on pakollinen (suomi ja ruotsi julkaistaan aina)",
        "är obligatorisk (finska och svenska publiceras alltid)",
    ],
    [
        "is required for a fault",
        "on pakollinen häiriötiedotteessa",
        "är obligatorisk för en störning",
    ],
    [
        "is required for maintenance",
        "on pakollinen huoltokatkossa",
        "är obligatorisk för underhåll",
    ],
    [
        "needs an email address: the portal's sign-in link is sent there",
        "vaatii sähköpostiosoitteen: portaalin kirjautumislinkki lähetetään siihen",
        "kräver en e-postadress: portalens inloggningslänk skickas dit",
    ],
    [
        "must be yes or no",
        "on oltava yes tai no",
        "måste vara yes eller no",
    ],
    [
        "is required when channels include email",
        "on pakollinen, kun kanaviin kuuluu sähköposti",
        "är obligatorisk när kanalerna omfattar e-post",
    ],
    [
        "is required when channels include sms",
        "on pakollinen, kun kanaviin kuuluu tekstiviesti",
        "är obligatorisk när kanalerna omfattar sms",
    ],
    [
        "must be a Finnish mobile number (04x…, 050…) or an international number starting with + or 00",
        "on oltava suomalainen matkapuhelinnumero (04x…, 050…) tai kansainvälinen numero, joka alkaa + tai 00",
        "måste vara ett finskt mobilnummer (04x…, 050…) eller ett internationellt nummer som börjar med + eller 00",
    ],
    [
        "is not a Finnish mobile number (the national part must start with 4 or 50 and have 7–10 digits)",
        "ei ole suomalainen matkapuhelinnumero (kansallisen osan on alettava 4 tai 50 ja oltava 7–10 numeroa)",
        "är inte ett finskt mobilnummer (den nationella delen ska börja med 4 eller 50 och ha 7–10 siffror)",
    ],
    [
        "is not a valid international number (8–15 digits with the country code)",
        "ei ole kelvollinen kansainvälinen numero (8–15 numeroa maatunnus mukaan lukien)",
        "är inte ett giltigt internationellt nummer (8–15 siffror med landsnumret)",
    ],
    [
        "has no valid country code",
        "maatunnus ei ole kelvollinen",
        "har ingen giltig landskod",
    ],
    [
        "is not a valid email address",
        "ei ole kelvollinen sähköpostiosoite",
        "är inte en giltig e-postadress",
    ],
    [
        "must have a domain with a dot, like name@example.fi",
        "verkkotunnuksessa on oltava piste, esim. nimi@esimerkki.fi",
        "domänen måste ha en punkt, t.ex. namn@exempel.fi",
    ],
    [
        "must be a single plain address like name@example.fi",
        "on oltava yksi tavallinen osoite, esim. nimi@esimerkki.fi",
        "måste vara en enda vanlig adress, t.ex. namn@exempel.fi",
    ],
    [
        "must name at least one channel (email, sms)",
        "valitse vähintään yksi kanava (sähköposti, tekstiviesti)",
        "välj minst en kanal (e-post, sms)",
    ],
    [
        "must name at least one kind (fault, maintenance, instruction)",
        "valitse vähintään yksi tiedotelaji (häiriö, huoltokatko, ohje)",
        "välj minst ett slags meddelande (störning, underhåll, anvisning)",
    ],
    [
        "must name at least one service, or be left out for all of the organisation's",
        "valitse vähintään yksi palvelu tai kaikki organisaation palvelut",
        "välj minst en tjänst eller alla organisationens tjänster",
    ],
    [
        "must name at least one affected service",
        "valitse vähintään yksi palvelu, jota tiedote koskee",
        "välj minst en tjänst som berörs",
    ],
    [
        "not a service the organisation uses",
        "ei ole organisaation käyttämä palvelu",
        "är inte en tjänst som organisationen använder",
    ],
    [
        "must be in the future",
        "on oltava tulevaisuudessa",
        "måste ligga i framtiden",
    ],
    [
        "must be after its start",
        "on oltava alkamisen jälkeen",
        "måste vara efter början",
    ],
    [
        "must be after window_start",
        "on oltava katkon alun jälkeen",
        "måste vara efter avbrottets början",
    ],
    [
        "must be after started_at",
        "on oltava alkamisajan jälkeen",
        "måste vara efter starttiden",
    ],
    [
        "must lie within window_start and window_end",
        "on oltava katkon alun ja lopun välissä",
        "måste ligga mellan avbrottets början och slut",
    ],
    [
        "must not begin before the previous phase ends (phases are in order)",
        "ei saa alkaa ennen edellisen vaiheen loppua (vaiheet ovat järjestyksessä)",
        "får inte börja innan föregående fas slutar (faserna är i ordning)",
    ],
    [
        "must be one line without control characters",
        "on oltava yksi rivi ilman ohjausmerkkejä",
        "måste vara en rad utan styrtecken",
    ],
    [
        "must not contain control characters (line breaks, tabs)",
        "ei saa sisältää ohjausmerkkejä (rivinvaihtoja, sarkaimia)",
        "får inte innehålla styrtecken (radbrytningar, tabbar)",
    ],
    [
        "must not contain control characters",
        "ei saa sisältää ohjausmerkkejä",
        "får inte innehålla styrtecken",
    ],
    ["appears twice", "on kahdesti", "förekommer två gånger"],
    [
        "appears on more than one row",
        "on useammalla rivillä",
        "förekommer på flera rader",
    ],
    [
        "is not a contact of this organisation (leave it empty for a new contact)",
        "ei ole tämän organisaation vastaanottaja (jätä tyhjäksi uudelle vastaanottajalle)",
        "är inte en mottagare i organisationen (lämna tomt för en ny mottagare)",
    ],
    ["is not UTF-8", "ei ole UTF-8-tekstiä", "är inte UTF-8-text"],
    [
        "must be UTF-8 text",
        "on oltava UTF-8-tekstiä",
        "måste vara UTF-8-text",
    ],
    [
        "is already registered",
        "on jo rekisterissä",
        "är redan registrerad",
    ],
    [
        "cannot change; publish a new notice",
        "ei voi muuttua; julkaise uusi tiedote",
        "kan inte ändras; publicera ett nytt meddelande",
    ],
    [
        "are for maintenance only",
        "koskevat vain huoltokatkoja",
        "gäller endast underhåll",
    ],
];

/// Leading phrases whose rest is kept as it is.
const LEADING: &[[&str; 3]] = &[
    [
        "must be one of ",
        "on oltava jokin näistä: ",
        "måste vara något av: ",
    ],
    ["must be at most ", "saa olla enintään ", "får vara högst "],
    [
        "is not a state of a ",
        "ei ole tila tiedotteelle: ",
        "är inte ett tillstånd för: ",
    ],
    ["the column ", "sarake ", "kolumnen "],
];

/// `message` in `lang`.
pub fn translate(lang: Language, message: &str) -> String {
    let pick = |row: &[&'static str; 3]| -> &'static str {
        match lang {
            Language::Fi => row[1],
            Language::Sv => row[2],
            Language::En => row[0],
        }
    };
    if let Some(row) = WHOLE
        .iter()
        .chain(super::report_messages::WHOLE)
        .find(|r| r[0] == message)
    {
        return pick(row).to_owned();
    }
    if let Some(about) = super::report_messages::about_a_file(lang, message) {
        return about;
    }
    for row in LEADING {
        if let Some(rest) = message.strip_prefix(row[0]) {
            return format!("{}{}", pick(row), finish(lang, rest));
        }
    }
    message.to_owned()
}

/// The rest of a leading phrase: "characters" is the one word in it that is ours.
fn finish(lang: Language, rest: &str) -> String {
    match lang {
        Language::Fi => rest.replace(" characters", " merkkiä"),
        Language::Sv => rest.replace(" characters", " tecken"),
        Language::En => rest.to_owned(),
    }
}

/// `errors` with their messages in `lang`.
pub fn translated(lang: Language, errors: &[FieldError]) -> Vec<FieldError> {
    errors
        .iter()
        .map(|e| FieldError {
            field: e.field.clone(),
            message: translate(lang, &e.message),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_message_reads_in_the_console_language_and_an_unknown_one_stays() {
        assert_eq!(
            translate(Language::Fi, "must not be empty"),
            "ei saa olla tyhjä"
        );
        assert_eq!(
            translate(Language::Sv, "must not be empty"),
            "får inte vara tom"
        );
        assert_eq!(
            translate(Language::En, "must not be empty"),
            "must not be empty"
        );
        assert_eq!(
            translate(Language::Fi, "must be at most 200 characters"),
            "saa olla enintään 200 merkkiä"
        );
        assert_eq!(
            translate(Language::Sv, "must be one of helpdesk, on-call"),
            "måste vara något av: helpdesk, on-call"
        );
        assert_eq!(
            translate(
                Language::Sv,
                "needs an email address: the portal's sign-in link is sent there"
            ),
            "kräver en e-postadress: portalens inloggningslänk skickas dit"
        );
        assert_eq!(translate(Language::Fi, "something new"), "something new");
    }

    #[test]
    fn every_whole_message_has_three_different_texts() {
        for row in WHOLE {
            assert!(row.iter().all(|t| !t.is_empty()), "{row:?}");
            assert_ne!(row[0], row[1], "{row:?}");
            assert_ne!(row[1], row[2], "{row:?}");
        }
    }
}
