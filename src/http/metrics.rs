//! Prometheus metrics: requests by route and status, latency, database pool.

use super::AppState;
use super::request_id::RequestId;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::fmt::{self, Write};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::Instant;

/// Latency buckets in seconds: from a cached page read (sub-millisecond) to a slow import.
const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: MethodLabel,
    route: RouteLabel,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: MethodLabel,
    route: RouteLabel,
}

/// The request method as a label; cloning a standard method copies no string.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct MethodLabel(Method);

impl EncodeLabelValue for MethodLabel {
    fn encode(&self, e: &mut LabelValueEncoder) -> Result<(), fmt::Error> {
        e.write_str(self.0.as_str())
    }
}

/// The route template that matched (shared, not copied, per request), or none.
#[derive(Clone, Debug)]
struct RouteLabel(Option<MatchedPath>);

impl RouteLabel {
    fn as_str(&self) -> &str {
        self.0.as_ref().map_or("unmatched", MatchedPath::as_str)
    }
}

impl PartialEq for RouteLabel {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RouteLabel {}

impl Hash for RouteLabel {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for RouteLabel {
    fn encode(&self, e: &mut LabelValueEncoder) -> Result<(), fmt::Error> {
        e.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

/// The process's metrics.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    bounces_ignored: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(&crate::observe::DeliveryCounters::default())
    }
}

impl Metrics {
    /// The HTTP and pool metrics, and the workers' delivery counters.
    pub fn new(deliveries: &crate::observe::DeliveryCounters) -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(LATENCY_BUCKETS)
        });
        let pool = Family::<PoolLabels, Gauge>::default();
        let pool_max = Gauge::default();
        let mut registry = Registry::with_prefix("faultcast");
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests",
            latency.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database connections by state",
            pool.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "Largest database pool size",
            pool_max.clone(),
        );
        let bounces_ignored = Gauge::default();
        registry.register(
            "bounces_ignored",
            "Messages taken over LMTP that were no DSN for one of our deliveries",
            bounces_ignored.clone(),
        );
        deliveries.register(&mut registry);
        Self {
            registry: Mutex::new(registry),
            requests,
            latency,
            pool,
            pool_max,
            bounces_ignored,
        }
    }
}

impl Metrics {
    fn observe(&self, method: MethodLabel, route: RouteLabel, status: u16, seconds: f64) {
        let labels = RouteLabels { method, route };
        self.latency.get_or_create(&labels).observe(seconds);
        self.requests
            .get_or_create(&RequestLabels {
                method: labels.method,
                route: labels.route,
                status,
            })
            .inc();
    }

    fn render(&self, pool: crate::query::PoolStats, bounces_ignored: u64) -> String {
        self.bounces_ignored
            .set(i64::try_from(bounces_ignored).unwrap_or(i64::MAX));
        self.pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(i64::from(pool.idle));
        self.pool
            .get_or_create(&PoolLabels { state: "busy" })
            .set(i64::from(pool.size.saturating_sub(pool.idle)));
        self.pool_max.set(i64::from(pool.max));
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        // Encoding into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &registry);
        out
    }
}

/// The route template that matched, carried from the inner layer to the outer one.
#[derive(Clone)]
struct Route(MatchedPath);

/// Inner layer (after routing): remembers which route template matched.
pub async fn tag_route(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    let mut res = next.run(req).await;
    if let Some(r) = route {
        res.extensions_mut().insert(Route(r));
    }
    res
}

/// Outer layer: counts, times and logs every request by route template (never the raw
/// path or query, which may carry ids or search terms). Nothing is copied per request
/// unless the request log is on.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = MethodLabel(req.method().clone());
    let request_id = tracing::enabled!(tracing::Level::INFO)
        .then(|| req.extensions().get::<RequestId>().cloned())
        .flatten();
    let res = next.run(req).await;
    let route = RouteLabel(res.extensions().get::<Route>().map(|r| r.0.clone()));
    let elapsed = started.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    if let Some(id) = request_id {
        tracing::info!(
            method = %method.0,
            route = %route.as_str(),
            status,
            ms = elapsed * 1000.0,
            request_id = %id.as_str(),
            "request"
        );
    }
    state.metrics.observe(method, route, status, elapsed);
    res
}

/// `GET /metrics`: Prometheus text format.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let body = state
        .metrics
        .render(state.query.pool_stats(), state.intake.bounces_ignored());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
}
