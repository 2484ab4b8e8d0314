//! `spawn_app`: the production wiring on port 0 with a temp database.

use faultcast::access::Actor;
use faultcast::app::App;
use faultcast::clock::{Clock, ManualClock};
use faultcast::intake::{Intake, NewToken};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running faultcast and a client for it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub intake: Intake,
    pub clock: Arc<ManualClock>,
    /// An operator token made with the CLI's rights.
    pub operator: String,
    pub dir: tempfile::TempDir,
    pub backend: Backend,
    /// The database URL (a file path for SQLite).
    pub database_url: String,
    /// The delivery engine; tests drive it with `drain()` instead of background workers.
    pub deliverer: std::sync::Arc<faultcast::delivery::Deliverer>,
    /// The scheduler; tests drive it with `tick()`.
    pub scheduler: faultcast::schedule::Scheduler,
    /// The LMTP listener for bounces, when `[bounces] listen` was given.
    pub lmtp: Option<SocketAddr>,
    shutdown: CancellationToken,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// An answer: status, headers and body (JSON when it parses, else `Value::String`).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// The `field` names of a problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Settings as the daemon would load them, pointed at a temp dir and `database_url`.
pub fn settings(dir: &std::path::Path, database_url: &str) -> faultcast::config::Settings {
    settings_with(dir, database_url, &[])
}

/// `settings` with extra `FAULTCAST__…` variables.
pub fn settings_with(
    dir: &std::path::Path,
    database_url: &str,
    extra: &[(&str, String)],
) -> faultcast::config::Settings {
    let root = env!("CARGO_MANIFEST_DIR");
    let env = vec![
        (
            "FAULTCAST__DATABASE__URL".to_owned(),
            database_url.to_owned(),
        ),
        (
            "FAULTCAST__SERVER__LISTEN".to_owned(),
            "127.0.0.1:0".to_owned(),
        ),
        (
            "FAULTCAST__EMAIL__FILE__DIR".to_owned(),
            dir.join("outbox/email").display().to_string(),
        ),
        (
            "FAULTCAST__SMS__FILE__DIR".to_owned(),
            dir.join("outbox/sms").display().to_string(),
        ),
        (
            "FAULTCAST__SERVER__SHUTDOWN_GRACE_SECS".to_owned(),
            "5".to_owned(),
        ),
    ];
    // The clock stands still in these tests, so the allowances never refill: they are set
    // out of reach here, and the rate-limit tests set their own.
    let unlimited = ["TOKEN", "CLIENT", "AUTH_FAILURES", "RECEIPTS", "HEALTH"]
        .into_iter()
        .flat_map(|k| {
            [
                (
                    format!("FAULTCAST__LIMITS__{k}_PER_SECOND"),
                    "1000000".to_owned(),
                ),
                (
                    format!("FAULTCAST__LIMITS__{k}_BURST"),
                    "1000000".to_owned(),
                ),
            ]
        });
    let env = env.into_iter().chain(unlimited).collect::<Vec<_>>();
    let env = env
        .into_iter()
        .chain(extra.iter().map(|(k, v)| (k.to_string(), v.clone())))
        .collect::<Vec<_>>();
    faultcast::config::load(
        Some(std::path::Path::new(&format!(
            "{root}/config/faultcast.toml"
        ))),
        env,
    )
    .expect("test settings load")
}

/// A database URL of the backend, or `None` (test skipped) when PostgreSQL is unavailable.
pub async fn database_url(backend: Backend, dir: &std::path::Path) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(format!("sqlite://{}", dir.join("faultcast.db").display())),
        Backend::Postgres => super::postgres::fresh_database().await,
    }
}

/// Starts the app on `backend`; `None` if that backend is unavailable here.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// Like `spawn_app`, with extra `FAULTCAST__…` settings (e.g. an SMTP sink).
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, String)]) -> Option<TestApp> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    spawn_app_on(listener, backend, extra).await
}

/// Like `spawn_app_with`, serving on `listener` (bound first, when the settings need the
/// address, e.g. as `server.public_url`).
pub async fn spawn_app_on(
    listener: tokio::net::TcpListener,
    backend: Backend,
    extra: &[(&str, String)],
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = database_url(backend, dir.path()).await?;
    Some(start(listener, backend, dir, database_url, extra).await)
}

/// A second daemon on `first`'s database (another node), with its own address and files.
pub async fn spawn_node_of(first: &TestApp) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let dir = tempfile::tempdir().expect("temp dir");
    start(
        listener,
        first.backend,
        dir,
        first.database_url.clone(),
        &[],
    )
    .await
}

async fn start(
    listener: tokio::net::TcpListener,
    backend: Backend,
    dir: tempfile::TempDir,
    database_url: String,
    extra: &[(&str, String)],
) -> TestApp {
    let settings = settings_with(dir.path(), &database_url, extra);
    let clock = Arc::new(ManualClock::new(chrono::SubsecRound::trunc_subsecs(
        chrono::Utc::now(),
        6,
    )));
    let app = App::build(&settings, clock.clone() as Arc<dyn Clock>)
        .await
        .expect("app builds")
        .without_workers();
    let intake = app.intake().clone();
    let deliverer = app.deliverer();
    let scheduler = app.scheduler();
    let lmtp = app.lmtp_addr();
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(app.serve(listener, shutdown.clone()));
    let req = NewToken {
        role: Some("operator".into()),
        label: Some("test operator".into()),
        ..Default::default()
    };
    let (_, issued) = intake
        .create_token(&Actor::cli(), req, None)
        .await
        .expect("operator token");
    TestApp {
        addr,
        http: reqwest::Client::new(),
        intake,
        clock,
        operator: issued.reveal().to_owned(),
        dir,
        backend,
        database_url,
        deliverer,
        scheduler,
        lmtp,
        shutdown,
        server: Some(server),
    }
}

impl TestApp {
    /// `http://addr{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        answer(req.send().await.expect("request sent")).await
    }

    /// A request without a token (the public API).
    pub async fn public_get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None, None).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Answer {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Sends raw bytes with a content type.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        answer(req.send().await.expect("request sent")).await
    }

    /// Registers an organisation using `services`; returns its id.
    pub async fn organisation(
        &self,
        name: &str,
        business_id: &str,
        audience: &str,
        services: &[&str],
    ) -> String {
        let a = self
            .post(
                "/api/v1/organisations",
                &self.operator.clone(),
                serde_json::json!({"name": name, "business_id": business_id, "audience": audience, "services": services}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body["id"].as_str().unwrap().to_owned()
    }

    /// A pharmacy using the Prescription Centre (the usual recipient of the delivery tests).
    pub async fn pharmacy(&self) -> String {
        self.organisation(
            "Apteekki",
            "0112038-9",
            "pharmacy",
            &["prescription-centre"],
        )
        .await
    }

    /// Creates an org_admin token for `org`.
    pub async fn org_admin(&self, org: &str) -> String {
        let a = self
            .post(
                "/api/v1/tokens",
                &self.operator.clone(),
                serde_json::json!({"role": "org_admin", "org_id": org, "label": "admin"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body["token"].as_str().unwrap().to_owned()
    }

    /// Stops the server the way SIGTERM does and waits for it.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(s) = self.server.take() {
            s.await.expect("server task").expect("server stops cleanly");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
    Answer {
        status,
        headers,
        body,
        text,
    }
}
