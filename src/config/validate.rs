//! Checks of the settings that their types alone cannot make; each error names the key.

use super::settings::*;
use std::net::IpAddr;

impl Settings {
    /// Checks what types alone cannot; the error names the key.
    pub fn validate(&self) -> Result<(), String> {
        self.check_server_and_database()?;
        self.check_email()?;
        self.check_housekeeping()?;
        self.check_sending()?;
        self.intake.validate()?;
        self.check_delivery_and_schedule()
    }

    /// The public URL, the database URL, the server's timeouts and limits, the pool.
    fn check_server_and_database(&self) -> Result<(), String> {
        use secrecy::ExposeSecret;
        let url = url::Url::parse(&self.server.public_url)
            .map_err(|e| format!("server.public_url: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("server.public_url: must be an http:// or https:// URL".into());
        }
        let db = self.database.url.expose_secret();
        if !(db.starts_with("sqlite:")
            || db.starts_with("postgres://")
            || db.starts_with("postgresql://"))
        {
            return Err("database.url: must start with sqlite:// or postgres://".into());
        }
        let sv = &self.server;
        positive("server.header_timeout_secs", sv.header_timeout_secs)?;
        positive("server.idle_timeout_secs", sv.idle_timeout_secs)?;
        positive("server.body_timeout_secs", sv.body_timeout_secs)?;
        positive("server.send_timeout_secs", sv.send_timeout_secs)?;
        positive("server.max_connections", sv.max_connections.into())?;
        for (name, per_second, burst) in self.limits.all() {
            positive(&format!("limits.{name}_per_second"), per_second.into())?;
            positive(&format!("limits.{name}_burst"), burst.into())?;
        }
        positive(
            "database.max_connections",
            self.database.max_connections.into(),
        )?;
        positive(
            "database.acquire_timeout_secs",
            self.database.acquire_timeout_secs,
        )?;
        Ok(())
    }

    /// The sender address, the transports allowed in production, the SMTP relay.
    fn check_email(&self) -> Result<(), String> {
        crate::registry::EmailAddress::parse(mailbox_address(&self.email.from))
            .map_err(|e| format!("email.from: the address {e}"))?;
        let bounce = self.email.bounce_address.trim();
        if !bounce.is_empty() {
            crate::registry::EmailAddress::parse(bounce)
                .map_err(|e| format!("email.bounce_address: {e}"))?;
            if bounce
                .split('@')
                .next()
                .is_some_and(|local| local.contains('+'))
            {
                return Err(
                    "email.bounce_address: must have no '+' (faultcast adds +<code> to it)".into(),
                );
            }
        }
        let production = self.server.environment == Environment::Production;
        if production && self.email.transport == EmailTransport::File {
            return Err(
                "email.transport: the file transport is for development; production needs smtp"
                    .into(),
            );
        }
        if production && self.sms.gateway == SmsGateway::File {
            return Err(
                "sms.gateway: the file gateway is for development; production needs http".into(),
            );
        }
        if self.email.transport == EmailTransport::Smtp {
            let host = self
                .email
                .smtp
                .host
                .as_deref()
                .filter(|h| !h.trim().is_empty());
            let host =
                host.ok_or("email.smtp.host: is required when email.transport = \"smtp\"")?;
            if self.email.smtp.tls == SmtpTls::None && !is_loopback(host) {
                return Err("email.smtp.tls: \"none\" is allowed only to a loopback host (localhost, 127.0.0.1, ::1)".into());
            }
            if self.email.smtp.username.is_some() != self.email.smtp.password.is_some() {
                return Err("email.smtp.password: username and password go together".into());
            }
            if let Some(path) = &self.email.smtp.ca_file {
                let pem = std::fs::read_to_string(path).map_err(|e| {
                    format!("email.smtp.ca_file: cannot read {}: {e}", path.display())
                })?;
                if !pem.contains("-----BEGIN CERTIFICATE-----") {
                    return Err(format!(
                        "email.smtp.ca_file: {} holds no PEM certificate",
                        path.display()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The scheduler's poll, the housekeeping jobs and whom they report to.
    fn check_housekeeping(&self) -> Result<(), String> {
        positive("schedule.poll_secs", self.schedule.poll_secs)?;
        let h = &self.housekeeping;
        for (key, expr) in h.jobs() {
            expr.parse::<cron::Schedule>().map_err(|e| {
                format!("housekeeping.{key}: not a cron expression (sec min hour day month weekday): {e}")
            })?;
        }
        positive(
            "housekeeping.contact_review_months",
            h.contact_review_months.into(),
        )?;
        positive(
            "housekeeping.delivery_retention_days",
            h.delivery_retention_days.into(),
        )?;
        for (i, a) in h.operator_emails.iter().enumerate() {
            crate::registry::EmailAddress::parse(a)
                .map_err(|e| format!("housekeeping.operator_emails[{i}]: the address {e}"))?;
        }
        Ok(())
    }

    /// The SMTP pool and the SMS gateway.
    fn check_sending(&self) -> Result<(), String> {
        positive("email.smtp.pool_size", self.email.smtp.pool_size.into())?;
        positive("email.smtp.timeout_secs", self.email.smtp.timeout_secs)?;
        valid_sender_id(&self.sms.sender_id).map_err(|e| format!("sms.sender_id: {e}"))?;
        if self.sms.gateway == SmsGateway::Http {
            let u = self
                .sms
                .http
                .url
                .as_deref()
                .ok_or("sms.http.url: is required when sms.gateway = \"http\"")?;
            url::Url::parse(u).map_err(|e| format!("sms.http.url: {e}"))?;
        }
        positive(
            "sms.http.messages_per_second",
            self.sms.http.messages_per_second.into(),
        )?;
        positive("sms.http.max_in_flight", self.sms.http.max_in_flight.into())?;
        positive("sms.http.timeout_secs", self.sms.http.timeout_secs)?;
        Ok(())
    }

    /// The delivery workers and retries, the reminder time zone and hour, the log filter.
    fn check_delivery_and_schedule(&self) -> Result<(), String> {
        positive("delivery.workers", self.delivery.workers.into())?;
        positive("delivery.lease_secs", self.delivery.lease_secs)?;
        positive("delivery.retry_base_secs", self.delivery.retry_base_secs)?;
        if self.delivery.retry_cap_secs < self.delivery.retry_base_secs {
            return Err(
                "delivery.retry_cap_secs: must be at least delivery.retry_base_secs".into(),
            );
        }
        positive("delivery.max_age_hours", self.delivery.max_age_hours)?;
        let c = &self.console;
        positive(
            "console.session_idle_minutes",
            c.session_idle_minutes.into(),
        )?;
        positive("console.session_max_hours", c.session_max_hours.into())?;
        positive("console.link_valid_minutes", c.link_valid_minutes.into())?;
        if let Some(o) = &c.oidc {
            check_oidc(o)?;
        }
        if let Some(s) = &self.links.secret {
            use secrecy::ExposeSecret;
            if s.expose_secret().chars().count() < 32 {
                return Err("links.secret: must be at least 32 characters".into());
            }
        }
        self.schedule
            .timezone
            .parse::<chrono_tz::Tz>()
            .map_err(|_| {
                format!(
                    "schedule.timezone: `{}` is not an IANA time zone",
                    self.schedule.timezone
                )
            })?;
        chrono::NaiveTime::parse_from_str(&self.schedule.reminder_time, "%H:%M")
            .map_err(|_| "schedule.reminder_time: must be HH:MM, e.g. 09:00".to_owned())?;
        tracing_subscriber::EnvFilter::try_new(&self.log.level)
            .map_err(|e| format!("log.level: {e}"))?;
        Ok(())
    }

    /// True when the database is SQLite.
    pub fn uses_sqlite(&self) -> bool {
        use secrecy::ExposeSecret;
        self.database.url.expose_secret().starts_with("sqlite:")
    }
}

/// The provider must be reached over https (or on this host, for a test provider), and
/// someone must be able to be an operator.
fn check_oidc(o: &super::settings::OidcSettings) -> Result<(), String> {
    let issuer = url::Url::parse(&o.issuer).map_err(|e| format!("console.oidc.issuer: {e}"))?;
    let loopback = matches!(
        issuer.host_str(),
        Some("127.0.0.1" | "::1" | "[::1]" | "localhost")
    );
    if issuer.scheme() != "https" && !(issuer.scheme() == "http" && loopback) {
        return Err("console.oidc.issuer: must be an https:// URL".into());
    }
    if o.client_id.trim().is_empty() {
        return Err("console.oidc.client_id: must not be empty".into());
    }
    if o.operator_claim.trim().is_empty() {
        return Err("console.oidc.operator_claim: must name a claim, e.g. groups".into());
    }
    if o.operator_values.is_empty() {
        return Err("console.oidc.operator_values: must list at least one value".into());
    }
    Ok(())
}

fn positive(key: &str, v: u64) -> Result<(), String> {
    if v == 0 {
        Err(format!("{key}: must be greater than 0"))
    } else {
        Ok(())
    }
}

/// The address part of `Name <addr>` or a bare address.
fn mailbox_address(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from,
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An alphanumeric sender ID (3–11 of `0-9 A-Z a-z`, single inner spaces) or an E.164 number.
pub fn valid_sender_id(s: &str) -> Result<(), String> {
    if let Some(digits) = s.strip_prefix('+') {
        if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(());
        }
        return Err("an E.164 sender must be + and 8-15 digits".into());
    }
    let ok = (3..=11).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ");
    if ok {
        Ok(())
    } else {
        Err("must be 3-11 of 0-9 A-Z a-z with single inner spaces, or an E.164 number".into())
    }
}
