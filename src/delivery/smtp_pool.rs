//! SMTP connections to the relay, kept open and reused. lettre speaks the protocol; we open
//! the sockets, because lettre's own never set `TCP_NODELAY`: it writes a message's body
//! and its final `\r\n.\r\n` separately, Nagle holds the five bytes until the relay ACKs
//! the body, and the relay delays that ACK by 40 ms — a ceiling of 25 messages per second
//! per connection (lettre#1159, merged upstream but not released in 0.11.23).

use super::error::SendError;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::fmt;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt};

/// An idle connection is checked with NOOP before reuse after this long: relays close
/// idle sessions (Postfix after 300 s), and a dead one would fail a real message.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(5);
/// An idle connection older than this is closed rather than checked.
const DROP_AFTER_IDLE: Duration = Duration::from_secs(60);
/// AUTH mechanisms we offer, in order of preference (both need TLS in production).
const MECHANISMS: [Mechanism; 2] = [Mechanism::Plain, Mechanism::Login];

/// How the connection to the relay is protected.
#[derive(Clone)]
pub enum SmtpSecurity {
    /// Plain SMTP (configuration allows it only to a loopback relay).
    None,
    /// STARTTLS, required: no STARTTLS offered means nothing is sent.
    Starttls(TlsParameters),
    /// TLS from the first byte (port 465).
    Implicit(TlsParameters),
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
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
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
        Self {
            host: host.to_owned(),
            port,
            security,
            credentials,
            timeout,
            hello: ClientId::default(),
            slots: Semaphore::new(size.max(1) as usize),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Sends one message on a pooled connection (opening one if none is idle). A
    /// connection that failed in any way is closed, never reused.
    pub async fn send(&self, envelope: &Envelope, email: &[u8]) -> Result<(), SendError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| SendError::Transient("SMTP: the pool is closed".into()))?;
        let mut conn = match self.checkout().await {
            Some(c) => c,
            None => self.connect().await?,
        };
        match conn.send(envelope, email).await {
            Ok(_) if !conn.has_broken() => {
                self.lock().push((conn, Instant::now()));
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e) => {
                conn.abort().await;
                Err(classify(e))
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(AsyncSmtpConnection, Instant)>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The most recently used idle connection that still answers.
    async fn checkout(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut conn, since) = self.lock().pop()?;
            let idle = since.elapsed();
            if idle < CHECK_AFTER_IDLE {
                return Some(conn);
            }
            if idle < DROP_AFTER_IDLE && conn.test_connected().await {
                return Some(conn);
            }
            conn.abort().await;
        }
    }

    /// A new session: TCP without Nagle, TLS as configured, EHLO, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
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
        let classify = classify;
        let mut conn = match &self.security {
            SmtpSecurity::Implicit(tls) => {
                #[allow(deprecated)] // lettre's only way to run TLS over a socket we opened
                let mut stream =
                    lettre::transport::smtp::client::AsyncNetworkStream::use_existing_tokio1(
                        Box::new(tcp),
                    );
                stream.upgrade_tls(tls.clone()).await.map_err(classify)?;
                let wrapped = Tls(stream.compat());
                AsyncSmtpConnection::connect_with_transport(Box::new(wrapped), &self.hello)
                    .await
                    .map_err(classify)?
            }
            _ => AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                .await
                .map_err(classify)?,
        };
        if let SmtpSecurity::Starttls(tls) = &self.security {
            if !conn.can_starttls() {
                conn.abort().await;
                return Err(SendError::Config(
                    "SMTP: the relay does not offer STARTTLS, which email.smtp.tls requires".into(),
                ));
            }
            conn.starttls(tls.clone(), &self.hello)
                .await
                .map_err(classify)?;
        }
        if let Some(c) = &self.credentials {
            if let Err(e) = conn.auth(&MECHANISMS, c).await {
                conn.abort().await;
                return Err(classify(e));
            }
        }
        Ok(conn)
    }
}

/// An implicit-TLS stream as lettre's connection expects one.
#[allow(deprecated)]
struct Tls(Compat<lettre::transport::smtp::client::AsyncNetworkStream>);

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tls")
    }
}

impl AsyncTokioStream for Tls {
    fn peer_addr(&self) -> std::io::Result<SocketAddr> {
        self.0.get_ref().peer_addr()
    }
}

impl AsyncRead for Tls {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Tls {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

/// Sorts an SMTP failure: our credentials/TLS/policy → configuration; 5xx → permanent;
/// everything else (4xx, timeouts, dropped connections) → transient.
pub(super) fn classify(e: lettre::transport::smtp::Error) -> SendError {
    let code = e.status().map(|c| c.to_string());
    let text = match &code {
        Some(c) => format!("SMTP {c}: {e}"),
        None => format!("SMTP: {e}"),
    };
    if e.is_tls() || tls_refused(&e) {
        return SendError::Config(text);
    }
    if e.is_client() {
        // Raised by lettre before a word reaches the relay: the relay lacks STARTTLS or an
        // AUTH mechanism we can use — our settings — or, per message, a non-ASCII address
        // the relay cannot take.
        return if text.contains("non-ascii") {
            SendError::Permanent(text)
        } else {
            SendError::Config(text)
        };
    }
    match code.as_deref() {
        Some("530" | "534" | "535" | "538") => SendError::Config(text),
        _ if e.is_permanent() => SendError::Permanent(text),
        _ => SendError::Transient(text),
    }
}

/// Whether a connection failed in the TLS handshake (an untrusted or misnamed certificate,
/// no common protocol): the relay as configured cannot be trusted, whoever the recipient.
fn tls_refused(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if err.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>())
        {
            return true;
        }
        source = err.source();
    }
    false
}
