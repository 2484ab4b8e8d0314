//! `/console/templates`: the notice templates listed, and one changed — a new version —
//! through the intake function `PUT /api/v1/templates/{id}` calls.

use super::super::{ApiError, AppState};
use super::notices::checked_form;
use super::registry::viewer;
use super::session::{Signed, see_other};
use crate::console::{Posted, template_form, template_page, templates_page};
use crate::intake::IntakeError;
use crate::query::{TemplateFilter, TemplateView};
use crate::templates::TemplateInput;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use std::collections::BTreeMap;

/// `GET /console/templates`.
pub async fn list(State(s): State<AppState>, signed: Signed) -> Result<Html<String>, ApiError> {
    let list = s
        .query
        .templates(&signed.actor, &TemplateFilter::default())
        .await?;
    Ok(Html(templates_page(
        signed.lang,
        &viewer(&signed),
        &list,
        s.intake.catalogue(),
    )))
}

/// `GET /console/templates/{id}`.
pub async fn show(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Html<String>, ApiError> {
    let v = s.query.template(&signed.actor, &id, None).await?;
    Ok(Html(template_page(
        signed.lang,
        &viewer(&signed),
        &v,
        &template_form(&v),
        &[],
    )))
}

/// The posted texts of `field` by language (blank ones left out).
fn texts(form: &Posted, field: &str) -> Option<BTreeMap<String, String>> {
    let m: BTreeMap<String, String> = ["fi", "sv", "en"]
        .iter()
        .filter_map(|l| {
            let v = form.get(&format!("{field}_{l}")).trim();
            (!v.is_empty()).then(|| ((*l).to_owned(), v.to_owned()))
        })
        .collect();
    (!m.is_empty()).then_some(m)
}

/// The template `v` with the texts of `form`: what a change sends.
fn changed(v: &TemplateView, form: &Posted) -> TemplateInput {
    let instructions: BTreeMap<String, BTreeMap<String, String>> = crate::registry::Audience::ALL
        .iter()
        .filter_map(|a| {
            texts(form, &format!("instructions_{}", a.code())).map(|m| (a.code().to_owned(), m))
        })
        .collect();
    TemplateInput {
        id: Some(v.id.clone()),
        kind: Some(v.kind.code().to_owned()),
        phase: Some(v.phase.code().to_owned()),
        services: Some(v.services.clone()),
        audiences: Some(v.audiences.iter().map(|a| a.code().to_owned()).collect()),
        severity: v.severity.map(|s| s.code().to_owned()),
        name: texts(form, "name"),
        title: texts(form, "title"),
        body: texts(form, "body"),
        sms: texts(form, "sms"),
        instructions: (!instructions.is_empty()).then_some(instructions),
        usage_break: v.usage_break,
        impact: (!v.impact.is_empty()).then(|| v.impact.clone()),
    }
}

/// `POST /console/templates/{id}`: the texts saved as the next version; bad ones come
/// back marked, with everything typed kept.
pub async fn change(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let v = s.query.template(&signed.actor, &id, None).await?;
    let path = format!("/console/templates/{}", v.id);
    let (fields, _) = checked_form(&s, &signed, req, &path).await?;
    let form = Posted::from_pairs(&fields);
    match s
        .intake
        .change_template(&signed.actor, &v.id, changed(&v, &form), "console")
        .await
    {
        Ok(_) => Ok(see_other(&format!("{path}?lang={}", signed.lang.code()))),
        Err(IntakeError::Invalid(e)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(template_page(
                signed.lang,
                &viewer(&signed),
                &v,
                &form,
                e.errors(),
            )),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
