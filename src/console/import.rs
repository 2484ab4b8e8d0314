//! Replacing an organisation's recipients from a CSV file (as downloaded from its page and
//! edited in a spreadsheet): the upload form, and what the import did or why it refused,
//! row by row.

use super::fields::error_list;
use super::layout::{Viewer, layout};
use super::t;
use crate::intake::ImportSummary;
use crate::query::OrganisationView;
use crate::registry::Language;
use crate::validation::FieldError;
use maud::html;

/// A CSV error's row in the file as a spreadsheet numbers it (the header is row 1; the API's
/// `rows[N]` counts data rows from 1) and its column: `rows[2].phone` is row 3, `phone`.
fn place(field: &str) -> (String, String) {
    field
        .strip_prefix("rows[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(row, f)| Some(((row.parse::<usize>().ok()? + 1).to_string(), f.to_owned())))
        .unwrap_or_else(|| ("–".to_owned(), field.to_owned()))
}

/// The import page of `o`: the form, and the outcome of the last try (`summary` when it was
/// done, `errors` when it was refused).
pub fn import_page(
    lang: Language,
    viewer: &Viewer,
    o: &OrganisationView,
    summary: Option<&ImportSummary>,
    errors: &[FieldError],
) -> String {
    let errors = &super::messages::translated(lang, errors);
    let base = viewer.desk.org_base(&o.id);
    let title = t(
        lang,
        [
            "Tuo vastaanottajat CSV-tiedostosta",
            "Importera mottagare från CSV",
            "Import recipients from CSV",
        ],
    );
    let rows: Vec<&FieldError> = errors
        .iter()
        .filter(|e| e.field != "file" && e.field != "replace")
        .collect();
    let body = html! {
        p { a href={ (base) "?lang=" (lang.code()) } { "← " (o.name) } }
        h1 { (title) }
        @if let Some(s) = summary {
            div.preview role="status" {
                h2 { (t(lang, ["Tuonti tehty", "Importen är klar", "Import done"])) }
                dl.facts {
                    dt { (t(lang, ["Lisätty", "Tillagda", "Added"])) } dd { (s.created) }
                    dt { (t(lang, ["Muutettu", "Ändrade", "Changed"])) } dd { (s.updated) }
                    dt { (t(lang, ["Poistettu", "Borttagna", "Deleted"])) } dd { (s.deleted) }
                    dt { (t(lang, ["Ennallaan", "Oförändrade", "Unchanged"])) } dd { (s.unchanged) }
                    dt { (t(lang, ["Vastaanottajia nyt", "Mottagare nu", "Recipients now"])) } dd { (s.total) }
                }
            }
        }
        @if !rows.is_empty() {
            div.alert role="alert" {
                h2 { (t(lang, ["Tiedostoa ei tuotu", "Filen importerades inte", "The file was not imported"])) }
                p { (t(lang, [
                    "Mitään ei muutettu. Korjaa nämä rivit ja tuo tiedosto uudelleen (rivit numeroidaan kuten taulukkolaskennassa: otsikkorivi on 1):",
                    "Ingenting ändrades. Rätta de här raderna och importera filen igen (raderna numreras som i ett kalkylprogram: rubrikraden är 1):",
                    "Nothing was changed. Correct these rows and import the file again (rows are numbered as in a spreadsheet: the header is row 1):",
                ])) }
                ul.rows {
                    @for e in &rows {
                        @let (row, field) = place(&e.field);
                        li { strong { (t(lang, ["Rivi", "Rad", "Row"])) " " (row) ", " (field) } ": " (e.message) }
                    }
                }
            }
        }
        p { (t(lang, [
            "Lataa ensin nykyinen luettelo organisaation sivulta, muokkaa sitä ja tuo se tänne. Rivit, joilla on tunniste (id), päivittävät kyseisen vastaanottajan; rivit ilman tunnistetta lisätään.",
            "Ladda först ned den nuvarande listan från organisationens sida, redigera den och importera den här. Rader med id uppdaterar den mottagaren; rader utan id läggs till.",
            "First download the current list from the organisation's page, edit it, and import it here. Rows with an id update that recipient; rows without one are added.",
        ])) }
        form method="post" enctype="multipart/form-data" action={ (base) "/contacts/import?lang=" (lang.code()) } {
            input type="hidden" name="csrf" value=(viewer.csrf);
            div.field {
                label for="file" { (t(lang, ["CSV-tiedosto", "CSV-fil", "CSV file"])) " *" }
                (error_list(errors, "file"))
                input type="file" id="file" name="file" accept=".csv,text/csv";
            }
            fieldset id="replace" {
                legend { (t(lang, ["Korvaa luettelo", "Ersätt listan", "Replace the list"])) }
                (error_list(errors, "replace"))
                ul.choices.single { li {
                    input type="checkbox" id="replace-yes" name="replace" value="yes";
                    label for="replace-yes" { (t(lang, [
                        "Ymmärrän, että vastaanottajat, jotka puuttuvat tiedostosta, poistetaan.",
                        "Jag förstår att mottagare som saknas i filen tas bort.",
                        "I understand that recipients missing from the file are deleted.",
                    ])) }
                } }
            }
            button type="submit" { (t(lang, ["Tuo", "Importera", "Import"])) }
        }
    };
    let path = format!("{base}/contacts/import");
    layout(lang, title, &path, Some(viewer), body)
}

#[cfg(test)]
mod tests {
    use super::place;

    #[test]
    fn a_csv_error_is_placed_by_row_and_column() {
        assert_eq!(place("rows[2].phone"), ("3".into(), "phone".into()));
        assert_eq!(place("header"), ("–".into(), "header".into()));
    }
}
