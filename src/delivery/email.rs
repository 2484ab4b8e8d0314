//! Email over SMTP (lettre), or to `.eml` files for development.

pub use super::content::EmailContent;
use super::error::SendError;
use super::smtp_pool::{RelayTls, SmtpPool, SmtpSecurity};
use crate::config::{EmailSettings, EmailTransport, SmtpSettings, SmtpTls};
use async_smtp::authentication::Credentials;
use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// One email to one address.
#[derive(Clone, Debug)]
pub struct OutgoingEmail {
    pub to: String,
    /// The envelope sender (VERP), when not the From address.
    pub return_path: Option<String>,
    /// Our stable id for this (revision, address): a duplicate send carries the same one.
    pub message_id: String,
    pub language: &'static str,
    pub content: Arc<EmailContent>,
    /// The recipient's own link (acknowledgement), where `content` leaves room for it.
    pub own_link: Option<String>,
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no vacation replies to notices.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `Content-Language` of the message.
#[derive(Clone)]
struct ContentLanguage(&'static str);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self("fi"))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_owned())
    }
}

/// Where email goes.
#[derive(Clone)]
pub enum EmailChannel {
    /// One `.eml` file per message in a directory (development).
    File { dir: PathBuf, from: Mailbox },
    /// An SMTP relay with a connection pool.
    Smtp {
        pool: Arc<SmtpPool>,
        from: Mailbox,
        /// Bounds a whole send, greeting included (the transport's own per-command
        /// timeout does not cover a server that never greets).
        deadline: Duration,
    },
}

impl EmailChannel {
    /// Builds the channel from the settings (already validated).
    pub fn from_settings(s: &EmailSettings) -> anyhow::Result<Self> {
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("email.from: {e}"))?;
        Ok(match s.transport {
            EmailTransport::File => EmailChannel::File {
                dir: s.file.dir.clone(),
                from,
            },
            EmailTransport::Smtp => {
                let smtp = &s.smtp;
                let host = smtp.host.as_deref().unwrap_or_default();
                let security = match smtp.tls {
                    SmtpTls::Starttls => SmtpSecurity::Starttls(relay_tls(host, smtp)?),
                    SmtpTls::Implicit => SmtpSecurity::Implicit(relay_tls(host, smtp)?),
                    SmtpTls::None => SmtpSecurity::None,
                };
                let credentials = match (&smtp.username, &smtp.password) {
                    (Some(user), Some(pass)) => Some(Credentials::new(
                        user.clone(),
                        pass.expose_secret().to_owned(),
                    )),
                    _ => None,
                };
                let timeout = Duration::from_secs(smtp.timeout_secs);
                EmailChannel::Smtp {
                    pool: Arc::new(SmtpPool::new(
                        host,
                        smtp.port,
                        security,
                        credentials,
                        timeout,
                        smtp.pool_size,
                    )),
                    from,
                    deadline: Duration::from_secs(smtp.timeout_secs),
                }
            }
        })
    }

    fn from(&self) -> &Mailbox {
        match self {
            EmailChannel::File { from, .. } | EmailChannel::Smtp { from, .. } => from,
        }
    }

    /// Formats the message: multipart text + HTML, our Message-ID, Auto-Submitted.
    pub fn compose(&self, mail: &OutgoingEmail) -> Result<Message, SendError> {
        let to: Mailbox = mail.to.parse().map_err(|_| {
            SendError::Permanent("the recipient address is not valid for SMTP".into())
        })?;
        let mut builder = Message::builder();
        if let Some(rp) = &mail.return_path {
            let sender: lettre::Address = rp
                .parse()
                .map_err(|_| SendError::Config("email.bounce_address: not an address".into()))?;
            let envelope = lettre::address::Envelope::new(Some(sender), vec![to.email.clone()])
                .map_err(|e| SendError::Permanent(format!("cannot build the envelope: {e}")))?;
            builder = builder.envelope(envelope);
        }
        builder
            .from(self.from().clone())
            .to(to)
            .subject(mail.content.subject().to_owned())
            .message_id(Some(mail.message_id.clone()))
            .header(AutoSubmitted)
            .header(ContentLanguage(mail.language))
            .multipart(mail.content.body(mail.own_link.as_deref()))
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }

    /// Sends one message.
    #[tracing::instrument(skip_all, fields(message_id = %mail.message_id))]
    pub async fn send(&self, mail: &OutgoingEmail) -> Result<(), SendError> {
        let message = self.compose(mail)?;
        match self {
            EmailChannel::File { dir, .. } => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| SendError::Config(format!("email.file.dir: {e}")))?;
                let name: String = mail
                    .message_id
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                    .collect();
                let path = dir.join(format!("{name}.eml"));
                // As a receiving server records it, so that the envelope sender shows.
                let mut bytes = match &mail.return_path {
                    Some(rp) => format!("Return-Path: <{rp}>\r\n").into_bytes(),
                    None => Vec::new(),
                };
                bytes.extend(message.formatted());
                tokio::fs::write(&path, bytes)
                    .await
                    .map_err(|e| SendError::Transient(format!("writing the .eml file: {e}")))
            }
            EmailChannel::Smtp { pool, deadline, .. } => {
                let envelope = message.envelope();
                let from = envelope.from().map(|a| a.as_ref());
                let to = envelope
                    .to()
                    .first()
                    .map(|a| a.as_ref())
                    .unwrap_or_default();
                let send = pool.send(from, to, message.formatted());
                match tokio::time::timeout(*deadline, send).await {
                    Ok(result) => result,
                    Err(_) => Err(SendError::Transient(format!(
                        "SMTP: timed out after {} s",
                        deadline.as_secs()
                    ))),
                }
            }
        }
    }
}

/// TLS for the relay: the web PKI roots plus the CAs of `email.smtp.ca_file`; the
/// certificate must name `host`.
fn relay_tls(host: &str, smtp: &SmtpSettings) -> anyhow::Result<RelayTls> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &smtp.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            anyhow::anyhow!("email.smtp.ca_file: cannot read {}: {e}", path.display())
        })?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert =
                cert.map_err(|e| anyhow::anyhow!("email.smtp.ca_file: {}: {e}", path.display()))?;
            roots
                .add(cert)
                .map_err(|e| anyhow::anyhow!("email.smtp.ca_file: {}: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| anyhow::anyhow!("email.smtp.host: {e}"))?;
    Ok(RelayTls {
        config: Arc::new(config),
        name,
    })
}
