//! The composition root: builds every part from the settings and owns their lifecycle.

use crate::access::SessionRules;
use crate::clock::Clock;
use crate::config::Settings;
use crate::delivery::{Backoff, Deliverer, DelivererConfig, EmailChannel, SmsChannel};
use crate::http::{
    AppParts, AppState, LimitRates, Metrics, Rate, RateLimits, ServerLimits, Timeouts, router,
};
use crate::intake::Intake;
use crate::notices::PlanRules;
use crate::publish::OutputCache;
use crate::query::Query;
use crate::registry::Catalogue;
use crate::schedule::{Housekeeping, Scheduler};
use crate::store::Store;
use anyhow::Context;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// A built application, ready to serve.
pub struct App {
    state: AppState,
    store: Store,
    grace: Duration,
    limits: ServerLimits,
    deliverer: Arc<Deliverer>,
    /// The scheduler's longest sleep.
    poll: Duration,
    housekeeping: Arc<Housekeeping>,
    /// Background delivery workers run unless a test drives them itself.
    run_workers: bool,
    /// Where bounces come in over LMTP (`[bounces] listen`), bound at build.
    lmtp: Option<TcpListener>,
}

/// The service catalogue: the file named by `services.file`, or the built-in one.
pub fn load_catalogue(settings: &Settings) -> anyhow::Result<Catalogue> {
    let path = &settings.services.file;
    if path.as_os_str().is_empty() {
        return Catalogue::built_in()
            .map_err(|e| anyhow::anyhow!("the built-in service catalogue: {e}"));
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("services.file: cannot read {}", path.display()))?;
    Catalogue::from_toml(&text)
        .map_err(|e| anyhow::anyhow!("services.file {}: {e}", path.display()))
}

/// The notice templates of `templates.dir` (or the built-in set), each checked.
pub fn load_templates(
    settings: &Settings,
    catalogue: &Catalogue,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<crate::templates::TemplateFile>> {
    crate::templates::load_files(&settings.templates.dir, catalogue, now)
        .map_err(|e| anyhow::anyhow!("templates: {e}"))
}

/// What one client may hold of the server (`[server]`, validated at load).
fn server_limits(s: &crate::config::ServerSettings) -> ServerLimits {
    ServerLimits {
        timeouts: Timeouts {
            header: Duration::from_secs(s.header_timeout_secs),
            idle: Duration::from_secs(s.idle_timeout_secs),
            body: Duration::from_secs(s.body_timeout_secs),
            send: Duration::from_secs(s.send_timeout_secs),
        },
        max_connections: s.max_connections as usize,
    }
}

/// The request allowances of `[limits]` (validated at load).
fn rate_limits(settings: &Settings) -> RateLimits {
    let l = &settings.limits;
    let rate = |per_second, burst| Rate { per_second, burst };
    RateLimits::new(
        LimitRates {
            token: rate(l.token_per_second, l.token_burst),
            client: rate(l.client_per_second, l.client_burst),
            auth_failures: rate(l.auth_failures_per_second, l.auth_failures_burst),
            receipts: rate(l.receipts_per_second, l.receipts_burst),
            health: rate(l.health_per_second, l.health_burst),
        },
        settings.server.trusted_proxies.clone(),
    )
}

/// The maintenance timing rules of `[schedule]` (validated at load).
/// How long console sessions and sign-in links last.
pub fn session_rules(settings: &Settings) -> SessionRules {
    let c = &settings.console;
    SessionRules {
        idle: chrono::Duration::minutes(c.session_idle_minutes.into()),
        max_age: chrono::Duration::hours(c.session_max_hours.into()),
        link_valid: chrono::Duration::minutes(c.link_valid_minutes.into()),
    }
}

fn plan_rules(settings: &Settings) -> anyhow::Result<PlanRules> {
    let s = &settings.schedule;
    Ok(PlanRules {
        tz: s
            .timezone
            .parse()
            .map_err(|_| anyhow::anyhow!("schedule.timezone: not an IANA time zone"))?,
        announce_days_before: s.announce_days_before,
        at: chrono::NaiveTime::parse_from_str(&s.reminder_time, "%H:%M")
            .context("schedule.reminder_time")?,
        transition_email: s.transition_email,
    })
}

/// Connects to the configured database and applies migrations.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::connect(
        &settings.database.url,
        settings.database.max_connections,
        Duration::from_secs(settings.database.acquire_timeout_secs),
    )
    .await?;
    store.migrate().await?;
    match store.durability().await {
        Ok(settings) => tracing::info!(dialect = ?store.dialect(), ?settings, "database ready"),
        Err(e) => tracing::warn!(error = %e, "cannot read the database's durability settings"),
    }
    Ok(store)
}

/// The key that signs links in messages: the configured secret, else the one kept in the
/// database (made by the first daemon to start).
async fn link_key(
    settings: &Settings,
    store: &Store,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<crate::access::LinkKey> {
    use secrecy::ExposeSecret;
    let secret = match &settings.links.secret {
        Some(s) => s.expose_secret().to_owned(),
        None => {
            let candidate = crate::access::BrowserSecret::generate()
                .map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            store
                .link_secret(candidate.reveal(), now)
                .await
                .context("the link secret")?
        }
    };
    crate::access::LinkKey::from_secret(&secret).map_err(|e| anyhow::anyhow!("links.secret: {e}"))
}

impl App {
    /// Loads the catalogue, opens and migrates the database, wires the use cases.
    pub async fn build(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let catalogue = Arc::new(load_catalogue(settings)?);
        let templates = load_templates(settings, &catalogue, clock.now_micros())?;
        let store = open_store(settings).await?;
        let max_age = chrono::Duration::hours(settings.delivery.max_age_hours as i64);
        let rules = plan_rules(settings)?;
        let outputs = Arc::new(OutputCache::default());
        let key = link_key(settings, &store, clock.now_micros()).await?;
        let intake = Intake::new(store.clone(), catalogue.clone(), clock.clone())
            .with_delivery(&settings.server.public_url, max_age)
            .with_plan_rules(rules.clone())
            .with_outputs(outputs.clone())
            .with_sessions(session_rules(settings))
            .with_link_key(key.clone())
            .with_hard_limit(settings.bounces.hard_limit)
            .with_report_rules(report_rules(&settings.intake))
            .with_approval(settings.notices.approval);
        let added = intake
            .sync_templates(&templates)
            .await
            .context("templates")?;
        tracing::info!(
            templates = templates.len(),
            new_versions = added,
            "notice templates ready"
        );
        let query = Query::new(store.clone(), catalogue.clone(), clock.clone());
        let counters = crate::observe::DeliveryCounters::default();
        let pauses = crate::observe::ChannelPauses::default();
        let deliverer = Arc::new(Deliverer::new(
            store.clone(),
            catalogue,
            clock.clone(),
            DelivererConfig {
                email: EmailChannel::from_settings(&settings.email)?,
                sms: SmsChannel::from_settings(&settings.sms)?,
                backoff: Backoff {
                    base: chrono::Duration::seconds(settings.delivery.retry_base_secs as i64),
                    cap: chrono::Duration::seconds(settings.delivery.retry_cap_secs as i64),
                },
                lease: chrono::Duration::seconds(settings.delivery.lease_secs as i64),
                max_age,
                workers: settings.delivery.workers,
                public_url: settings.server.public_url.clone(),
                counters: counters.clone(),
                plan_rules: rules.clone(),
                pauses: pauses.clone(),
                link_key: Some(key),
                bounce_address: settings.email.bounce_address.clone(),
            },
        ));
        let receipts = Arc::new(crate::http::SmsReceipts {
            profile: settings.sms.http.profile,
            provider: crate::gateways::provider(&settings.sms.http),
            public_url: settings.server.public_url.trim_end_matches('/').to_owned(),
        });
        let lmtp = match settings.bounces.listen.trim() {
            "" => None,
            listen => Some(
                TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("bounces.listen: cannot listen on {listen}"))?,
            ),
        };
        let housekeeping = Arc::new(
            Housekeeping::new(intake.clone(), &settings.housekeeping, rules.tz)?
                .with_escalation(settings.reach.escalate_after()),
        );
        let state = AppState::new(AppParts {
            intake,
            query,
            metrics: Arc::new(Metrics::new(&counters)),
            clock,
            receipts,
            outputs,
            limits: Arc::new(rate_limits(settings)),
            pauses,
            oidc: settings
                .console
                .oidc
                .as_ref()
                .map(|o| crate::oidc::Oidc::new(o, &settings.server.public_url).map(Arc::new))
                .transpose()?,
        });
        Ok(Self {
            state,
            store,
            grace: Duration::from_secs(settings.server.shutdown_grace_secs),
            limits: server_limits(&settings.server),
            deliverer,
            poll: Duration::from_secs(settings.schedule.poll_secs),
            housekeeping,
            run_workers: true,
            lmtp,
        })
    }

    /// The use cases, for tests and the CLI.
    pub fn intake(&self) -> &Intake {
        &self.state.intake
    }

    /// The scheduler, for tests that drive it round by round.
    pub fn scheduler(&self) -> Scheduler {
        Scheduler::new(self.state.intake.clone(), self.poll)
            .with_housekeeping(self.housekeeping.clone())
    }

    /// The delivery engine, for tests that drive it round by round.
    pub fn deliverer(&self) -> Arc<Deliverer> {
        self.deliverer.clone()
    }

    /// Serve without background workers (tests drive `deliverer().round()` and
    /// `scheduler().round()`).
    pub fn without_workers(mut self) -> Self {
        self.run_workers = false;
        self
    }

    /// Where the LMTP listener for bounces is bound, if there is one.
    pub fn lmtp_addr(&self) -> Option<std::net::SocketAddr> {
        self.lmtp.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Serves on `listener` and runs the delivery workers until `shutdown` is cancelled;
    /// then stops accepting and claiming, gives in-flight requests and sends the grace
    /// period, and closes the database.
    pub async fn serve(
        mut self,
        listener: TcpListener,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let tracker = TaskTracker::new();
        if let Some(lmtp) = self.lmtp.take() {
            tracing::info!(addr = ?lmtp.local_addr().ok(), "taking bounces over LMTP");
            tracker.spawn(crate::bounces::serve(
                lmtp,
                self.state.intake.clone(),
                shutdown.clone(),
            ));
        }
        let app = router(self.state.clone());
        let stop = shutdown.clone();
        let server = tracker.spawn(crate::http::serve(listener, app, self.limits, stop));
        if self.run_workers {
            let wake = self.state.intake.outbox_signal();
            tracker.spawn(self.deliverer.clone().run(wake, shutdown.clone()));
            tracker.spawn(watch_other_daemons(
                self.store.clone(),
                self.state.outputs.clone(),
                shutdown.clone(),
            ));
            let plans = self.state.intake.plan_signal();
            tracker.spawn(self.scheduler().run(plans, shutdown.clone()));
        }
        tracker.close();
        shutdown.cancelled().await;
        tracing::info!(grace_secs = self.grace.as_secs(), "shutting down");
        if tokio::time::timeout(self.grace, tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!("in-flight requests did not finish within the grace period");
            server.abort();
        }
        self.store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// How soon a change made by another daemon on the same database shows on this one's
/// public outputs (changes made here show at once).
const OTHER_DAEMONS_POLL: Duration = Duration::from_secs(1);

/// Marks the public outputs stale when the notices changed on another daemon.
async fn watch_other_daemons(store: Store, outputs: Arc<OutputCache>, shutdown: CancellationToken) {
    let mut seen = None;
    loop {
        if let Ok(marker) = store.notices_marker().await {
            if seen.is_some_and(|s| s != marker) {
                outputs.changed();
            }
            seen = Some(marker);
        }
        tokio::select! {
            _ = tokio::time::sleep(OTHER_DAEMONS_POLL) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// Cancels `token` on SIGTERM or Ctrl-C (SIGINT). The handlers are installed before this
/// returns, so a signal that arrives right after start-up is not missed.
pub fn cancel_on_signals(token: CancellationToken) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
        let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
        tokio::spawn(async move {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM received"),
                _ = int.recv() => tracing::info!("SIGINT received"),
            }
            token.cancel();
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        token.cancel();
    });
    Ok(())
}

/// `[intake]` as the use cases take it.
fn report_rules(s: &crate::config::IntakeSettings) -> crate::intake::ReportRules {
    crate::intake::ReportRules {
        phone: s.phone.clone(),
        on_duty_emails: s.on_duty_emails.clone(),
        on_duty_phones: s
            .on_duty_phones
            .iter()
            // Checked at start-up; the E.164 form is what the gateway takes.
            .filter_map(|p| crate::registry::PhoneNumber::parse(p).ok())
            .map(|p| p.as_str().to_owned())
            .collect(),
        cluster: crate::store::ClusterRule {
            organisations: s.cluster_orgs as usize,
            window: s.cluster_window(),
        },
        incident_pages: s
            .incident_links
            .iter()
            .map(|l| crate::fault_reports::IncidentPage {
                name: l.name.clone(),
                url: l.url.clone(),
            })
            .collect(),
    }
}
