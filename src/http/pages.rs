//! The public HTML pages: the status page, a notice's page and the style sheet. Pages are
//! rendered once per change and language (see `public`), with a strict CSP.

use super::AppState;
use super::extract::{ApiPath, ApiQuery};
use super::problem::ApiError;
use super::public::{FeedParams, answer, filters};
use crate::notices::NoticeId;
use crate::publish::{Rendered, StatusPage};
use crate::registry::Language;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Notices read per part of the front page.
const PAGE_NOTICES: u32 = 500;
/// The front page shows what ended within this many days.
const RECENT_DAYS: i64 = 90;
/// Pages load only our own style sheet: no scripts, no frames, no forms.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `?lang=`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    pub lang: Option<String>,
}

/// `?lang=`, else the best of `Accept-Language`, else Finnish.
fn language(s: &AppState, p: PageParams, headers: &HeaderMap) -> Result<Language, ApiError> {
    if p.lang.is_some() {
        return Ok(filters(
            s,
            FeedParams {
                lang: p.lang,
                ..Default::default()
            },
        )?
        .lang);
    }
    Ok(from_accept_language(headers))
}

/// The language of a page that has nothing else to go by: a valid `?lang=` in `query`,
/// else `Accept-Language`, else Finnish (used for error pages, which never fail).
pub(super) fn negotiate(query: Option<&str>, headers: &HeaderMap) -> Language {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Language::parse(&v).ok())
        .unwrap_or_else(|| from_accept_language(headers))
}

/// The best language of `Accept-Language` we have, else Finnish.
fn from_accept_language(headers: &HeaderMap) -> Language {
    let mut best: Option<(f32, Language)> = None;
    for v in headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for item in v.split(',') {
            let mut parts = item.split(';').map(str::trim);
            let tag = parts.next().unwrap_or("").to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Ok(l) = Language::parse(primary) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
    }
    best.map_or(Language::Fi, |(_, l)| l)
}

/// The security headers of an HTML answer.
pub(super) fn html_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::VARY, "Accept-Encoding, Accept-Language"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    res
}

/// `GET /`: current faults, maintenance in progress and upcoming, services, the last 90 days.
pub async fn status(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<PageParams>,
    req: Request,
) -> Result<Response, ApiError> {
    let headers = req.headers();
    let lang = language(&s, p, headers)?;
    let now = s.clock.now_micros();
    let key = format!("/?lang={}", lang.code());
    let hour = now.timestamp() / 3_600;
    let render = async {
        let board = s
            .query
            .status_board(
                now,
                chrono::Duration::days(RECENT_DAYS),
                PAGE_NOTICES,
                crate::notices::Exercises::Hidden,
            )
            .await?;
        let (active, upcoming, ended) = (&board.active, &board.upcoming, &board.ended);
        let page = StatusPage {
            lang,
            updated: active
                .iter()
                .chain(upcoming)
                .chain(ended)
                .map(|r| r.published_at)
                .max(),
            current: active
                .iter()
                .filter(|r| !r.draft.kind.is_planned())
                .collect(),
            ongoing: active
                .iter()
                .filter(|r| r.draft.kind.is_planned())
                .collect(),
            upcoming: upcoming.iter().collect(),
            recent: ended.iter().collect(),
        };
        let body = crate::publish::status_page(&page, s.intake.catalogue());
        Ok::<_, ApiError>(Rendered::new(
            body,
            "text/html; charset=utf-8",
            page.updated,
        ))
    };
    let r = s.outputs.render_once(key, hour, render).await?;
    Ok(html_headers(answer(&r, headers)))
}

/// `GET /notices/{id}`: one notice with its revision timeline.
pub async fn notice(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<PageParams>,
    req: Request,
) -> Result<Response, ApiError> {
    let headers = req.headers();
    let lang = language(&s, p, headers)?;
    let Some(nid) = NoticeId::parse(&id) else {
        return Ok(not_found(lang));
    };
    let key = format!("/notices/{nid}?lang={}", lang.code());
    let horizon = 0;
    // `Err(None)`: no such notice (never cached, so never answered from a stale copy).
    let render = async {
        let revisions = s
            .query
            .notice_revisions(nid)
            .await
            .map_err(|e| Some(ApiError::from(e)))?;
        if revisions.is_empty() {
            return Err(None);
        }
        let body = crate::publish::notice_page(&revisions, lang, s.intake.catalogue());
        let last = revisions.last().map(|r| r.published_at);
        Ok(Rendered::new(body, "text/html; charset=utf-8", last))
    };
    match s.outputs.render_once(key, horizon, render).await {
        Ok(r) => Ok(html_headers(answer(&r, headers))),
        Err(None) => Ok(not_found(lang)),
        Err(Some(e)) => Err(e),
    }
}

fn not_found(lang: Language) -> Response {
    html_headers(
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            crate::publish::not_found_page(lang),
        )
            .into_response(),
    )
}

/// `GET /assets/faultcast.css`.
pub async fn style(req: Request) -> Response {
    let headers = req.headers();
    static STYLE: std::sync::OnceLock<Rendered> = std::sync::OnceLock::new();
    let r = STYLE.get_or_init(|| {
        Rendered::new(
            crate::publish::STYLE.to_owned(),
            "text/css; charset=utf-8",
            None,
        )
    });
    answer(r, headers)
}

/// `GET /assets/console.js`: the console's own script.
pub async fn script(req: Request) -> Response {
    let headers = req.headers();
    static SCRIPT: std::sync::OnceLock<Rendered> = std::sync::OnceLock::new();
    let r = SCRIPT.get_or_init(|| {
        Rendered::new(
            crate::console::SCRIPT.to_owned(),
            "text/javascript; charset=utf-8",
            None,
        )
    });
    answer(r, headers)
}

/// `GET /assets/favicon.svg`.
pub async fn icon(req: Request) -> Response {
    let headers = req.headers();
    static ICON: std::sync::OnceLock<Rendered> = std::sync::OnceLock::new();
    let r =
        ICON.get_or_init(|| Rendered::new(crate::publish::ICON.to_owned(), "image/svg+xml", None));
    answer(r, headers)
}
