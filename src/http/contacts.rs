//! `/api/v1/organisations/{org_id}/contacts` and its CSV form.

use super::AppState;
use super::extract::{ApiBytes, ApiJson, ApiPath, ApiQuery, Caller, ListParams};
use super::idempotency::Guarded;
use super::organisations::org_id;
use super::problem::{ApiError, Problem};
use crate::access::Answer;
use crate::intake::ImportSummary;
use crate::query::{ContactList, ContactView};
use crate::registry::{Contact, ContactId, ContactInput, Organisation};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

fn contact_id(text: &str) -> Result<ContactId, ApiError> {
    ContactId::parse(text).ok_or_else(ApiError::not_found)
}

/// Add a contact.
#[utoipa::path(post, path = "/api/v1/organisations/{org_id}/contacts", operation_id = "createContact", tag = "registry", params(("org_id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe creation")),
    request_body = ContactInput,
    responses(
        (status = 201, body = ContactView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(org): ApiPath<String>,
    key: Guarded,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<ContactView>), ApiError> {
    let answer = |(c, o): &(Contact, Organisation)| {
        Answer::json(201, &ContactView::new(c, &o.draft.services))
    };
    let (c, org) = s
        .intake
        .create_contact(&actor, org_id(&org)?, input, key.keep(&answer))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ContactView::new(&c, &org.draft.services)),
    ))
}

/// An organisation's contacts.
#[utoipa::path(get, path = "/api/v1/organisations/{org_id}/contacts", operation_id = "listContacts", tag = "registry", params(("org_id" = String, Path), ListParams),
    responses((status = 200, body = ContactList), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(org): ApiPath<String>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<ContactList>, ApiError> {
    Ok(Json(
        s.query
            .contacts(&actor, org_id(&org)?, p.cursor.as_deref(), p.limit)
            .await?,
    ))
}

/// One contact.
#[utoipa::path(get, path = "/api/v1/organisations/{org_id}/contacts/{contact_id}", operation_id = "getContact", tag = "registry",
    params(("org_id" = String, Path), ("contact_id" = String, Path)),
    responses((status = 200, body = ContactView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath((org, id)): ApiPath<(String, String)>,
) -> Result<Json<ContactView>, ApiError> {
    Ok(Json(
        s.query
            .contact(&actor, org_id(&org)?, contact_id(&id)?)
            .await?,
    ))
}

/// Change a contact (fields left out stay); any change confirms the contact as current.
#[utoipa::path(patch, path = "/api/v1/organisations/{org_id}/contacts/{contact_id}", operation_id = "updateContact", tag = "registry",
    params(("org_id" = String, Path), ("contact_id" = String, Path)), request_body = ContactInput,
    responses(
        (status = 200, body = ContactView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath((org, id)): ApiPath<(String, String)>,
    ApiJson(change): ApiJson<ContactInput>,
) -> Result<Json<ContactView>, ApiError> {
    let (c, org) = s
        .intake
        .update_contact(&actor, org_id(&org)?, contact_id(&id)?, change)
        .await?;
    Ok(Json(ContactView::new(&c, &org.draft.services)))
}

/// Delete a contact, erasing its personal data.
#[utoipa::path(delete, path = "/api/v1/organisations/{org_id}/contacts/{contact_id}", operation_id = "deleteContact", tag = "registry",
    params(("org_id" = String, Path), ("contact_id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath((org, id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    s.intake
        .delete_contact(&actor, org_id(&org)?, contact_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The contact list as CSV (cells that a spreadsheet would run as formulas are defused).
#[utoipa::path(get, path = "/api/v1/organisations/{org_id}/contacts.csv", operation_id = "exportContacts", tag = "registry", params(("org_id" = String, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn export_csv(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(org): ApiPath<String>,
) -> Result<Response, ApiError> {
    Ok(contacts_csv(
        s.query.export_contacts(&actor, org_id(&org)?).await?,
    ))
}

/// A contact list as a CSV download.
pub(super) fn contacts_csv(csv: String) -> Response {
    let mut res = csv.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"contacts.csv\""),
    );
    res
}

/// Replace the contact list from CSV: rows with an `id` update that contact, rows without
/// add one, contacts missing from the file are deleted. Any bad row changes nothing.
#[utoipa::path(put, path = "/api/v1/organisations/{org_id}/contacts.csv", operation_id = "importContacts", tag = "registry", params(("org_id" = String, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportSummary), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "Errors per row: `rows[N].field`")),
    security(("bearer" = [])))]
pub async fn import_csv(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(org): ApiPath<String>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<ImportSummary>, ApiError> {
    Ok(Json(
        s.intake
            .import_contacts(&actor, org_id(&org)?, &body)
            .await?,
    ))
}
