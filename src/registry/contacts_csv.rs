//! An organisation's contact list as CSV, for spreadsheets: export and import.

use super::contact::{Contact, ContactInput};
use crate::validation::FieldErrors;

/// Columns written on export, in order. `id` ties a row to an existing contact on import;
/// `source` and `reviewed_at` are informational and ignored on import.
pub const CSV_COLUMNS: [&str; 12] = [
    "id",
    "name",
    "role",
    "email",
    "phone",
    "language",
    "channels",
    "services",
    "kinds",
    "portal_admin",
    "source",
    "reviewed_at",
];
const REQUIRED_COLUMNS: [&str; 4] = ["name", "role", "language", "channels"];
/// An organisation's list is tens of contacts; this bounds a mistaken upload.
pub const MAX_CSV_ROWS: usize = 10_000;

/// One parsed row: its number (1 = first data row), its `id` cell, and the contact fields.
#[derive(Debug)]
pub struct CsvRow {
    pub row: usize,
    pub id: Option<String>,
    pub input: ContactInput,
}

/// Writes the contacts as CSV; a cell a spreadsheet would run as a formula is defused.
pub fn contacts_to_csv(contacts: &[Contact]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(CSV_COLUMNS);
    for c in contacts {
        let d = &c.draft;
        let join = |items: Vec<&str>| items.join(" ");
        let record = [
            c.id.to_text(),
            d.name.clone(),
            d.role.code().to_owned(),
            d.email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            d.phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            d.language.code().to_owned(),
            join(d.channels.iter().map(|c| c.code()).collect()),
            d.services
                .as_ref()
                .map(|s| join(s.iter().map(|c| c.as_str()).collect()))
                .unwrap_or_default(),
            join(d.kinds.iter().map(|k| k.code()).collect()),
            if d.portal_admin { "yes" } else { "no" }.to_owned(),
            c.source.code().to_owned(),
            c.reviewed_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ];
        let _ = w.write_record(record.iter().map(|cell| defuse(cell)));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Prefixes `'` to a cell that starts like a spreadsheet formula (OWASP CSV injection).
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Undoes `defuse`, so that an exported file imports unchanged.
fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Every column of `header` is known and every required one is there.
fn check_header(header: &[String]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for h in header {
        if !CSV_COLUMNS.contains(&h.as_str()) {
            errors.add(
                "header",
                format!("unknown column `{h}` (known: {})", CSV_COLUMNS.join(", ")),
            );
        }
    }
    for required in REQUIRED_COLUMNS {
        if !header.iter().any(|h| h == required) {
            errors.add("header", format!("the column `{required}` is missing"));
        }
    }
    errors.finish(|| ())
}

/// Reads a contact list. Structural problems (encoding, header, row shape) are errors of
/// the whole file; field problems are left to contact validation, row by row.
pub fn contacts_from_csv(bytes: &[u8]) -> Result<Vec<CsvRow>, FieldErrors> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| FieldErrors::single("file", "must be UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .map_err(|e| FieldErrors::single("header", format!("cannot be read: {}", csv_reason(&e))))?
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    check_header(&header)?;
    let mut errors = FieldErrors::new();
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut rows = Vec::new();
    for (i, record) in r.records().enumerate() {
        let row = i + 1;
        if row > MAX_CSV_ROWS {
            return Err(FieldErrors::single(
                "file",
                format!("has more than {MAX_CSV_ROWS} rows"),
            ));
        }
        let record = match record {
            Ok(rec) => rec,
            Err(e) => {
                errors.add(
                    format!("rows[{row}]"),
                    format!("cannot be read: {}", csv_reason(&e)),
                );
                continue;
            }
        };
        let cell = |name: &str| {
            col(name)
                .and_then(|c| record.get(c))
                .map(restore)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let list = |name: &str| {
            cell(name).map(|s| {
                s.split([' ', ',', ';'])
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
        };
        let portal_admin = match cell("portal_admin").map(|v| v.to_lowercase()).as_deref() {
            None => None,
            Some("yes" | "true" | "1") => Some(true),
            Some("no" | "false" | "0") => Some(false),
            Some(_) => {
                errors.add(format!("rows[{row}].portal_admin"), "must be yes or no");
                None
            }
        };
        rows.push(CsvRow {
            row,
            id: cell("id"),
            input: ContactInput {
                name: cell("name"),
                role: cell("role"),
                email: Some(cell("email")),
                phone: Some(cell("phone")),
                language: cell("language"),
                channels: Some(list("channels").unwrap_or_default()),
                services: Some(list("services")),
                kinds: Some(list("kinds")),
                portal_admin,
            },
        });
    }
    errors.finish(|| rows)
}

/// The csv crate's message without echoing cell contents.
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} cells where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "is not UTF-8".into(),
        _ => "malformed CSV".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_look_like_formulas_are_defused_and_restored() {
        for cell in ["=HYPERLINK(\"x\")", "+358401234567", "-1", "@SUM(A1)"] {
            let d = defuse(cell);
            assert!(d.starts_with('\''), "{d}");
            assert_eq!(restore(&d), cell);
        }
        assert_eq!(defuse("Helpdesk"), "Helpdesk");
        assert_eq!(
            restore("'quoted"),
            "'quoted",
            "an ordinary leading quote is kept"
        );
    }

    #[test]
    fn a_file_with_unknown_or_missing_columns_is_refused_as_a_whole() {
        let err = contacts_from_csv(b"name,role,colour\nA,helpdesk,red\n").unwrap_err();
        let msgs: Vec<String> = err
            .errors()
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        assert!(
            msgs.iter().any(|m| m.contains("unknown column `colour`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("`language` is missing")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("`channels` is missing")),
            "{msgs:?}"
        );
    }

    #[test]
    fn rows_are_read_with_lists_and_blank_cells() {
        let csv = "\u{feff}name,role,email,phone,language,channels,services,kinds\n\
                   Helpdesk,helpdesk,tuki@a.fi,'+358401234567,fi,email sms,,fault;maintenance\n";
        let rows = contacts_from_csv(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        let i = &rows[0].input;
        assert_eq!(i.phone, Some(Some("+358401234567".into())));
        assert_eq!(
            i.channels.as_deref(),
            Some(&["email".to_owned(), "sms".to_owned()][..])
        );
        assert_eq!(i.services, Some(None));
        assert_eq!(
            i.kinds,
            Some(Some(vec!["fault".into(), "maintenance".into()]))
        );
    }

    #[test]
    fn a_ragged_row_is_reported_by_number() {
        let err =
            contacts_from_csv(b"name,role,language,channels\nA,helpdesk,fi,email\nB,helpdesk\n")
                .unwrap_err();
        assert_eq!(err.errors()[0].field, "rows[2]");
    }

    #[test]
    fn non_utf8_is_refused() {
        assert_eq!(
            contacts_from_csv(b"name\xff").unwrap_err().errors()[0].field,
            "file"
        );
    }
}
