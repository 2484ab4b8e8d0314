//! A real SMTP server (127.0.0.1, random port; plain, STARTTLS or implicit TLS, optional
//! AUTH) that records every message and answers as a script says, per recipient and attempt.

use super::certificates::{Identity, acceptor};
use base64::Engine;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub use super::smtp_transactions::{Received, Reply, Script};

/// How the sink speaks TLS.
#[derive(Clone, Copy, Debug)]
pub enum SinkTls {
    /// Plain text only; STARTTLS is not offered.
    None,
    /// Offers STARTTLS and upgrades on request.
    Starttls(Identity),
    /// TLS from the first byte (port 465 style).
    Implicit(Identity),
}

/// How the sink behaves besides its script.
#[derive(Clone, Copy, Debug)]
pub struct SinkOptions {
    /// False makes it never send a greeting.
    pub greet: bool,
    pub tls: SinkTls,
    /// When set, MAIL FROM needs AUTH PLAIN or LOGIN with these; AUTH is offered only
    /// over TLS, as real relays do.
    pub auth: Option<(&'static str, &'static str)>,
}

#[derive(Default)]
struct State {
    attempts: HashMap<String, u32>,
    received: Vec<Received>,
    greetings: u32,
    handshakes: u32,
    pipelined: u32,
}

/// The running sink.
#[derive(Clone)]
pub struct SmtpSink {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl SmtpSink {
    /// Starts a plain-text sink answering by `script`; `greet` false makes it never greet.
    pub async fn start(script: Script, greet: bool) -> Self {
        let options = SinkOptions {
            greet,
            tls: SinkTls::None,
            auth: None,
        };
        Self::with(script, options).await
    }

    /// Starts a sink with TLS and AUTH as `options` say.
    pub async fn with(script: Script, options: SinkOptions) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let session = Session {
                    st: st.clone(),
                    script: script.clone(),
                    options,
                    encrypted: false,
                    user: None,
                };
                tokio::spawn(async move {
                    let _ = match options.tls {
                        SinkTls::Implicit(identity) => {
                            match acceptor(identity).accept(sock).await {
                                Ok(tls) => {
                                    session.st.lock().unwrap().handshakes += 1;
                                    Session {
                                        encrypted: true,
                                        ..session
                                    }
                                    .run(Box::new(tls), true)
                                    .await
                                }
                                Err(_) => Ok(()),
                            }
                        }
                        _ => session.run(Box::new(sock), true).await,
                    };
                });
            }
        });
        Self { addr, state }
    }

    /// Accepts everything.
    pub async fn accepting() -> Self {
        Self::start(Arc::new(|_, _| Reply::Accept), true).await
    }

    /// Every message taken so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// How many messages the sink has taken so far (cheap, for polling).
    pub fn count(&self) -> usize {
        self.state.lock().unwrap().received.len()
    }

    /// The messages taken from the `start`th on.
    pub fn received_from(&self, start: usize) -> Vec<Received> {
        let st = self.state.lock().unwrap();
        st.received.get(start..).unwrap_or_default().to_vec()
    }

    /// How many times a recipient was attempted (RCPT TO).
    pub fn attempts(&self, rcpt: &str) -> u32 {
        self.state
            .lock()
            .unwrap()
            .attempts
            .get(&rcpt.to_lowercase())
            .copied()
            .unwrap_or(0)
    }

    /// Connections greeted.
    pub fn connections(&self) -> u32 {
        self.state.lock().unwrap().greetings
    }

    /// Transactions whose MAIL, RCPT and DATA all arrived before the sink answered MAIL:
    /// the client pipelined them (RFC 2920).
    pub fn pipelined(&self) -> u32 {
        self.state.lock().unwrap().pipelined
    }

    /// TLS handshakes completed (STARTTLS or implicit).
    pub fn handshakes(&self) -> u32 {
        self.state.lock().unwrap().handshakes
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Session {
    st: Arc<Mutex<State>>,
    script: Script,
    options: SinkOptions,
    encrypted: bool,
    user: Option<String>,
}

impl Session {
    fn auth_offered(&self) -> bool {
        self.options.auth.is_some() && self.encrypted
    }

    fn check_auth(&mut self, user: &str, pass: &str) -> bool {
        let ok = self.options.auth == Some((user, pass)) && self.encrypted;
        if ok {
            self.user = Some(user.to_owned());
        }
        ok
    }

    /// One SMTP conversation; `greet` is false after STARTTLS (the client speaks first).
    async fn run(mut self, io: Box<dyn Io>, greet: bool) -> std::io::Result<()> {
        let mut r = BufReader::new(io);
        if !self.options.greet {
            // Hold the connection open without a word until the client gives up.
            let mut sink = String::new();
            let _ = r.read_line(&mut sink).await;
            return Ok(());
        }
        if greet {
            self.st.lock().unwrap().greetings += 1;
            r.get_mut().write_all(b"220 sink.test ESMTP\r\n").await?;
        }
        let mut rcpt: Vec<String> = Vec::new();
        let mut mail_from = String::new();
        let mut pending_reply = Reply::Accept;
        let mut line = String::new();
        // Replies to MAIL and RCPT held back, as a pipelining server may (RFC 2920 §3.2):
        // sent with DATA's, or once the client has sent nothing more for a moment (so a
        // client that waits for each reply is answered, only later).
        let mut held: Vec<&'static [u8]> = Vec::new();
        let mut mail_answered = true;
        loop {
            line.clear();
            if !held.is_empty()
                && r.buffer().is_empty()
                && tokio::time::timeout(HOLD_REPLIES, r.fill_buf())
                    .await
                    .is_err()
            {
                r.get_mut().write_all(&held.concat()).await?;
                held.clear();
                mail_answered = true;
            }
            if r.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_owned();
            let upper = cmd.to_ascii_uppercase();
            let w = r.get_mut();
            let transaction = ["MAIL FROM", "RCPT TO", "DATA"]
                .iter()
                .any(|c| upper.starts_with(c));
            if !transaction && !held.is_empty() {
                w.write_all(&held.concat()).await?;
                held.clear();
                mail_answered = true;
            }
            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                let mut reply = String::from("250-sink.test\r\n250-8BITMIME\r\n");
                if matches!(self.options.tls, SinkTls::Starttls(_)) && !self.encrypted {
                    reply.push_str("250-STARTTLS\r\n");
                }
                if self.auth_offered() {
                    reply.push_str("250-AUTH PLAIN LOGIN\r\n");
                }
                reply.push_str("250-PIPELINING\r\n250 SMTPUTF8\r\n");
                w.write_all(reply.as_bytes()).await?;
            } else if upper == "STARTTLS" {
                let SinkTls::Starttls(identity) = self.options.tls else {
                    w.write_all(b"502 5.5.1 no STARTTLS here\r\n").await?;
                    continue;
                };
                w.write_all(b"220 2.0.0 ready to start TLS\r\n").await?;
                let Ok(tls) = acceptor(identity).accept(r.into_inner()).await else {
                    return Ok(());
                };
                self.st.lock().unwrap().handshakes += 1;
                let upgraded = Session {
                    encrypted: true,
                    user: None,
                    ..self
                };
                return Box::pin(upgraded.run(Box::new(tls), false)).await;
            } else if upper.starts_with("AUTH PLAIN") && self.auth_offered() {
                let given = cmd.split_whitespace().nth(2).map(str::to_owned);
                let given = match given {
                    Some(g) => g,
                    None => {
                        w.write_all(b"334 \r\n").await?;
                        line.clear();
                        r.read_line(&mut line).await?;
                        line.trim_end().to_owned()
                    }
                };
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(given)
                    .unwrap_or_default();
                let parts: Vec<String> = decoded
                    .split(|b| *b == 0)
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect();
                let ok = parts.len() == 3 && self.check_auth(&parts[1], &parts[2]);
                r.get_mut().write_all(auth_reply(ok)).await?;
            } else if upper.starts_with("AUTH LOGIN") && self.auth_offered() {
                let mut answers = Vec::new();
                for prompt in [&b"334 VXNlcm5hbWU6\r\n"[..], b"334 UGFzc3dvcmQ6\r\n"] {
                    r.get_mut().write_all(prompt).await?;
                    line.clear();
                    r.read_line(&mut line).await?;
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(line.trim_end())
                        .unwrap_or_default();
                    answers.push(String::from_utf8_lossy(&decoded).into_owned());
                }
                let ok = self.check_auth(&answers[0], &answers[1]);
                r.get_mut().write_all(auth_reply(ok)).await?;
            } else if upper.starts_with("MAIL FROM") {
                if self.options.auth.is_some() && self.user.is_none() {
                    w.write_all(b"530 5.7.0 authentication required\r\n")
                        .await?;
                    continue;
                }
                rcpt.clear();
                mail_from = angle_address(&cmd);
                pending_reply = Reply::Accept;
                held.push(b"250 2.1.0 ok\r\n");
                mail_answered = false;
            } else if upper.starts_with("RCPT TO") {
                let addr = angle_address(&cmd).to_lowercase();
                let attempt = {
                    let mut s = self.st.lock().unwrap();
                    let n = s.attempts.entry(addr.clone()).or_insert(0);
                    *n += 1;
                    *n
                };
                match (self.script)(&addr, attempt) {
                    Reply::TempFail => held.push(b"451 4.3.0 try again later\r\n"),
                    Reply::Reject => held.push(b"550 5.1.1 no such user\r\n"),
                    other => {
                        pending_reply = other;
                        rcpt.push(addr);
                        held.push(b"250 2.1.5 ok\r\n");
                    }
                }
            } else if upper == "DATA" {
                if !mail_answered {
                    self.st.lock().unwrap().pipelined += 1;
                }
                let go = match rcpt.is_empty() {
                    true => &b"554 5.5.1 no valid recipients\r\n"[..],
                    false => b"354 go ahead\r\n",
                };
                held.push(go);
                w.write_all(&held.concat()).await?;
                held.clear();
                mail_answered = true;
                if rcpt.is_empty() {
                    continue;
                }
                let mut data = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    let l = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(l);
                }
                self.st.lock().unwrap().received.push(Received {
                    mail_from: mail_from.clone(),
                    rcpt: rcpt.clone(),
                    data,
                    encrypted: self.encrypted,
                    user: self.user.clone(),
                });
                match pending_reply {
                    Reply::DropAfterData => return Ok(()),
                    Reply::StallAfterData => {
                        let mut rest = String::new();
                        let _ = r.read_line(&mut rest).await;
                        return Ok(());
                    }
                    _ => r.get_mut().write_all(b"250 2.0.0 queued\r\n").await?,
                }
            } else if upper == "RSET" || upper == "NOOP" {
                w.write_all(b"250 ok\r\n").await?;
            } else if upper == "QUIT" {
                w.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                w.write_all(b"502 5.5.2 not implemented\r\n").await?;
            }
        }
    }
}

/// How long held replies wait for more commands from a client that does not pipeline.
const HOLD_REPLIES: std::time::Duration = std::time::Duration::from_millis(50);

fn auth_reply(ok: bool) -> &'static [u8] {
    if ok {
        b"235 2.7.0 authenticated\r\n"
    } else {
        b"535 5.7.8 authentication failed\r\n"
    }
}

/// The address of a `MAIL FROM:<…>` or `RCPT TO:<…>` command, as given.
fn angle_address(cmd: &str) -> String {
    cmd.split_once(':')
        .map(|(_, a)| {
            a.trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .unwrap_or_default()
}
