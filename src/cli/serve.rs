//! `faultcast serve`.

use crate::app::{App, cancel_on_signals};
use crate::clock::SystemClock;
use crate::config::{EmailTransport, Settings, SmsGateway};
use anyhow::Context;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Runs the daemon until SIGTERM or Ctrl-C.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    crate::telemetry::init(&settings.log);
    let shutdown = CancellationToken::new();
    cancel_on_signals(shutdown.clone())?;
    let app = App::build(&settings, Arc::new(SystemClock)).await?;
    let listener = tokio::net::TcpListener::bind(settings.server.listen)
        .await
        .with_context(|| format!("server.listen: cannot bind {}", settings.server.listen))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    tracing::info!(%addr, summary = %summary(&settings), "faultcast listening on http://{addr}");
    app.serve(listener, shutdown).await
}

/// A one-line description of the configuration, without secrets.
pub fn summary(s: &Settings) -> String {
    let db = if s.uses_sqlite() {
        "sqlite"
    } else {
        "postgres"
    };
    let email = match s.email.transport {
        EmailTransport::File => format!("email to files in {}", s.email.file.dir.display()),
        EmailTransport::Smtp => format!(
            "email via {}:{}",
            s.email.smtp.host.as_deref().unwrap_or("?"),
            s.email.smtp.port
        ),
    };
    let sms = match s.sms.gateway {
        SmsGateway::File => format!("sms to files in {}", s.sms.file.dir.display()),
        SmsGateway::Http => format!("sms via the {} gateway", s.sms.http.profile),
    };
    format!(
        "database {db}; {email}; {sms}; public url {}",
        s.server.public_url
    )
}
