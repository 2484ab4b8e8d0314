//! `/api/v1/notices`.

use super::AppState;
use super::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use super::idempotency::Guarded;
use super::problem::{ApiError, Problem};
use crate::access::Answer;
use crate::intake::NoticePreview;
use crate::intake::Publication;
use crate::notices::{NoticeId, NoticeInput, Revision};
use crate::query::{
    Accepted, DeliveriesView, NoticeList, NoticeQuery, NoticeView, PendingList, Redriven,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

pub(super) fn notice_id(text: &str) -> Result<NoticeId, ApiError> {
    NoticeId::parse(text).ok_or_else(ApiError::not_found)
}

/// Publish a notice: stored with its fan-out job and answered at once; delivery follows.
/// A notice that needs a second operator's approval (`[notices] approval`), is saved as a
/// `draft`, or has a `publish_at` is held instead (`publication` says how); an
/// `override_reason` publishes one that needs approval at once.
#[utoipa::path(post, path = "/api/v1/notices", operation_id = "publishNotice", tag = "notices", request_body = NoticeInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe publication")),
    responses((status = 202, body = Accepted), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn publish(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: Guarded,
    ApiJson(input): ApiJson<NoticeInput>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let answer = |p: &Publication| Answer::json(202, &Accepted::from(p));
    let p = s
        .intake
        .publish_notice(&actor, input, key.keep(&answer))
        .await?;
    Ok((StatusCode::ACCEPTED, Json((&p).into())))
}

/// Approve a notice awaiting approval — by an operator other than its author. It goes out
/// at once, or at its `publish_at`.
#[utoipa::path(post, path = "/api/v1/notices/{id}/approve", operation_id = "approveNotice", tag = "notices", params(("id" = String, Path)),
    responses((status = 202, body = Accepted), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn approve(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let p = s.intake.approve_notice(&actor, notice_id(&id)?).await?;
    Ok((StatusCode::ACCEPTED, Json((&p).into())))
}

/// Submit a draft: it then awaits approval, waits for its `publish_at`, or goes out.
#[utoipa::path(post, path = "/api/v1/notices/{id}/submit", operation_id = "submitNotice", tag = "notices", params(("id" = String, Path)),
    responses((status = 202, body = Accepted), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn submit(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let p = s.intake.submit_notice(&actor, notice_id(&id)?).await?;
    Ok((StatusCode::ACCEPTED, Json((&p).into())))
}

/// Notices not yet published — drafts, those awaiting approval, scheduled ones — newest
/// first, with who wrote and who approved each.
#[utoipa::path(get, path = "/api/v1/drafts", operation_id = "listDrafts", tag = "notices",
    responses((status = 200, body = PendingList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn drafts(
    State(s): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<PendingList>, ApiError> {
    Ok(Json(s.query.pending_notices(&actor).await?))
}

/// Revise a notice: `{"action": "update" | "end" | "reschedule" | "cancel", …changed fields}`.
#[utoipa::path(post, path = "/api/v1/notices/{id}/revisions", operation_id = "reviseNotice", tag = "notices", params(("id" = String, Path)),
    request_body = NoticeInput,
    responses((status = 202, body = Accepted), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn revise(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    key: Guarded,
    ApiJson(input): ApiJson<NoticeInput>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let answer = |r: &Revision| Answer::json(202, &Accepted::from(r));
    let rev = s
        .intake
        .revise_notice(&actor, notice_id(&id)?, input, key.keep(&answer))
        .await?;
    Ok((StatusCode::ACCEPTED, Json((&rev).into())))
}

/// What publishing would do: recipients per channel and language, SMS parts, the email.
#[utoipa::path(post, path = "/api/v1/notices/preview", operation_id = "previewNotice", tag = "notices", request_body = NoticeInput,
    responses((status = 200, body = NoticePreview), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn preview(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<NoticeInput>,
) -> Result<Json<NoticePreview>, ApiError> {
    Ok(Json(s.intake.preview_notice(&actor, input).await?))
}

/// List filters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoticeListParams {
    /// `active`, `upcoming` or `ended`; default all.
    pub state: Option<String>,
    /// `fault`, `maintenance` or `instruction`.
    pub kind: Option<String>,
    /// A service code.
    pub service: Option<String>,
    /// Only texts in this language (Finnish where it has none).
    pub lang: Option<String>,
    pub cursor: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::page_limit")]
    pub limit: Option<u32>,
}

/// Notices, newest first (public).
#[utoipa::path(get, path = "/api/v1/notices", operation_id = "listNotices", tag = "notices", params(NoticeListParams),
    responses((status = 200, body = NoticeList), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<NoticeListParams>,
) -> Result<Json<NoticeList>, ApiError> {
    let q = NoticeQuery {
        state: p.state.as_deref(),
        kind: p.kind.as_deref(),
        service: p.service.as_deref(),
        lang: p.lang.as_deref(),
        cursor: p.cursor.as_deref(),
        limit: p.limit,
    };
    Ok(Json(s.query.notices(&q).await?))
}

/// One notice with all its revisions (public).
#[utoipa::path(get, path = "/api/v1/notices/{id}", operation_id = "getNotice", tag = "notices", params(("id" = String, Path)),
    responses((status = 200, body = NoticeView), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(s.query.notice(notice_id(&id)?).await?))
}

/// Delivery filters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryParams {
    /// Default: the latest revision.
    pub revision: Option<i32>,
    /// One delivery state.
    pub status: Option<String>,
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    #[serde(default, deserialize_with = "crate::http::extract::page_limit")]
    pub limit: Option<u32>,
}

/// Delivery progress of a revision: counts per channel and state, and the deliveries.
#[utoipa::path(get, path = "/api/v1/notices/{id}/deliveries", operation_id = "listDeliveries", tag = "notices", params(("id" = String, Path), DeliveryParams),
    responses((status = 200, body = DeliveriesView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn deliveries(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<DeliveryParams>,
) -> Result<Json<DeliveriesView>, ApiError> {
    let view = s
        .query
        .deliveries(
            &actor,
            notice_id(&id)?,
            p.revision,
            p.status.as_deref(),
            p.cursor.as_deref(),
            p.limit,
        )
        .await?;
    Ok(Json(view))
}

/// Re-drive the latest revision's dead and failed deliveries.
#[utoipa::path(post, path = "/api/v1/notices/{id}/deliveries/retry", operation_id = "retryDeliveries", tag = "notices", params(("id" = String, Path)),
    responses((status = 202, body = Redriven), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn retry(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    key: Guarded,
) -> Result<(StatusCode, Json<Redriven>), ApiError> {
    let answer = |&requeued: &u64| Answer::json(202, &Redriven { requeued });
    let requeued = s
        .intake
        .retry_deliveries(&actor, notice_id(&id)?, key.keep(&answer))
        .await?;
    Ok((StatusCode::ACCEPTED, Json(Redriven { requeued })))
}
