//! A real SMTP server (plain TCP on 127.0.0.1, random port) that records every message and
//! answers as a script says, per recipient and attempt.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// How the sink answers one recipient's attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    Accept,
    /// 451 at RCPT TO: try again later.
    TempFail,
    /// 550 5.1.1 at RCPT TO: no such user.
    Reject,
    /// Take the whole message, then close the connection instead of answering the final dot.
    DropAfterData,
    /// Take the whole message and never answer.
    StallAfterData,
}

/// Decides the reply from the recipient address and its attempt number (1 for the first).
pub type Script = Arc<dyn Fn(&str, u32) -> Reply + Send + Sync>;

/// A message the sink took (even if it then dropped the connection).
#[derive(Clone, Debug)]
pub struct Received {
    pub rcpt: Vec<String>,
    pub data: String,
}

impl Received {
    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let mut lines = self.data.split("\r\n").peekable();
        while let Some(line) = lines.next() {
            if line.is_empty() {
                return None;
            }
            if let Some(v) = line.strip_prefix(&format!("{name}: ")) {
                let mut v = v.to_owned();
                while lines
                    .peek()
                    .is_some_and(|l| l.starts_with(' ') || l.starts_with('\t'))
                {
                    v.push_str(lines.next().unwrap());
                }
                return Some(v);
            }
        }
        None
    }
}

#[derive(Default)]
struct State {
    attempts: HashMap<String, u32>,
    received: Vec<Received>,
    greetings: u32,
}

/// The running sink.
#[derive(Clone)]
pub struct SmtpSink {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl SmtpSink {
    /// Starts a sink answering by `script`; `greet` false makes it never send a greeting.
    pub async fn start(script: Script, greet: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (st, script) = (st.clone(), script.clone());
                tokio::spawn(async move {
                    let _ = session(sock, st, script, greet).await;
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
}

async fn session(
    sock: TcpStream,
    st: Arc<Mutex<State>>,
    script: Script,
    greet: bool,
) -> std::io::Result<()> {
    let (r, mut w) = sock.into_split();
    let mut r = BufReader::new(r);
    if !greet {
        // Hold the connection open without a word until the client gives up.
        let mut sink = String::new();
        let _ = r.read_line(&mut sink).await;
        return Ok(());
    }
    st.lock().unwrap().greetings += 1;
    w.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut rcpt: Vec<String> = Vec::new();
    let mut pending_reply = Reply::Accept;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_owned();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            w.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if upper.starts_with("MAIL FROM") {
            rcpt.clear();
            pending_reply = Reply::Accept;
            w.write_all(b"250 2.1.0 ok\r\n").await?;
        } else if upper.starts_with("RCPT TO") {
            let addr = cmd
                .split_once(':')
                .map(|(_, a)| {
                    a.trim()
                        .trim_start_matches('<')
                        .split('>')
                        .next()
                        .unwrap_or("")
                        .to_lowercase()
                })
                .unwrap_or_default();
            let attempt = {
                let mut s = st.lock().unwrap();
                let n = s.attempts.entry(addr.clone()).or_insert(0);
                *n += 1;
                *n
            };
            match script(&addr, attempt) {
                Reply::TempFail => w.write_all(b"451 4.3.0 try again later\r\n").await?,
                Reply::Reject => w.write_all(b"550 5.1.1 no such user\r\n").await?,
                other => {
                    pending_reply = other;
                    rcpt.push(addr);
                    w.write_all(b"250 2.1.5 ok\r\n").await?;
                }
            }
        } else if upper == "DATA" {
            w.write_all(b"354 go ahead\r\n").await?;
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
            st.lock().unwrap().received.push(Received {
                rcpt: rcpt.clone(),
                data,
            });
            match pending_reply {
                Reply::DropAfterData => return Ok(()),
                Reply::StallAfterData => {
                    let mut rest = String::new();
                    let _ = r.read_line(&mut rest).await;
                    return Ok(());
                }
                _ => w.write_all(b"250 2.0.0 queued\r\n").await?,
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
