//! The typed settings (checked by `validate`).

use secrecy::SecretString;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

/// Every setting of the daemon; see `config/faultcast.toml` for what each key means.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub email: EmailSettings,
    pub sms: SmsSettings,
    pub delivery: DeliverySettings,
    pub schedule: ScheduleSettings,
    pub housekeeping: HousekeepingSettings,
    pub services: ServicesSettings,
    #[serde(default)]
    pub templates: TemplatesSettings,
    #[serde(default)]
    pub notices: NoticesSettings,
    pub limits: LimitSettings,
    pub console: ConsoleSettings,
    #[serde(default)]
    pub links: LinkSettings,
    #[serde(default)]
    pub reach: ReachSettings,
    #[serde(default)]
    pub bounces: BounceSettings,
    #[serde(default)]
    pub intake: super::IntakeSettings,
    pub log: LogSettings,
}

/// Signed links in messages.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSettings {
    /// The secret that signs them (32 characters or more); absent, the first daemon makes
    /// one and keeps it in the database for all.
    pub secret: Option<SecretString>,
}

/// Bounces taken over LMTP.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BounceSettings {
    /// Where to listen for LMTP (e.g. `127.0.0.1:8024`); empty: no listener.
    pub listen: String,
    /// Hard bounces in a row after which a contact is undeliverable.
    pub hard_limit: u32,
}

impl Default for BounceSettings {
    fn default() -> Self {
        Self {
            listen: String::new(),
            hard_limit: 2,
        }
    }
}

/// Reach of critical faults and instructions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReachSettings {
    /// Minutes after publication an organisation that has not acknowledged is escalated
    /// (once); 0 turns escalation off.
    pub escalate_after_minutes: u32,
}

impl Default for ReachSettings {
    fn default() -> Self {
        Self {
            escalate_after_minutes: 30,
        }
    }
}

impl ReachSettings {
    /// When to escalate, if at all.
    pub fn escalate_after(&self) -> Option<chrono::Duration> {
        (self.escalate_after_minutes > 0)
            .then(|| chrono::Duration::minutes(i64::from(self.escalate_after_minutes)))
    }
}

/// The operator console's sessions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleSettings {
    /// Minutes without a request after which a session ends.
    pub session_idle_minutes: u32,
    /// Hours after sign-in after which a session ends, however busy.
    pub session_max_hours: u32,
    /// Minutes a sign-in link from `faultcast login-link` stays valid.
    pub link_valid_minutes: u32,
    /// Sign-in through the operator's OpenID Connect provider; absent, only sign-in links.
    pub oidc: Option<OidcSettings>,
}

/// The operator's OpenID Connect provider (authorization code flow with PKCE).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    /// The issuer URL; its `/.well-known/openid-configuration` is read at each sign-in.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Scopes asked besides `openid` (which is always asked).
    #[serde(default, deserialize_with = "words")]
    pub scopes: Vec<String>,
    /// The claim (of the ID token, else of the userinfo answer) that makes an operator…
    pub operator_claim: String,
    /// …when it is, or (a list) contains, one of these values.
    #[serde(deserialize_with = "words")]
    pub operator_values: Vec<String>,
    /// The provider's name on the sign-in button, e.g. "Kela ID".
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A list given as a TOML array, or as one text of comma- or space-separated words (as an
/// environment variable gives it).
fn words<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Words {
        One(String),
        Many(Vec<String>),
    }
    let list = match Words::deserialize(d)? {
        Words::One(s) => s
            .split([',', ' '])
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect(),
        Words::Many(v) => v,
    };
    Ok(list)
}

/// Request allowances per caller: `*_per_second` sustained, `*_burst` at once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    pub token_per_second: u32,
    pub token_burst: u32,
    pub client_per_second: u32,
    pub client_burst: u32,
    pub auth_failures_per_second: u32,
    pub auth_failures_burst: u32,
    pub receipts_per_second: u32,
    pub receipts_burst: u32,
    pub health_per_second: u32,
    pub health_burst: u32,
}

impl LimitSettings {
    /// Every allowance as (key prefix, per second, burst).
    pub fn all(&self) -> [(&'static str, u32, u32); 5] {
        [
            ("token", self.token_per_second, self.token_burst),
            ("client", self.client_per_second, self.client_burst),
            (
                "auth_failures",
                self.auth_failures_per_second,
                self.auth_failures_burst,
            ),
            ("receipts", self.receipts_per_second, self.receipts_burst),
            ("health", self.health_per_second, self.health_burst),
        ]
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    pub public_url: String,
    pub environment: Environment,
    pub shutdown_grace_secs: u64,
    pub header_timeout_secs: u64,
    pub idle_timeout_secs: u64,
    pub body_timeout_secs: u64,
    pub send_timeout_secs: u64,
    pub max_connections: u32,
    /// Reverse proxies in front of the daemon, whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<IpAddr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// May carry a password, so it is a secret.
    pub url: SecretString,
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub transport: EmailTransport,
    pub from: String,
    /// The envelope sender's base for VERP (`bounces@example.fi` sends as
    /// `bounces+<code>@example.fi`); empty: the From address, bounces not tracked.
    #[serde(default)]
    pub bounce_address: String,
    pub file: DirSettings,
    pub smtp: SmtpSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    Smtp,
    File,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirSettings {
    pub dir: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: Option<String>,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// PEM file of extra CAs to trust for the relay's certificate (a private CA).
    pub ca_file: Option<PathBuf>,
    pub pool_size: u32,
    pub timeout_secs: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    Starttls,
    Implicit,
    None,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    pub gateway: SmsGateway,
    pub sender_id: String,
    pub file: DirSettings,
    pub http: SmsHttpSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsGateway {
    Http,
    File,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsHttpSettings {
    pub profile: SmsProfile,
    pub url: Option<String>,
    pub token: Option<SecretString>,
    /// Shared secret that signs delivery receipts (gatewayapi: the JWT secret; generic:
    /// HMAC-SHA256 of the body). Twilio receipts are signed with the auth token instead.
    pub receipt_secret: Option<SecretString>,
    pub messages_per_second: u32,
    /// Requests to the gateway in flight at once.
    pub max_in_flight: u32,
    pub timeout_secs: u64,
}

crate::codes::code_enum! {
    /// The SMS provider whose protocol the HTTP gateway speaks (`crate::gateways`).
    pub enum SmsProfile {
        Gatewayapi = "gatewayapi",
        Twilio = "twilio",
        Generic = "generic",
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    pub workers: u32,
    pub lease_secs: u64,
    pub retry_base_secs: u64,
    pub retry_cap_secs: u64,
    pub max_age_hours: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSettings {
    pub timezone: String,
    pub announce_days_before: u32,
    pub reminder_time: String,
    /// Email everyone when a maintenance window starts and ends (the page always shows it).
    pub transition_email: bool,
    /// Longest sleep of the scheduler between two looks for due steps.
    pub poll_secs: u64,
}

/// Cron housekeeping: each job's expression (empty: off) and its parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HousekeepingSettings {
    pub contact_review: String,
    pub contact_review_months: u32,
    pub overdue_updates: String,
    pub unreachable_report: String,
    pub purge: String,
    pub delivery_retention_days: u32,
    pub operator_emails: Vec<String>,
    /// Sends the verification link of each new or changed email address.
    #[serde(default = "every_five_minutes")]
    pub verify_addresses: String,
}

fn every_five_minutes() -> String {
    "0 */5 * * * *".to_owned()
}

impl HousekeepingSettings {
    /// The jobs as (key, expression), those switched off left out.
    pub fn jobs(&self) -> Vec<(&'static str, &str)> {
        [
            ("contact_review", self.contact_review.as_str()),
            ("overdue_updates", self.overdue_updates.as_str()),
            ("unreachable_report", self.unreachable_report.as_str()),
            ("purge", self.purge.as_str()),
            ("verify_addresses", self.verify_addresses.as_str()),
        ]
        .into_iter()
        .filter(|(_, e)| !e.trim().is_empty())
        .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesSettings {
    pub file: PathBuf,
}

/// `[notices]`: how notices are published.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticesSettings {
    /// Which notices a second operator must approve: `off`, `critical`, `all`.
    #[serde(default)]
    pub approval: crate::notices::Approval,
}

/// `[templates]`: where the notice templates are read from.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatesSettings {
    /// A directory of `*.toml` template files; empty: the built-in set.
    pub dir: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}
