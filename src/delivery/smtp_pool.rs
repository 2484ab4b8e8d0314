//! SMTP connections to the relay, kept open and reused, speaking PIPELINING (RFC 2920)
//! when the relay announces it (Postfix and Microsoft 365 do): MAIL, RCPT and DATA go out
//! together and their replies are read in order, each classified on its own, so a message
//! costs two round trips instead of four. async-smtp speaks the protocol; we open the
//! sockets (with `TCP_NODELAY`: a message's last bytes must not wait for the relay's
//! delayed ACK) and run TLS with rustls.

use super::error::SendError;
use super::smtp_cork::{Corked, Io};
use async_smtp::authentication::{Credentials, Mechanism};
use async_smtp::commands::NoopCommand;
use async_smtp::error::Error as SmtpError;
use async_smtp::extension::ClientId;
use async_smtp::{EmailAddress, Envelope, SendableEmail, SmtpClient, SmtpTransport};
use rustls::pki_types::ServerName;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::BufStream;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// An idle connection is checked with NOOP before reuse after this long: relays close
/// idle sessions (Postfix after 300 s), and a dead one would fail a real message.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(5);
/// An idle connection older than this is closed rather than checked.
const DROP_AFTER_IDLE: Duration = Duration::from_secs(60);
/// AUTH mechanisms we offer, in order of preference (both need TLS in production).
const MECHANISMS: [Mechanism; 2] = [Mechanism::Plain, Mechanism::Login];

type Connection = SmtpTransport<BufStream<Corked>>;

/// TLS to the relay: trusted roots, and the name its certificate must carry.
#[derive(Clone)]
pub struct RelayTls {
    pub config: Arc<rustls::ClientConfig>,
    pub name: ServerName<'static>,
}

impl RelayTls {
    async fn wrap(&self, io: Box<dyn Io>) -> Result<Box<dyn Io>, SendError> {
        tokio_rustls::TlsConnector::from(self.config.clone())
            .connect(self.name.clone(), io)
            .await
            .map(|s| Box::new(s) as Box<dyn Io>)
            .map_err(|e| match tls_refused(&e) {
                true => SendError::Config(format!("SMTP: TLS handshake refused: {e}")),
                false => SendError::Transient(format!("SMTP: TLS handshake: {e}")),
            })
    }
}

/// How the connection to the relay is protected.
#[derive(Clone)]
pub enum SmtpSecurity {
    /// Plain SMTP (configuration allows it only to a loopback relay).
    None,
    /// STARTTLS, required: no STARTTLS offered means nothing is sent.
    Starttls(RelayTls),
    /// TLS from the first byte (port 465).
    Implicit(RelayTls),
}

/// Up to `size` open connections to one relay.
pub struct SmtpPool {
    host: String,
    port: u16,
    security: SmtpSecurity,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    slots: Semaphore,
    idle: Mutex<Vec<(Connection, Instant)>>,
}

impl SmtpPool {
    pub fn new(
        host: &str,
        port: u16,
        security: SmtpSecurity,
        credentials: Option<Credentials>,
        timeout: Duration,
        size: u32,
    ) -> Self {
        let name = hostname::get()
            .ok()
            .and_then(|h| h.into_string().ok())
            .filter(|h| !h.is_empty() && h.is_ascii());
        Self {
            host: host.to_owned(),
            port,
            security,
            credentials,
            timeout,
            hello: name.map(ClientId::Domain).unwrap_or_default(),
            slots: Semaphore::new(size.max(1) as usize),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Sends one message from `from` (the envelope sender, if any) to `to` on a pooled
    /// connection (opening one if none is idle). A connection that failed in any way is
    /// closed, never reused: after a refused recipient, pipelined replies are left unread.
    pub async fn send(
        &self,
        from: Option<&str>,
        to: &str,
        email: Vec<u8>,
    ) -> Result<(), SendError> {
        let address = |a: &str| {
            EmailAddress::new(a.to_owned())
                .map_err(|e| SendError::Permanent(format!("SMTP: cannot use the address: {e}")))
        };
        let envelope = Envelope::new(from.map(address).transpose()?, vec![address(to)?])
            .map_err(|e| SendError::Permanent(format!("SMTP: cannot build the envelope: {e}")))?;
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| SendError::Transient("SMTP: the pool is closed".into()))?;
        let mut conn = match self.checkout().await {
            Some(c) => c,
            None => self.connect().await?,
        };
        match conn.send(SendableEmail::new(envelope, email)).await {
            Ok(_) => {
                self.lock().push((conn, Instant::now()));
                Ok(())
            }
            Err(e) => Err(classify(e)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Connection, Instant)>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The most recently used idle connection that still answers.
    async fn checkout(&self) -> Option<Connection> {
        loop {
            let (mut conn, since) = self.lock().pop()?;
            let idle = since.elapsed();
            if idle < CHECK_AFTER_IDLE {
                return Some(conn);
            }
            if idle < DROP_AFTER_IDLE && conn.get_mut().command(NoopCommand).await.is_ok() {
                return Some(conn);
            }
        }
    }

    /// A new session: TCP without Nagle, TLS as configured, EHLO, AUTH. A 5xx before the
    /// first message (greeting, EHLO, STARTTLS, AUTH) is our configuration's fault.
    async fn connect(&self) -> Result<Connection, SendError> {
        let tcp = tokio::time::timeout(self.timeout, TcpStream::connect((&*self.host, self.port)))
            .await
            .map_err(|_| {
                SendError::Transient(format!(
                    "SMTP: connecting timed out after {} s",
                    self.timeout.as_secs()
                ))
            })?
            .map_err(|e| SendError::Transient(format!("SMTP: cannot connect: {e}")))?;
        tcp.set_nodelay(true)
            .map_err(|e| SendError::Transient(format!("SMTP: socket: {e}")))?;
        let tcp: Box<dyn Io> = Box::new(tcp);
        let io = match &self.security {
            SmtpSecurity::Implicit(tls) => tls.wrap(tcp).await?,
            _ => tcp,
        };
        let client = SmtpClient::new()
            .hello_name(self.hello.clone())
            .smtp_utf8(true);
        let mut conn = SmtpTransport::new(client, BufStream::new(Corked::new(io)))
            .await
            .map_err(opening)?;
        if let SmtpSecurity::Starttls(tls) = &self.security {
            let plain = conn.starttls().await.map_err(|e| match e {
                SmtpError::Client(_) => SendError::Config(
                    "SMTP: the relay does not offer STARTTLS, which email.smtp.tls requires".into(),
                ),
                e => opening(e),
            })?;
            let io = tls.wrap(plain.into_inner().into_inner()).await?;
            let client = SmtpClient::new()
                .hello_name(self.hello.clone())
                .smtp_utf8(true)
                .without_greeting();
            conn = SmtpTransport::new(client, BufStream::new(Corked::new(io)))
                .await
                .map_err(opening)?;
        }
        if let Some(c) = &self.credentials {
            login(&mut conn, c).await?;
        }
        Ok(conn)
    }
}

/// Signs in with the first of `MECHANISMS` the relay takes. A relay that offers neither
/// refuses both (5xx): our settings do not fit it, and nothing is sent without signing in.
async fn login(conn: &mut Connection, credentials: &Credentials) -> Result<(), SendError> {
    let mut refused = None;
    for mechanism in MECHANISMS {
        match conn.auth(mechanism, credentials).await {
            Ok(_) => return Ok(()),
            // 504: this mechanism is not offered; 502: AUTH is not (try the next anyway).
            Err(SmtpError::Permanent(r)) if r.has_code(504) || r.has_code(502) => {
                refused = Some(SmtpError::Permanent(r));
            }
            Err(e) => return Err(opening(e)),
        }
    }
    Err(refused
        .map(opening)
        .unwrap_or_else(|| SendError::Config("SMTP: no AUTH mechanism we can use".into())))
}

/// An error while opening a session: a 5xx there refuses us, whoever the recipient.
fn opening(e: SmtpError) -> SendError {
    match classify(e) {
        SendError::Permanent(text) => SendError::Config(text),
        other => other,
    }
}

/// Sorts an SMTP failure: our credentials/TLS/policy → configuration; 5xx → permanent;
/// everything else (4xx, timeouts, dropped connections) → transient.
pub(super) fn classify(e: SmtpError) -> SendError {
    match &e {
        SmtpError::Transient(r) => SendError::Transient(reply_text(r)),
        SmtpError::Permanent(r) => {
            let text = reply_text(r);
            match r.code.to_string().as_str() {
                "530" | "534" | "535" | "538" => SendError::Config(text),
                _ => SendError::Permanent(text),
            }
        }
        SmtpError::Io(io) if tls_refused(io) => SendError::Config(format!("SMTP: {e}")),
        SmtpError::Client(_) => SendError::Config(format!("SMTP: {e}")),
        _ => SendError::Transient(format!("SMTP: {e}")),
    }
}

/// `SMTP 550: 5.1.1 no such user`: the code and the relay's words, as stored.
fn reply_text(r: &async_smtp::response::Response) -> String {
    format!("SMTP {}: {}", r.code, r.message.join(" "))
}

/// Whether a connection failed in the TLS handshake (an untrusted or misnamed certificate,
/// no common protocol): the relay as configured cannot be trusted, whoever the recipient.
fn tls_refused(e: &std::io::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|i| i as _);
    while let Some(err) = source {
        if err.is::<rustls::Error>() {
            return true;
        }
        source = err.source();
    }
    false
}
