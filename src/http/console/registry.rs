//! `/console/organisations` and `/console/audit`: the registry and the audit log, read
//! through the query layer.

use super::super::{ApiError, AppState};
use super::in_org::InOrg;
use super::session::Signed;
use crate::access::SessionScope;
use crate::console::{Desk, Viewer, audit_page, organisation_page, organisations_page};
use crate::registry::OrgId;
use axum::extract::{Path, Request, State};
use axum::response::{Html, Response};

/// Organisations and audit records listed per page.
const PER_PAGE: u32 = 50;
/// An organisation's contacts shown on its page.
const CONTACTS_SHOWN: u32 = 500;

fn param(req: &Request, name: &str) -> Option<String> {
    form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

pub(in crate::http) fn viewer(signed: &Signed) -> Viewer<'_> {
    Viewer {
        person: &signed.name,
        csrf: &signed.session.csrf,
        desk: match signed.session.scope {
            SessionScope::Operator => Desk::Console,
            SessionScope::Portal { .. } => Desk::Portal,
        },
    }
}

pub(super) fn org_id(text: &str) -> Result<OrgId, ApiError> {
    OrgId::parse(text).ok_or_else(ApiError::not_found)
}

/// `GET /console/organisations?q=…&cursor=…`.
pub async fn organisations(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Html<String>, ApiError> {
    let q = param(&req, "q");
    let list = s
        .query
        .organisations(
            &signed.actor,
            q.as_deref(),
            param(&req, "cursor").as_deref(),
            Some(PER_PAGE),
        )
        .await?;
    Ok(Html(organisations_page(
        signed.lang,
        &viewer(&signed),
        q.as_deref().unwrap_or(""),
        &list,
    )))
}

/// `GET /console/organisations/{id}`.
pub async fn organisation(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Html<String>, ApiError> {
    let id = org_id(&id)?;
    let org = s.query.organisation(&signed.actor, id).await?;
    let contacts = s
        .query
        .contacts(&signed.actor, id, None, Some(CONTACTS_SHOWN))
        .await?;
    Ok(Html(organisation_page(
        signed.lang,
        &viewer(&signed),
        &org,
        &contacts,
        s.intake.catalogue(),
    )))
}

/// `GET …/contacts.csv` (console and portal): the contact list to edit in a spreadsheet.
pub async fn export_csv(State(s): State<AppState>, at: InOrg) -> Result<Response, ApiError> {
    let csv = s.query.export_contacts(&at.signed.actor, at.org).await?;
    Ok(super::super::contacts::contacts_csv(csv))
}

/// `GET /console/audit?cursor=…`.
pub async fn audit(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Html<String>, ApiError> {
    let list = s
        .query
        .audit(
            &signed.actor,
            param(&req, "cursor").as_deref(),
            Some(PER_PAGE),
        )
        .await?;
    Ok(Html(audit_page(signed.lang, &viewer(&signed), &list)))
}
