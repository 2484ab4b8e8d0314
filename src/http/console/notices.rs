//! `/console/notices`: the new-notice form, its preview and its publication; one notice's
//! page with its deliveries, re-drive, end and cancel.

use super::super::{ApiError, AppState};
use super::form::pairs;
use super::session::{Signed, csrf_matches, request_id, same_origin, see_other};
use super::signin::forbidden;
use crate::access::{Answer, BrowserSecret, Earlier, IdempotencyKey, Keep};
use crate::console::{Closing, NoticeForm, NoticePage, Viewer, new_notice_page, notice_page};
use crate::intake::IntakeError;
use crate::notices::{DeliveryState, NoticeId, NoticeInput, Revision};
use crate::query::Accepted;
use crate::registry::NoticeKind;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A notice form with every text filled is a few tens of kilobytes.
pub(super) const MAX_FORM: usize = 512 * 1024;

async fn page(
    s: &AppState,
    signed: &Signed,
    form: &NoticeForm,
    errors: &[crate::validation::FieldError],
    preview: Option<&crate::intake::NoticePreview>,
) -> Html<String> {
    let viewer = Viewer {
        person: &signed.name,
        csrf: &signed.session.csrf,
        desk: crate::console::Desk::Console,
    };
    let filter = crate::query::TemplateFilter {
        kind: Some(form.kind()),
        ..Default::default()
    };
    // The form still works when the templates cannot be read; it only offers none.
    let templates: Vec<crate::console::TemplateChoice> = s
        .query
        .templates(&signed.actor, &filter)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.phase.publishes())
        .map(|t| {
            let name = crate::notices::Texts::pick(&t.name, signed.lang)
                .0
                .to_owned();
            (t.id, name)
        })
        .collect();
    Html(new_notice_page(
        signed.lang,
        &viewer,
        form,
        (errors, preview),
        s.intake.catalogue(),
        &templates,
    ))
}

/// A fresh form id: publishing twice with one (a double click, a resent form) publishes once.
pub(super) fn form_id() -> String {
    BrowserSecret::generate()
        .map(|s| s.reveal().to_owned())
        .unwrap_or_default()
}

/// `GET /console/notices/new?kind=…[&template=…]`: an empty form, or one filled from a
/// template.
pub async fn new(State(s): State<AppState>, signed: Signed, req: Request) -> Response {
    let query: Vec<(String, String)> =
        form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let given = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let kind = given("kind")
        .and_then(|v| NoticeKind::parse(v).ok())
        .unwrap_or(NoticeKind::Fault);
    let mut pairs = vec![("kind".to_owned(), kind.code().to_owned())];
    if let Some(id) = given("template")
        && let Ok(t) = s.query.template_notice(&signed.actor, id, None).await
    {
        pairs = super::template_form::pairs(id, &t);
    }
    pairs.push(("idem".to_owned(), form_id()));
    page(&s, &signed, &NoticeForm::from_pairs(&pairs), &[], None)
        .await
        .into_response()
}

/// `POST /console/notices/new`: `act=preview` shows what publishing would do, `act=publish`
/// publishes; bad input comes back marked, with everything typed kept.
pub async fn post(
    State(s): State<AppState>,
    signed: Signed,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_FORM)
        .await
        .map_err(|e| super::super::extract::body_error(&e))?;
    let fields = pairs(&body);
    let form = NoticeForm::from_pairs(&fields);
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str());
    if !same_origin(&s, &parts.headers) || !csrf_matches(&signed.session, csrf) {
        return Err(forbidden());
    }
    let invalid = async |e: crate::validation::FieldErrors| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&s, &signed, &form, e.errors(), None).await,
        )
            .into_response()
    };
    if !matches!(form.value("act"), "publish" | "draft") {
        return match s.intake.preview_notice(&signed.actor, form.input()).await {
            Ok(p) => Ok(page(&s, &signed, &form, &[], Some(&p))
                .await
                .into_response()),
            Err(IntakeError::Invalid(e)) => Ok(invalid(e).await),
            Err(e) => Err(e.into()),
        };
    }
    let key = IdempotencyKey::new(
        signed.session.id_hash.as_bytes(),
        form.value("idem").as_bytes(),
        "POST",
        "/console/notices/new",
        &body,
    )
    .ok();
    let answer = |p: &crate::intake::Publication| Answer::json(202, &Accepted::from(p));
    let keep = key.as_ref().map(|key| Keep {
        key,
        answer: &answer,
    });
    let done = see_other(&format!("/console?lang={}", signed.lang.code()));
    match s
        .intake
        .publish_notice(&signed.actor, form.input(), keep)
        .await
    {
        Ok(p) => {
            let held = matches!(p, crate::intake::Publication::Held(_));
            tracing::info!(held, request = %request_id(&parts.extensions), "notice from the console");
            Ok(done)
        }
        // The same form was published already (a double click): nothing more to do.
        Err(IntakeError::Earlier(Earlier::Answered(_))) => Ok(done),
        Err(IntakeError::Invalid(e)) => Ok(invalid(e).await),
        Err(e) => Err(e.into()),
    }
}

/// The notice of a console path; anything that is not one is simply not found.
pub(super) fn notice_id(text: &str) -> Result<NoticeId, ApiError> {
    NoticeId::parse(text).ok_or_else(ApiError::not_found)
}

/// Deliveries listed per page.
const DELIVERIES_PER_PAGE: u32 = 50;

/// The notice page, with `errors` of a refused action.
async fn notice_view(
    s: &AppState,
    signed: &Signed,
    id: NoticeId,
    query: Option<&str>,
    errors: &[crate::validation::FieldError],
    closing: Option<Closing<'_>>,
) -> Result<Html<String>, ApiError> {
    let param = |name: &str| {
        form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty())
    };
    let status = param("status").and_then(|v| DeliveryState::parse(&v).ok());
    let revisions = s.query.notice_revisions(id).await?;
    if revisions.is_empty() {
        return Err(ApiError::not_found());
    }
    let deliveries = s
        .query
        .deliveries(
            &signed.actor,
            id,
            None,
            status.map(|s| s.code()),
            param("cursor").as_deref(),
            Some(DELIVERIES_PER_PAGE),
        )
        .await?;
    let viewer = Viewer {
        person: &signed.name,
        csrf: &signed.session.csrf,
        desk: crate::console::Desk::Console,
    };
    let form_id = form_id();
    let record = s.query.publication_record(id).await?;
    let page = NoticePage {
        revisions: &revisions,
        deliveries: &deliveries,
        status,
        form_id: &form_id,
        errors,
        closing,
        record: record.as_ref(),
    };
    Ok(Html(notice_page(signed.lang, &viewer, &page)))
}

/// `GET /console/notices/{id}`: its timeline, deliveries and actions.
pub async fn show(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Html<String>, ApiError> {
    notice_view(&s, &signed, notice_id(&id)?, req.uri().query(), &[], None).await
}

/// A checked console form on a notice: its fields and idempotency key.
pub(in crate::http) async fn checked_form(
    s: &AppState,
    signed: &Signed,
    req: Request,
    path: &str,
) -> Result<(Vec<(String, String)>, Option<IdempotencyKey>), ApiError> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_FORM)
        .await
        .map_err(|e| super::super::extract::body_error(&e))?;
    let fields = pairs(&body);
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str());
    if !same_origin(s, &parts.headers) || !csrf_matches(&signed.session, csrf) {
        return Err(forbidden());
    }
    let idem = fields
        .iter()
        .find(|(k, _)| k == "idem")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let key = IdempotencyKey::new(
        signed.session.id_hash.as_bytes(),
        idem.as_bytes(),
        "POST",
        path,
        &body,
    )
    .ok();
    Ok((fields, key))
}

/// `POST /console/notices/{id}/retry`: re-drives the latest revision's given-up deliveries.
pub async fn retry(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let id = notice_id(&id)?;
    let path = format!("/console/notices/{id}");
    let (_, key) = checked_form(&s, &signed, req, &format!("{path}/retry")).await?;
    let answer = |&requeued: &u64| Answer::json(202, &crate::query::Redriven { requeued });
    let keep = key.as_ref().map(|key| Keep {
        key,
        answer: &answer,
    });
    match s.intake.retry_deliveries(&signed.actor, id, keep).await {
        Ok(_) | Err(IntakeError::Earlier(Earlier::Answered(_))) => {
            Ok(see_other(&format!("{path}?lang={}", signed.lang.code())))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/notices/{id}/end` and `/cancel`: a revision that ends the notice, with
/// the closing texts given (the current ones kept otherwise).
async fn close(
    s: AppState,
    signed: Signed,
    id: String,
    req: Request,
    action: &'static str,
) -> Result<Response, ApiError> {
    let id = notice_id(&id)?;
    let path = format!("/console/notices/{id}");
    let (fields, key) = checked_form(&s, &signed, req, &format!("{path}/{action}")).await?;
    let body: std::collections::BTreeMap<String, String> = ["fi", "sv", "en"]
        .iter()
        .filter_map(|l| {
            let v = fields
                .iter()
                .find(|(k, _)| *k == format!("body_{l}"))?
                .1
                .trim()
                .to_owned();
            (!v.is_empty()).then(|| ((*l).to_owned(), v))
        })
        .collect();
    let input = NoticeInput {
        action: Some(action.to_owned()),
        body: (!body.is_empty()).then_some(body.clone()),
        ..NoticeInput::default()
    };
    let act = fields
        .iter()
        .find(|(k, _)| k == "act")
        .map(|(_, v)| v.as_str());
    if act != Some("publish") {
        return match s.intake.preview_revision(&signed.actor, id, input).await {
            Ok(preview) => {
                let bodies: Vec<(String, String)> = body.into_iter().collect();
                let idem = fields
                    .iter()
                    .find(|(k, _)| k == "idem")
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("");
                let closing = Closing {
                    action,
                    bodies: &bodies,
                    form_id: idem,
                    preview: &preview,
                };
                Ok(notice_view(&s, &signed, id, None, &[], Some(closing))
                    .await?
                    .into_response())
            }
            Err(IntakeError::Invalid(e)) => Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                notice_view(&s, &signed, id, None, e.errors(), None).await?,
            )
                .into_response()),
            Err(e) => Err(e.into()),
        };
    }
    match publish_revision(&s, &signed, id, input, key.as_ref()).await? {
        None => Ok(see_other(&format!("{path}?lang={}", signed.lang.code()))),
        Some(e) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            notice_view(&s, &signed, id, None, e.errors(), None).await?,
        )
            .into_response()),
    }
}

/// Publishes the revision `input` of notice `id`, once per form `key`: `None` when it is
/// published (now, or before by the same form), the field errors when it is refused.
pub(super) async fn publish_revision(
    s: &AppState,
    signed: &Signed,
    id: NoticeId,
    input: NoticeInput,
    key: Option<&IdempotencyKey>,
) -> Result<Option<crate::validation::FieldErrors>, ApiError> {
    let answer = |r: &Revision| Answer::json(202, &Accepted::from(r));
    let keep = key.map(|key| Keep {
        key,
        answer: &answer,
    });
    match s.intake.revise_notice(&signed.actor, id, input, keep).await {
        Ok(_) | Err(IntakeError::Earlier(Earlier::Answered(_))) => Ok(None),
        Err(IntakeError::Invalid(e)) => Ok(Some(e)),
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/notices/{id}/end`.
pub async fn end(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    close(s, signed, id, req, "end").await
}

/// `POST /console/notices/{id}/cancel`.
pub async fn cancel(
    State(s): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    close(s, signed, id, req, "cancel").await
}
