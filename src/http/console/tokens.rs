//! `/console/tokens`: API tokens listed, issued (the secret shown once) and revoked, through
//! the intake functions the API's `/api/v1/tokens` calls.

use super::super::{ApiError, AppState};
use super::notices::{checked_form, form_id};
use super::registry::viewer;
use super::session::{Signed, query_param as param, see_other};
use crate::access::{Answer, Earlier, IssuedToken, Keep, TokenId, TokenRecord};
use crate::calendar::{Edge, parse_time};
use crate::console::{Issued, TokenForm, tokens_page};
use crate::intake::{IntakeError, NewToken};
use crate::validation::{FieldError, FieldErrors};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Tokens listed per page.
const PER_PAGE: u32 = 100;

async fn page(
    s: &AppState,
    signed: &Signed,
    cursor: Option<&str>,
    form: (&TokenForm, &[FieldError]),
    issued: Option<&Issued<'_>>,
) -> Result<Html<String>, ApiError> {
    let list = s
        .query
        .tokens(&signed.actor, cursor, Some(PER_PAGE))
        .await?;
    Ok(Html(tokens_page(
        signed.lang,
        &viewer(signed),
        &list,
        form,
        issued,
        s.clock.now_micros(),
    )))
}

/// `GET /console/tokens?org=…&cursor=…`: the list and the form (for `org`'s admin when
/// given).
pub async fn show(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Html<String>, ApiError> {
    let query = req.uri().query();
    let mut pairs = vec![("idem".to_owned(), form_id())];
    match param(query, "org") {
        Some(org) => pairs.extend([("role".into(), "org_admin".into()), ("org_id".into(), org)]),
        None => pairs.push(("role".into(), "org_admin".into())),
    }
    let form = TokenForm::from_pairs(&pairs);
    let cursor = param(query, "cursor");
    page(&s, &signed, cursor.as_deref(), (&form, &[]), None).await
}

/// The API's request from the form; a Helsinki time of day becomes RFC 3339 (anything else
/// is passed on for intake to name).
fn request(form: &TokenForm, tz: chrono_tz::Tz) -> NewToken {
    let text = |name: &str| Some(form.get(name).trim().to_owned()).filter(|v| !v.is_empty());
    let expires_at = text("expires_at").map(|t| {
        parse_time(&t, tz, Edge::End)
            .map(|at| at.to_rfc3339())
            .unwrap_or(t)
    });
    NewToken {
        role: text("role"),
        org_id: text("org_id").filter(|_| form.get("role") != "operator"),
        label: text("label"),
        expires_at,
    }
}

/// `POST /console/tokens`: issues the token and shows its secret this once; sent again (a
/// double click), it issues nothing more.
pub async fn create(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Response, ApiError> {
    let (fields, key) = checked_form(&s, &signed, req, "/console/tokens").await?;
    let form = TokenForm::from_pairs(&fields);
    // The kept answer names the token but never holds its secret.
    let answer = |(record, _): &(TokenRecord, IssuedToken)| {
        Answer::json(201, &serde_json::json!({ "id": record.id.to_text() }))
    };
    let keep = key.as_ref().map(|key| Keep {
        key,
        answer: &answer,
    });
    let tz = crate::calendar::HELSINKI;
    match s
        .intake
        .create_token(&signed.actor, request(&form, tz), keep)
        .await
    {
        Ok((record, secret)) => {
            let issued = Issued {
                label: &record.label,
                secret: secret.reveal(),
            };
            let fresh = TokenForm::from_pairs(&[
                ("idem".into(), form_id()),
                ("role".into(), "org_admin".into()),
            ]);
            let html = page(&s, &signed, None, (&fresh, &[]), Some(&issued)).await?;
            Ok((StatusCode::CREATED, html).into_response())
        }
        Err(IntakeError::Earlier(Earlier::Answered(_))) => {
            let again = FieldErrors::single(
                "label",
                crate::console::t(
                    signed.lang,
                    [
                        "Tämä lomake lähetettiin jo, ja avain luotiin silloin (alla luettelossa). Jos avain jäi kopioimatta, peru se ja luo uusi.",
                        "Formuläret skickades redan och nyckeln skapades då (i listan nedan). Om nyckeln inte kopierades, återkalla den och skapa en ny.",
                        "This form was sent already and the token was created then (in the list below). If it was not copied, revoke it and create another.",
                    ],
                ),
            );
            let html = page(&s, &signed, None, (&form, again.errors()), None).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
        Err(IntakeError::Invalid(e)) => {
            let html = page(&s, &signed, None, (&form, e.errors()), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/tokens/{id}/revoke`: the token fails from the next request on.
pub async fn revoke(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let id = TokenId::parse(&id).ok_or_else(ApiError::not_found)?;
    checked_form(
        &s,
        &signed,
        req,
        &format!("/console/tokens/{}/revoke", id.to_text()),
    )
    .await?;
    match s.intake.revoke_token(&signed.actor, id).await {
        Ok(()) | Err(IntakeError::NotFound) => Ok(see_other(&format!(
            "/console/tokens?lang={}",
            signed.lang.code()
        ))),
        Err(e) => Err(e.into()),
    }
}
