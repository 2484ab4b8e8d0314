//! `/api/v1/notices`.

use super::AppState;
use super::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use super::notice_views::{
    Accepted, DeliveriesView, DeliverySummary, NoticeList, NoticeView, Redriven,
};
use super::problem::{ApiError, Problem};
use crate::intake::NoticePreview;
use crate::notices::{NoticeId, NoticeInput};
use crate::registry::{Channel, Language, NoticeKind};
use crate::store::NoticeFilter;
use crate::validation::FieldErrors;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

fn notice_id(text: &str) -> Result<NoticeId, ApiError> {
    NoticeId::parse(text).ok_or_else(ApiError::not_found)
}

/// Publish a notice: stored with its fan-out job and answered at once; delivery follows.
#[utoipa::path(post, path = "/api/v1/notices", operation_id = "publishNotice", tag = "notices", request_body = NoticeInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe publication")),
    responses((status = 202, body = Accepted), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn publish(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<NoticeInput>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let rev = s.intake.publish_notice(&actor, input).await?;
    Ok((StatusCode::ACCEPTED, Json((&rev).into())))
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
    ApiJson(input): ApiJson<NoticeInput>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let rev = s
        .intake
        .revise_notice(&actor, notice_id(&id)?, input)
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
    let mut e = FieldErrors::new();
    let filter = match p.state.as_deref() {
        None => Some(NoticeFilter::All),
        Some("active") => Some(NoticeFilter::Active),
        Some("upcoming") => Some(NoticeFilter::Upcoming),
        Some("ended") => Some(NoticeFilter::Ended),
        Some(_) => e.check(
            "state",
            Err("must be one of active, upcoming, ended".into()),
        ),
    };
    let kind = match p.kind.as_deref() {
        Some(k) => e.check("kind", NoticeKind::parse(k)).map(Some),
        None => Some(None),
    };
    let lang = match p.lang.as_deref() {
        Some(l) => e.check("lang", Language::parse(l)).map(Some),
        None => Some(None),
    };
    e.clone().finish(|| ()).map_err(ApiError::invalid)?;
    let page = s
        .intake
        .notices(
            filter.unwrap_or(NoticeFilter::All),
            kind.flatten(),
            p.service.as_deref(),
            p.cursor.as_deref(),
            p.limit,
        )
        .await?;
    let items = page
        .items
        .iter()
        .filter_map(|r| NoticeView::new(std::slice::from_ref(r), false))
        .map(|mut v| {
            if let Some(l) = lang.flatten() {
                for m in [
                    &mut v.current.title,
                    &mut v.current.body,
                    &mut v.current.sms,
                ] {
                    let keep = m.get(l.code()).or_else(|| m.get("fi")).cloned();
                    m.clear();
                    if let Some(t) = keep {
                        m.insert(l.code().to_owned(), t);
                    }
                }
            }
            v
        })
        .collect();
    Ok(Json(NoticeList {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One notice with all its revisions (public).
#[utoipa::path(get, path = "/api/v1/notices/{id}", operation_id = "getNotice", tag = "notices", params(("id" = String, Path)),
    responses((status = 200, body = NoticeView), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<NoticeView>, ApiError> {
    let id = notice_id(&id)?;
    let revs = s.intake.notice(id).await?;
    let mut view = NoticeView::new(&revs, true).ok_or_else(ApiError::not_found)?;
    if view.kind == NoticeKind::Maintenance.code() {
        let plan = s.intake.store().reminders(id).await?;
        view.reminders = Some(plan.iter().map(Into::into).collect());
    }
    Ok(Json(view))
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
    let id = notice_id(&id)?;
    let cursor = match p.cursor.as_deref() {
        None => 0,
        Some(c) => c.parse::<i64>().map_err(|_| {
            ApiError::invalid(FieldErrors::single(
                "cursor",
                "is not a cursor from this list",
            ))
        })?,
    };
    let limit = p
        .limit
        .unwrap_or(crate::store::DEFAULT_PAGE)
        .clamp(1, crate::store::MAX_PAGE);
    let (revision, fanout_complete, summary) =
        s.intake.delivery_status(&actor, id, p.revision).await?;
    let rows = s
        .intake
        .delivery_items(
            &actor,
            id,
            Some(revision),
            p.status.as_deref(),
            cursor,
            limit + 1,
        )
        .await?;
    let next_cursor =
        (rows.len() > limit as usize).then(|| rows[limit as usize - 1].id.to_string());
    let items = rows.iter().take(limit as usize).map(Into::into).collect();
    let pick = |c: Channel| {
        summary
            .iter()
            .find(|(ch, _)| *ch == c)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    Ok(Json(DeliveriesView {
        revision,
        fanout_complete,
        summary: DeliverySummary {
            email: pick(Channel::Email),
            sms: pick(Channel::Sms),
        },
        items,
        next_cursor,
    }))
}

/// Re-drive the latest revision's dead and failed deliveries.
#[utoipa::path(post, path = "/api/v1/notices/{id}/deliveries/retry", operation_id = "retryDeliveries", tag = "notices", params(("id" = String, Path)),
    responses((status = 202, body = Redriven), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn retry(
    State(s): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<Redriven>), ApiError> {
    let requeued = s.intake.retry_deliveries(&actor, notice_id(&id)?).await?;
    Ok((StatusCode::ACCEPTED, Json(Redriven { requeued })))
}
