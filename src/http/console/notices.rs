//! `/console/notices/new`: the new-notice form, its preview and its publication.

use super::super::{ApiError, AppState};
use super::form::pairs;
use super::session::{Signed, csrf_matches, request_id, same_origin, see_other};
use super::signin::forbidden;
use crate::access::{Answer, BrowserSecret, Earlier, IdempotencyKey, Keep};
use crate::console::{NoticeForm, Viewer, new_notice_page};
use crate::intake::IntakeError;
use crate::notices::Revision;
use crate::query::Accepted;
use crate::registry::NoticeKind;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A notice form with every text filled is a few tens of kilobytes.
const MAX_FORM: usize = 512 * 1024;

fn page(
    s: &AppState,
    signed: &Signed,
    form: &NoticeForm,
    errors: &[crate::validation::FieldError],
    preview: Option<&crate::intake::NoticePreview>,
) -> Html<String> {
    let viewer = Viewer {
        person: &signed.session.person,
        csrf: &signed.session.csrf,
    };
    Html(new_notice_page(
        signed.lang,
        &viewer,
        form,
        errors,
        preview,
        s.intake.catalogue(),
    ))
}

/// A fresh form id: publishing twice with one (a double click, a resent form) publishes once.
fn form_id() -> String {
    BrowserSecret::generate()
        .map(|s| s.reveal().to_owned())
        .unwrap_or_default()
}

/// `GET /console/notices/new?kind=…`: an empty form.
pub async fn new(State(s): State<AppState>, signed: Signed, req: Request) -> Response {
    let kind = form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "kind")
        .and_then(|(_, v)| NoticeKind::parse(&v).ok())
        .unwrap_or(NoticeKind::Fault);
    let mut pairs = vec![("kind".to_owned(), kind.code().to_owned())];
    pairs.push(("idem".to_owned(), form_id()));
    page(&s, &signed, &NoticeForm::from_pairs(&pairs), &[], None).into_response()
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
    let invalid = |e: crate::validation::FieldErrors| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&s, &signed, &form, e.errors(), None),
        )
            .into_response()
    };
    if form.value("act") != "publish" {
        return match s.intake.preview_notice(&signed.actor, form.input()).await {
            Ok(p) => Ok(page(&s, &signed, &form, &[], Some(&p)).into_response()),
            Err(IntakeError::Invalid(e)) => Ok(invalid(e)),
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
    let answer = |r: &Revision| Answer::json(202, &Accepted::from(r));
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
        Ok(rev) => {
            tracing::info!(notice = %rev.notice_id, request = %request_id(&parts.extensions), "published from the console");
            Ok(done)
        }
        // The same form was published already (a double click): nothing more to do.
        Err(IntakeError::Earlier(Earlier::Answered(_))) => Ok(done),
        Err(IntakeError::Invalid(e)) => Ok(invalid(e)),
        Err(e) => Err(e.into()),
    }
}
