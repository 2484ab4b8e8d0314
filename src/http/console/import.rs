//! `…/contacts/import` (console and portal): replacing the recipient list from a CSV
//! file, through the intake function the API's `PUT …/contacts.csv` calls.

use super::super::{ApiError, AppState};
use super::in_org::InOrg;
use super::registry::viewer;
use super::session::{csrf_matches, same_origin};
use super::signin::forbidden;
use crate::console::import_page;
use crate::intake::IntakeError;
use crate::validation::{FieldError, FieldErrors};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// `GET …/contacts/import`.
pub async fn show(State(s): State<AppState>, at: InOrg) -> Result<Html<String>, ApiError> {
    let org = s.query.organisation(&at.signed.actor, at.org).await?;
    Ok(Html(import_page(
        at.signed.lang,
        &viewer(&at.signed),
        &org,
        None,
        &[],
    )))
}

/// The parts of the upload form.
#[derive(Default)]
struct Upload {
    csrf: String,
    replace: bool,
    file: Vec<u8>,
}

fn unreadable() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "The upload could not be read; choose the file again and send the form.",
    )
}

async fn upload(s: &AppState, req: Request) -> Result<Upload, ApiError> {
    let mut parts = Multipart::from_request(req, s)
        .await
        .map_err(|_| unreadable())?;
    let mut up = Upload::default();
    while let Some(field) = parts.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await.map_err(|_| unreadable())?;
        match name.as_str() {
            "csrf" => up.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "replace" => up.replace = bytes.as_ref() == b"yes",
            "file" => up.file = bytes.to_vec(),
            _ => {}
        }
    }
    Ok(up)
}

/// `POST …/contacts/import` (multipart): imports the file when
/// the replacement is confirmed; a refused file changes nothing and is reported by row.
pub async fn import(
    State(s): State<AppState>,
    at: InOrg,
    req: Request,
) -> Result<Response, ApiError> {
    let (signed, org) = (&at.signed, at.org);
    if !same_origin(&s, req.headers()) {
        return Err(forbidden());
    }
    let up = upload(&s, req).await?;
    if !csrf_matches(&signed.session, Some(&up.csrf)) {
        return Err(forbidden());
    }
    let view = s.query.organisation(&signed.actor, org).await?;
    let lang = signed.lang;
    let refused = |errors: &[FieldError]| {
        let html = import_page(lang, &viewer(signed), &view, None, errors);
        (StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response()
    };
    let mut missing = FieldErrors::new();
    if up.file.is_empty() {
        missing.add(
            "file",
            crate::console::t(
                lang,
                [
                    "Valitse tuotava CSV-tiedosto.",
                    "Välj CSV-filen som ska importeras.",
                    "Choose the CSV file to import.",
                ],
            ),
        );
    }
    if !up.replace {
        missing.add(
            "replace",
            crate::console::t(
                lang,
                [
                    "Vahvista, että tiedosto korvaa nykyisen luettelon.",
                    "Bekräfta att filen ersätter den nuvarande listan.",
                    "Confirm that the file replaces the current list.",
                ],
            ),
        );
    }
    if !missing.is_empty() {
        return Ok(refused(missing.errors()));
    }
    match s.intake.import_contacts(&signed.actor, org, &up.file).await {
        Ok(summary) => {
            let html = import_page(lang, &viewer(signed), &view, Some(&summary), &[]);
            Ok(Html(html).into_response())
        }
        Err(IntakeError::Invalid(e)) => Ok(refused(e.errors())),
        Err(e) => Err(e.into()),
    }
}
