//! The fault report form: public at `/report` (no sign-in; limited per client and per
//! reporter address; it shows nothing back but its own confirmation), and in the portal
//! at `/portal/reports/new` with the organisation fixed. Both post to the intake function
//! the API calls.

use super::console::registry::viewer;
use super::console::session::{PortalSigned, csrf_matches, language, request_id, same_origin};
use super::console::signin::forbidden;
use super::{ApiError, AppState};
use crate::access::{Actor, Answer, Earlier, IdempotencyKey, Keep};
use crate::console::{ReportForm, ReportSent, Viewer, report_form_page, report_sent_page};
use crate::fault_reports::{AttachmentInput, Criterion, FaultReportInput};
use crate::intake::IntakeError;
use crate::registry::Language;
use crate::store::ReportReceipt;
use crate::validation::FieldError;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;

use crate::console::Posted;

/// A posted form: its fields and its files.
#[derive(Default)]
pub(super) struct Sent {
    pub posted: Posted,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Reads the multipart form; 413 past the size limit, 400 when it cannot be read.
pub(super) async fn read(s: &AppState, req: Request) -> Result<Sent, ApiError> {
    let mut form = Multipart::from_request(req, s)
        .await
        .map_err(|_| unreadable())?;
    let mut sent = Sent::default();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(too_large_or_unreadable(e.status())),
        };
        let name = field.name().unwrap_or("").to_owned();
        let file = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| too_large_or_unreadable(e.status()))?;
        match file {
            // A file input left empty still sends a part, without a name or content.
            Some(f) if f.is_empty() && bytes.is_empty() => {}
            Some(f) => sent.files.push((f, bytes.to_vec())),
            None => sent.posted.push(&name, &String::from_utf8_lossy(&bytes)),
        }
    }
    Ok(sent)
}

fn unreadable() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "The form could not be read; send it again.",
    )
}

fn too_large_or_unreadable(status: StatusCode) -> ApiError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "The report is too large: at most three attachments of 5 MB each.",
        ),
        _ => unreadable(),
    }
}

/// The API's input from the form's fields and files.
pub(super) fn input_of(sent: &Sent) -> FaultReportInput {
    let p = &sent.posted;
    let given = |k: &str| Some(p.get(k).to_owned());
    let optional = |k: &str| Some(p.get(k).to_owned()).filter(|v| !v.trim().is_empty());
    FaultReportInput {
        reporter_name: given("reporter_name"),
        reporter_email: given("reporter_email"),
        reporter_phone: given("reporter_phone"),
        language: optional("language"),
        organisation_name: given("organisation_name"),
        business_id: given("business_id"),
        services: Some(p.all("services")),
        started_at: given("started_at"),
        criteria: Some(p.all("criteria")),
        description: given("description"),
        workstation: optional("workstation"),
        application: optional("application"),
        error_text: optional("error_text"),
        patient_safety_risk: None,
        data_protection_risk: None,
        attachments: Some(
            sent.files
                .iter()
                .map(|(name, bytes)| AttachmentInput {
                    filename: Some(name.clone()),
                    content_base64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
                })
                .collect(),
        ),
    }
}

/// A new form, started now (Helsinki time) in the page's language, with its own id: sent
/// twice (a double click, a reload of the answer), it makes one report.
fn fresh(s: &AppState, lang: Language) -> Posted {
    let mut p = Posted::default();
    let id = crate::access::BrowserSecret::generate()
        .map(|s| s.reveal().to_owned())
        .unwrap_or_default();
    p.push("idem", &id);
    let now = s.clock.now().with_timezone(&crate::calendar::HELSINKI);
    p.push("started_at", &now.format("%Y-%m-%dT%H:%M").to_string());
    p.push("language", lang.code());
    p
}

/// The key of a sent form: its id, scoped to `who` (the public form, or a portal session),
/// over everything sent but the session token.
fn form_key(who: &[u8], sent: &Sent) -> Option<IdempotencyKey> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (k, v) in sent.posted.pairs().iter().filter(|(k, _)| k != "csrf") {
        h.update((k.len() as u64).to_be_bytes());
        h.update(k.as_bytes());
        h.update((v.len() as u64).to_be_bytes());
        h.update(v.as_bytes());
    }
    for (name, bytes) in &sent.files {
        h.update(name.as_bytes());
        h.update(sha2::Sha256::digest(bytes));
    }
    let id = sent.posted.get("idem");
    IdempotencyKey::new(who, id.as_bytes(), "POST", "/report", &h.finalize()).ok()
}

/// Takes the report of `sent` once per form id; a form sent again answers the first
/// report's reference. A form id sent with other content (edited after going back) makes
/// a new report.
async fn submit_once(
    s: &AppState,
    actor: &Actor,
    who: &[u8],
    sent: &Sent,
) -> Result<String, IntakeError> {
    let answer = |r: &ReportReceipt| Answer::json(201, r);
    let key = form_key(who, sent);
    let keep = key.as_ref().map(|key| Keep {
        key,
        answer: &answer,
    });
    match s
        .intake
        .submit_fault_report(actor, input_of(sent), keep)
        .await
    {
        Ok(receipt) => Ok(receipt.reference),
        Err(IntakeError::Earlier(Earlier::Answered(a))) => {
            serde_json::from_str::<serde_json::Value>(&a.body)
                .ok()
                .and_then(|v| v["reference"].as_str().map(str::to_owned))
                .ok_or_else(|| {
                    IntakeError::Internal(anyhow::anyhow!(
                        "a kept report answer without its reference"
                    ))
                })
        }
        Err(IntakeError::Earlier(_)) => Ok(s
            .intake
            .submit_fault_report(actor, input_of(sent), None)
            .await?
            .reference),
        Err(e) => Err(e),
    }
}

/// The form page with `errors`, answered with `status`.
fn form_answer(
    s: &AppState,
    lang: Language,
    viewer: Option<&Viewer>,
    organisation: Option<(&str, &str)>,
    sent: &Sent,
    errors: &[FieldError],
    status: StatusCode,
) -> Response {
    let page = report_form_page(&ReportForm {
        lang,
        viewer,
        organisation,
        posted: &sent.posted,
        errors,
        had_files: !sent.files.is_empty(),
        catalogue: s.intake.catalogue(),
    });
    (status, Html(page)).into_response()
}

/// The confirmation page of a report `input` that got `reference`.
fn confirmation(
    s: &AppState,
    lang: Language,
    viewer: Option<&Viewer>,
    reference: &str,
    sent: &Sent,
) -> Response {
    let criteria = sent.posted.all("criteria");
    let has = |c: Criterion| criteria.iter().any(|x| x == c.code());
    let rules = s.intake.report_rules();
    let page = report_sent_page(&ReportSent {
        lang,
        viewer,
        reference,
        email: sent.posted.get("reporter_email").trim(),
        critical: Criterion::ALL.iter().any(|c| c.is_critical() && has(*c)),
        patient_safety: has(Criterion::PatientSafety),
        phone: &rules.phone,
        incident_pages: &rules.incident_pages,
    });
    (StatusCode::CREATED, Html(page)).into_response()
}

/// `GET /report`: the public form.
pub async fn public_form(State(s): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let lang = language(&parts);
    let sent = Sent {
        posted: fresh(&s, lang),
        files: Vec::new(),
    };
    form_answer(&s, lang, None, None, &sent, &[], StatusCode::OK)
}

/// `POST /report`: takes a report from anyone, within the limits.
pub async fn public_submit(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let lang = language(&parts);
    if !same_origin(&s, &parts.headers) {
        return Err(forbidden());
    }
    let mut inner = Request::new(body);
    *inner.headers_mut() = parts.headers.clone();
    *inner.extensions_mut() = parts.extensions.clone();
    let sent = read(&s, inner).await?;
    let email = sent.posted.get("reporter_email").trim().to_lowercase();
    if let Some(seconds) = s
        .limits
        .public_report(&parts, &email, s.clock.now().timestamp_micros())
    {
        let message = crate::console::t(
            lang,
            [
                "Tästä on lähetetty liian monta ilmoitusta. Yritä hetken kuluttua uudelleen tai soita tekniseen tukeen.",
                "För många anmälningar har skickats härifrån. Försök igen om en stund eller ring den tekniska supporten.",
                "Too many reports were sent from here. Try again shortly, or phone technical support.",
            ],
        );
        let errors = [FieldError {
            field: "reporter_email".into(),
            message: message.into(),
        }];
        let mut res = form_answer(
            &s,
            lang,
            None,
            None,
            &sent,
            &errors,
            StatusCode::TOO_MANY_REQUESTS,
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return Ok(res);
    }
    let actor = Actor::public(request_id(&parts.extensions));
    match submit_once(&s, &actor, b"public-report-form", &sent).await {
        Ok(reference) => Ok(confirmation(&s, lang, None, &reference, &sent)),
        Err(IntakeError::Invalid(e)) => Ok(form_answer(
            &s,
            lang,
            None,
            None,
            &sent,
            e.errors(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

/// `GET /portal/reports/new`: the form with the organisation fixed.
pub async fn portal_form(State(s): State<AppState>, p: PortalSigned) -> Result<Response, ApiError> {
    let org = s.query.organisation(&p.signed.actor, p.admin.org).await?;
    let lang = p.signed.lang;
    let mut sent = Sent {
        posted: fresh(&s, lang),
        files: Vec::new(),
    };
    sent.posted.push("reporter_name", &p.admin.name);
    sent.posted.push("reporter_email", p.admin.email.as_str());
    let v = viewer(&p.signed);
    Ok(form_answer(
        &s,
        lang,
        Some(&v),
        Some((&org.name, &org.business_id)),
        &sent,
        &[],
        StatusCode::OK,
    ))
}

/// `POST /portal/reports`: a portal admin's report, for their organisation.
pub async fn portal_submit(
    State(s): State<AppState>,
    p: PortalSigned,
    req: Request,
) -> Result<Response, ApiError> {
    if !same_origin(&s, req.headers()) {
        return Err(forbidden());
    }
    let sent = read(&s, req).await?;
    if !csrf_matches(&p.signed.session, Some(sent.posted.get("csrf"))) {
        return Err(forbidden());
    }
    let lang = p.signed.lang;
    let v = viewer(&p.signed);
    let who = p.signed.session.id_hash.as_bytes();
    match submit_once(&s, &p.signed.actor, who, &sent).await {
        Ok(reference) => Ok(confirmation(&s, lang, Some(&v), &reference, &sent)),
        Err(IntakeError::Invalid(e)) => {
            let org = s.query.organisation(&p.signed.actor, p.admin.org).await?;
            Ok(form_answer(
                &s,
                lang,
                Some(&v),
                Some((&org.name, &org.business_id)),
                &sent,
                e.errors(),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
