//! The HTTP interface: the JSON API under `/api/v1`, health and metrics.

mod audit;
mod connection;
mod console;
mod contacts;
mod error_shape;
mod extract;
mod fault_reports;
mod headers;
mod health;
mod idempotency;
mod json_scan;
mod limiter;
mod links;
mod metrics;
mod notices;
mod openapi;
mod organisations;
mod pages;
mod portal;
mod problem;
mod public;
mod rate_limits;
mod reach;
mod receipts;
mod report_form;
mod reports;
mod request_id;
mod server;
mod services;
mod templates;
mod tokens;

pub use connection::Timeouts;
pub use limiter::Rate;
pub use metrics::Metrics;
pub use problem::{ApiError, PROBLEM_JSON, Problem};
pub use rate_limits::{LimitRates, RateLimits};
pub use receipts::SmsReceipts;
pub use server::{ServerLimits, serve};

use crate::clock::Clock;
use crate::intake::Intake;
use crate::query::Query;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Bodies larger than this are refused: JSON documents and contact lists are far smaller.
const MAX_REQUEST_BODY: usize = 4 * 1024 * 1024;

/// What every handler can reach. Every middleware and handler that takes the state clones
/// it, several times a request: one reference count, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl AppState {
    pub fn new(parts: AppParts) -> Self {
        Self(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// The parts of the state.
pub struct AppParts {
    /// The writes.
    pub intake: Intake,
    /// The reads.
    pub query: Query,
    pub metrics: Arc<Metrics>,
    pub clock: Arc<dyn Clock>,
    /// The SMS provider that verifies delivery receipts.
    pub receipts: Arc<SmsReceipts>,
    /// The public outputs, rendered once per change.
    pub outputs: Arc<crate::publish::OutputCache>,
    /// How often each caller may ask.
    pub limits: Arc<RateLimits>,
    /// The channels a configuration fault paused on this daemon.
    pub pauses: crate::observe::ChannelPauses,
    /// The operator's identity provider, when the console signs in through one.
    pub oidc: Option<Arc<crate::oidc::Oidc>>,
}

/// The API routes, the SMS gateway's receipt route (limited on its own) and their OpenAPI
/// description, from one declaration.
fn api() -> (Router<AppState>, Router<AppState>, utoipa::openapi::OpenApi) {
    let (receipts, receipts_doc) = OpenApiRouter::new()
        .routes(routes!(receipts::receive))
        .split_for_parts();
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(services::list))
        .routes(routes!(organisations::create, organisations::list))
        .routes(routes!(
            organisations::get,
            organisations::update,
            organisations::delete
        ))
        .routes(routes!(contacts::create, contacts::list))
        .routes(routes!(contacts::get, contacts::update, contacts::delete))
        .routes(routes!(contacts::export_csv, contacts::import_csv))
        .routes(routes!(tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(reports::unreachable))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(fault_reports::create, fault_reports::list))
                // Attachments make these the largest requests; every other stays at 4 MB.
                .layer(DefaultBodyLimit::max(fault_reports::MAX_REPORT_BODY)),
        )
        .routes(routes!(fault_reports::get, fault_reports::triage))
        .routes(routes!(fault_reports::attachment))
        .routes(routes!(fault_reports::draft_notice))
        .routes(routes!(notices::publish, notices::list))
        .routes(routes!(notices::preview))
        .routes(routes!(notices::get))
        .routes(routes!(notices::revise))
        .routes(routes!(notices::approve))
        .routes(routes!(notices::submit))
        .routes(routes!(notices::drafts))
        .routes(routes!(notices::deliveries))
        .routes(routes!(notices::retry))
        .routes(routes!(reach::reach))
        .routes(routes!(templates::list, templates::create))
        .routes(routes!(templates::get, templates::change))
        .routes(routes!(templates::notice))
        .routes(routes!(openapi::document))
        .split_for_parts();
    doc.merge(receipts_doc);
    (router, receipts, doc)
}

/// The whole router.
pub fn router(state: AppState) -> Router {
    let (api, receipts, doc) = api();
    let doc = openapi::finish(doc, state.intake.catalogue());
    // A document of plain data always serialises.
    let doc = openapi::OpenApiJson(serde_json::to_vec(&doc).unwrap_or_default().into());
    // The token is found (and its allowance spent) before the idempotency guard looks.
    let api = api
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::guard,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limits::api,
        ));
    let receipts = receipts.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        rate_limits::receipts,
    ));
    let health = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limits::health,
        ));
    Router::new()
        .merge(api.layer(axum::Extension(doc)))
        .merge(receipts)
        .merge(health)
        .merge(console::routes(state.clone()))
        .merge(links::routes(state.clone()))
        .merge(portal::routes(state.clone()))
        .merge(
            Router::new()
                .route(
                    "/report",
                    get(report_form::public_form).post(report_form::public_submit),
                )
                .route("/portal/reports/new", get(report_form::portal_form))
                .route(
                    "/portal/reports",
                    axum::routing::post(report_form::portal_submit),
                )
                .route_layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    rate_limits::console,
                ))
                .layer(axum::middleware::from_fn(console::private))
                .layer(DefaultBodyLimit::max(fault_reports::MAX_REPORT_BODY)),
        )
        .route("/", get(pages::status))
        .route("/notices/{id}", get(pages::notice))
        .route("/assets/faultcast.css", get(pages::style))
        .route("/assets/favicon.svg", get(pages::icon))
        .route("/assets/console.js", get(pages::script))
        .route("/maintenance.ics", get(public::maintenance_ics))
        .route("/feed.rss", get(public::feed_rss))
        .route("/feed.atom", get(public::feed_atom))
        .route("/cap.xml", get(public::cap))
        .fallback(problem::no_route)
        .method_not_allowed_fallback(problem::wrong_method)
        .route_layer(axum::middleware::from_fn(metrics::tag_route))
        .layer(axum::middleware::from_fn(error_shape::uniform))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::observe,
        ))
        .layer(axum::middleware::from_fn(headers::protect))
        .layer(axum::middleware::from_fn(request_id::assign))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY))
        .with_state(state)
}
