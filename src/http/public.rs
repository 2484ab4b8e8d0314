//! Public, cacheable outputs: the RSS and Atom feeds and the maintenance calendar. Each is
//! rendered once per change of the data (`publish::OutputCache`), kept with a gzip copy,
//! and answered 304 to a matching `If-None-Match`.

use super::AppState;
use super::extract::ApiQuery;
use super::problem::ApiError;
use crate::publish::{FeedSpec, Rendered};
use crate::registry::{Language, NoticeKind};
use crate::validation::FieldErrors;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// How far back the calendar keeps finished and cancelled maintenance.
const CALENDAR_HISTORY_DAYS: i64 = 90;
/// At most this many events: years of maintenance, and a bounded answer.
const CALENDAR_MAX_EVENTS: u32 = 2_000;
/// Items in a feed: the newest revisions.
const FEED_ITEMS: u32 = 50;
/// Clients poll; five minutes matches the feeds' `ttl`.
const CACHE_CONTROL: &str = "public, max-age=300";

/// `?lang=&service=&kind=` of the feeds (the calendar takes `lang` only).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    pub lang: Option<String>,
    pub service: Option<String>,
    pub kind: Option<String>,
}

/// `?lang=` of the calendar.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarParams {
    pub lang: Option<String>,
}

/// Validated feed filters.
pub(super) struct Filters {
    pub(super) lang: Language,
    pub(super) service: Option<String>,
    pub(super) kind: Option<NoticeKind>,
}

pub(super) fn filters(s: &AppState, p: FeedParams) -> Result<Filters, ApiError> {
    let mut e = FieldErrors::new();
    let lang = match p.lang.as_deref() {
        None => Some(Language::Fi),
        Some(l) => e.check("lang", Language::parse(l)),
    };
    let service = match p.service.as_deref() {
        None => Some(None),
        Some(c) => e
            .check("service", s.intake.catalogue().parse_code(c))
            .map(|c| Some(c.as_str().to_owned())),
    };
    let kind = match p.kind.as_deref() {
        None => Some(None),
        Some(k) => e.check("kind", NoticeKind::parse(k)).map(Some),
    };
    let (Some(lang), Some(service), Some(kind)) = (lang, service, kind) else {
        return Err(ApiError::invalid(e.explain_missing("lang")));
    };
    e.finish(|| Filters {
        lang,
        service,
        kind,
    })
    .map_err(ApiError::invalid)
}

/// Whether the client's `If-None-Match` names `tag` (weak or strong) or is `*`.
fn not_modified(headers: &HeaderMap, tags: [&[u8]; 2]) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .map(|t| {
            let t = t.trim_ascii();
            t.strip_prefix(b"W/").unwrap_or(t)
        })
        .any(|t| t == b"*" || tags.contains(&t))
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|enc| {
            let mut parts = enc.split(';').map(str::trim);
            parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"))
                && !parts.any(|q| q.replace(' ', "") == "q=0")
        })
}

/// Answers with `r`: 304 on a matching ETag, else the gzip copy when accepted. Every
/// header value is shared from `r`; the body is never copied.
pub(super) fn answer(r: &Rendered, headers: &HeaderMap) -> Response {
    let gzip = accepts_gzip(headers);
    let mut res = if not_modified(headers, [r.etag.as_bytes(), r.gzip_etag.as_bytes()]) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if gzip {
        let mut res = r.gzip.clone().into_response();
        res.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        res
    } else {
        r.body.clone().into_response()
    };
    let ok = res.status() == StatusCode::OK;
    let h = res.headers_mut();
    if ok {
        h.insert(header::CONTENT_TYPE, r.content_type.clone());
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let tag = if gzip { &r.gzip_etag } else { &r.etag };
    h.insert(header::ETAG, tag.clone());
    if let Some(v) = &r.last_modified_http {
        h.insert(header::LAST_MODIFIED, v.clone());
    }
    res
}

#[derive(Clone, Copy)]
enum FeedFormat {
    Rss,
    Atom,
}

async fn feed(
    s: AppState,
    p: FeedParams,
    headers: &HeaderMap,
    format: FeedFormat,
) -> Result<Response, ApiError> {
    let f = filters(&s, p)?;
    let (path, content_type) = match format {
        FeedFormat::Rss => ("/feed.rss", "application/rss+xml; charset=utf-8"),
        FeedFormat::Atom => ("/feed.atom", "application/atom+xml; charset=utf-8"),
    };
    let mut query = format!("?lang={}", f.lang.code());
    if let Some(svc) = &f.service {
        query.push_str(&format!("&service={svc}"));
    }
    if let Some(k) = f.kind {
        query.push_str(&format!("&kind={}", k.code()));
    }
    let key = format!("{path}{query}");
    let horizon = 0;
    let render = async {
        let revisions = s
            .query
            .feed(f.kind, f.service.as_deref(), FEED_ITEMS)
            .await?;
        let spec = FeedSpec {
            lang: f.lang,
            base_url: s.intake.public_url(),
            self_path: &key,
        };
        let body = match format {
            FeedFormat::Rss => crate::publish::rss(&revisions, &spec, s.intake.catalogue()),
            FeedFormat::Atom => crate::publish::atom(&revisions, &spec, s.intake.catalogue()),
        };
        let last = revisions.first().map(|r| r.published_at);
        Ok::<_, ApiError>(Rendered::new(body, content_type, last))
    };
    let r = s.outputs.render_once(key.clone(), horizon, render).await?;
    Ok(answer(&r, headers))
}

/// `GET /feed.rss`: RSS 2.0, one item per revision, newest first.
pub async fn feed_rss(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<FeedParams>,
    req: Request,
) -> Result<Response, ApiError> {
    let headers = req.headers();
    feed(s, p, headers, FeedFormat::Rss).await
}

/// `GET /feed.atom`: the same as Atom.
pub async fn feed_atom(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<FeedParams>,
    req: Request,
) -> Result<Response, ApiError> {
    let headers = req.headers();
    feed(s, p, headers, FeedFormat::Atom).await
}

/// `GET /maintenance.ics`: maintenance of the last 90 days and ahead, in `lang` (fi).
pub async fn maintenance_ics(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<CalendarParams>,
    req: Request,
) -> Result<Response, ApiError> {
    let headers = req.headers();
    let f = filters(
        &s,
        FeedParams {
            lang: p.lang,
            ..Default::default()
        },
    )?;
    let key = format!("/maintenance.ics?lang={}", f.lang.code());
    // The calendar's 90-day horizon moves with the clock: render it afresh each day.
    let day = s.clock.now_micros().timestamp() / 86_400;

    let render = async {
        let since = s.clock.now_micros() - chrono::Duration::days(CALENDAR_HISTORY_DAYS);
        let notices = s
            .query
            .maintenance_calendar(since, CALENDAR_MAX_EVENTS)
            .await?;
        let body = crate::publish::maintenance_calendar(
            &notices,
            f.lang,
            s.intake.catalogue(),
            s.intake.public_url(),
        );
        let last = notices.iter().map(|r| r.published_at).max();
        Ok::<_, ApiError>(Rendered::new(body, "text/calendar; charset=utf-8", last))
    };
    let r = s.outputs.render_once(key, day, render).await?;
    Ok(answer(&r, headers))
}

/// How long an ended notice stays in the CAP feed.
const CAP_ENDED_HOURS: i64 = 24;
/// At most this many CAP messages.
const CAP_MAX_MESSAGES: u32 = 1_000;

/// `?status=` of the CAP feed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CapParams {
    /// `actual` (the default) or `exercise`: the exercises' messages, for drills.
    status: Option<String>,
}

/// `GET /cap.xml`: CAP 1.2 messages of active notices and those ended in the last 24 h;
/// `?status=exercise` the same of exercises (CAP `status` Exercise), never mixed.
pub async fn cap(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<CapParams>,
    req: Request,
) -> Result<Response, ApiError> {
    let exercises = match p.status.as_deref() {
        None | Some("actual") => crate::notices::Exercises::Hidden,
        Some("exercise") => crate::notices::Exercises::Only,
        Some(_) => {
            return Err(crate::intake::IntakeError::from(FieldErrors::single(
                "status",
                "must be one of actual, exercise",
            ))
            .into());
        }
    };
    let key = match exercises {
        crate::notices::Exercises::Only => "/cap.xml?status=exercise",
        _ => "/cap.xml",
    };
    let headers = req.headers();
    // The 24-hour horizon moves with the clock: render it afresh each hour.
    let now = s.clock.now_micros();
    let horizon = now.timestamp() / 3_600;
    let render = async {
        let revisions = s
            .query
            .cap(
                now - chrono::Duration::hours(CAP_ENDED_HOURS),
                CAP_MAX_MESSAGES,
                exercises,
            )
            .await?;
        let base = s.intake.public_url();
        let host = url::Url::parse(base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "faultcast".to_owned());
        let src = crate::publish::CapSource {
            base_url: base,
            host: &host,
        };
        let body = crate::publish::cap_feed(
            &revisions,
            &src,
            s.intake.catalogue(),
            &format!("{base}{key}"),
        );
        let last = revisions.first().map(|r| r.published_at);
        Ok::<_, ApiError>(Rendered::new(
            body,
            "application/atom+xml; charset=utf-8",
            last,
        ))
    };
    let r = s
        .outputs
        .render_once(key.to_owned(), horizon, render)
        .await?;
    Ok(answer(&r, headers))
}
