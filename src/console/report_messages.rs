//! The fault report's field errors in the form's language (see `messages`).

use crate::registry::Language;

/// Whole messages of the report form: English, Finnish, Swedish.
pub(super) const WHOLE: &[[&str; 3]] = &[
    [
        "looks like a personal identity code; do not include patient or client identifiers in a fault report",
        "näyttää henkilötunnukselta; älä kirjoita potilaan tai asiakkaan tunnistetietoja vikailmoitukseen",
        "ser ut som en personbeteckning; skriv inga uppgifter som identifierar en patient eller klient i en felanmälan",
    ],
    [
        "If none of these applies, the fault is not one for national technical support: contact your organisation's own helpdesk or your system supplier.",
        "Jos mikään näistä ei päde, vika ei kuulu valtakunnalliselle tekniselle tuelle: ota yhteyttä oman organisaatiosi käyttötukeen tai järjestelmätoimittajaanne.",
        "Om inget av detta stämmer hör felet inte till den nationella tekniska supporten: kontakta er organisations eget användarstöd eller er systemleverantör.",
    ],
    [
        "must name at least one service",
        "valitse vähintään yksi palvelu",
        "välj minst en tjänst",
    ],
    [
        "is in the future",
        "on tulevaisuudessa",
        "ligger i framtiden",
    ],
    [
        "must be a phone number like 020 634 7787 or +358 40 123 4567",
        "on oltava puhelinnumero, esimerkiksi 020 634 7787 tai +358 40 123 4567",
        "måste vara ett telefonnummer, till exempel 020 634 7787 eller +358 40 123 4567",
    ],
    [
        "must be at most 3 files",
        "enintään 3 tiedostoa",
        "högst 3 filer",
    ],
];

/// What follows a file's name in an attachment's error.
const ABOUT_A_FILE: &[[&str; 3]] = &[
    [
        "is not a PNG, JPEG or PDF file (judged by its content)",
        "ei ole PNG-, JPEG- tai PDF-tiedosto (sisällön perusteella)",
        "är inte en PNG-, JPEG- eller PDF-fil (enligt innehållet)",
    ],
    ["is larger than 5 MB", "on yli 5 Mt", "är större än 5 MB"],
    [
        "has data after the end of its image, or is cut short",
        "sisältää tietoa kuvan lopun jälkeen tai on katkennut",
        "innehåller data efter bildens slut eller är avbruten",
    ],
    [
        "has data after the end of its image",
        "sisältää tietoa kuvan lopun jälkeen",
        "innehåller data efter bildens slut",
    ],
    [
        "is not a whole PNG image",
        "ei ole ehjä PNG-kuva",
        "är inte en hel PNG-bild",
    ],
    [
        "is not a whole PDF document, or has data after its end",
        "ei ole ehjä PDF-asiakirja tai sisältää tietoa lopun jälkeen",
        "är inte ett helt PDF-dokument eller innehåller data efter slutet",
    ],
    [
        "is a PDF with scripts or actions; print it to a plain PDF first",
        "on PDF, jossa on skriptejä tai toimintoja; tulosta se ensin tavalliseksi PDF:ksi",
        "är en PDF med skript eller åtgärder; skriv först ut den som en vanlig PDF",
    ],
    [
        "is a PDF that expands to more than 64 MB when opened",
        "on PDF, joka avattaessa laajenee yli 64 megatavuun",
        "är en PDF som växer till över 64 MB när den öppnas",
    ],
];

/// An attachment's error (`` `name` why``) in `lang`, if it is one.
pub(super) fn about_a_file(lang: Language, message: &str) -> Option<String> {
    let rest = message.strip_prefix('`')?;
    let (name, why) = rest.split_once("` ")?;
    let row = ABOUT_A_FILE.iter().find(|r| r[0] == why)?;
    let why = match lang {
        Language::Fi => row[1],
        Language::Sv => row[2],
        Language::En => row[0],
    };
    Some(format!("`{name}` {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_error_keeps_its_name_and_reads_in_the_forms_language() {
        assert_eq!(
            about_a_file(Language::Sv, "`kuva.svg` is larger than 5 MB").as_deref(),
            Some("`kuva.svg` är större än 5 MB")
        );
        assert_eq!(about_a_file(Language::Fi, "something else"), None);
        assert_eq!(
            super::super::messages::translate(
                Language::Fi,
                crate::fault_reports::none_applies(Language::En)
            ),
            crate::fault_reports::none_applies(Language::Fi)
        );
    }
}
