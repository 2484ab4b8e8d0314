//! Logging: human-readable or JSON lines on stderr. Personal data never reaches a log:
//! the registry's newtypes mask themselves in `Debug`, and requests are logged by route
//! template, never by raw path or query.

use crate::config::{LogFormat, LogSettings};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; `RUST_LOG`, when set, wins over `log.level`.
pub fn init(log: &LogSettings) {
    let mut filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&log.level));
    // The SMTP client logs every command it writes — recipients' addresses, and AUTH with
    // the relay's password in base64 — whatever level is asked for: never.
    if let Ok(quiet) = "async_smtp=off".parse() {
        filter = filter.add_directive(quiet);
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // A second call (tests, CLI sub-commands) keeps the first subscriber.
    let _ = match log.format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
