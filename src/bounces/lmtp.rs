//! An LMTP listener (RFC 2033) for bounces: the local mail server hands faultcast every
//! message to its VERP addresses, and LMTP answers for each recipient once the message has
//! been handled. Lines, messages, recipients and connections are bounded, and every read has
//! a deadline: nothing a sender writes stops the listener.

use crate::intake::Intake;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// RFC 5321's limit for a command line, with some slack for long addresses.
const MAX_LINE: usize = 2_048;
/// A bounce is a few kilobytes with the returned headers; a larger message is refused.
const MAX_MESSAGE: usize = 10 * 1024 * 1024;
/// Recipients of one message at most.
const MAX_RECIPIENTS: usize = 100;
/// Connections served at once; more wait for a turn.
const MAX_CONNECTIONS: usize = 32;
/// A client that says nothing this long is let go.
const READ_TIMEOUT: Duration = Duration::from_secs(300);

/// Serves LMTP on `listener` until `shutdown`, handing each message to `intake`.
pub async fn serve(listener: TcpListener, intake: Intake, shutdown: CancellationToken) {
    let turns = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = shutdown.cancelled() => return,
        };
        let Ok((stream, _)) = accepted else {
            continue;
        };
        let Ok(turn) = turns.clone().acquire_owned().await else {
            return;
        };
        let intake = intake.clone();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                r = conversation(stream, &intake) => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "LMTP connection ended");
                    }
                }
                () = stop.cancelled() => {}
            }
            drop(turn);
        });
    }
}

/// One line of at most `MAX_LINE` bytes (without its end); `None` at the end of input,
/// `Some(Err(()))` for a longer line (read to its end and dropped).
async fn line<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Result<(), ()>>> {
    buf.clear();
    let n = tokio::time::timeout(
        READ_TIMEOUT,
        (&mut *r).take(MAX_LINE as u64).read_until(b'\n', buf),
    )
    .await
    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "idle"))??;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        // Too long: skip the rest of it.
        let mut rest = Vec::new();
        tokio::time::timeout(READ_TIMEOUT, r.read_until(b'\n', &mut rest))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "idle"))??;
        return Ok(Some(Err(())));
    }
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Ok(Some(Ok(())))
}

/// The address of `MAIL FROM:<…>` / `RCPT TO:<…>`.
fn address(arg: &str) -> String {
    arg.split_once(':')
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

async fn conversation(stream: TcpStream, intake: &Intake) -> std::io::Result<()> {
    let (read, mut w) = stream.into_split();
    let mut r = BufReader::new(read);
    w.write_all(b"220 faultcast LMTP ready\r\n").await?;
    let mut rcpts: Vec<String> = Vec::new();
    let mut mail = false;
    let mut buf = Vec::new();
    loop {
        let Some(got) = line(&mut r, &mut buf).await? else {
            return Ok(());
        };
        if got.is_err() {
            w.write_all(b"500 5.5.2 line too long\r\n").await?;
            continue;
        }
        let cmd = String::from_utf8_lossy(&buf).into_owned();
        let verb = cmd
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "LHLO" => {
                w.write_all(b"250-faultcast\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n")
                    .await?
            }
            "MAIL" => {
                rcpts.clear();
                mail = true;
                w.write_all(b"250 2.1.0 ok\r\n").await?;
            }
            "RCPT" if !mail => w.write_all(b"503 5.5.1 MAIL first\r\n").await?,
            "RCPT" if rcpts.len() >= MAX_RECIPIENTS => {
                w.write_all(b"452 4.5.3 too many recipients\r\n").await?
            }
            "RCPT" => {
                rcpts.push(address(&cmd));
                w.write_all(b"250 2.1.5 ok\r\n").await?;
            }
            "DATA" if rcpts.is_empty() => w.write_all(b"503 5.5.1 no recipients\r\n").await?,
            "DATA" => {
                w.write_all(b"354 go ahead, end with <CRLF>.<CRLF>\r\n")
                    .await?;
                let Some(message) = data(&mut r, &mut buf).await? else {
                    return Ok(());
                };
                let reply: &[u8] = match message {
                    None => b"552 5.3.4 message too big\r\n",
                    Some(m) => match intake.take_bounce(&rcpts, &m).await {
                        Ok(()) => b"250 2.0.0 handled\r\n",
                        Err(e) => {
                            tracing::warn!(error = %e, "bounce not recorded; the server will retry");
                            b"451 4.3.0 try again later\r\n"
                        }
                    },
                };
                // LMTP: one reply per recipient.
                for _ in &rcpts {
                    w.write_all(reply).await?;
                }
                rcpts.clear();
                mail = false;
            }
            "RSET" => {
                rcpts.clear();
                mail = false;
                w.write_all(b"250 2.0.0 ok\r\n").await?;
            }
            "NOOP" => w.write_all(b"250 2.0.0 ok\r\n").await?,
            "QUIT" => {
                w.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => w.write_all(b"500 5.5.1 unknown command\r\n").await?,
        }
    }
}

/// The message after DATA, dot-unstuffed: `None` (outer) at the end of input, `None`
/// (inner) when it was too big (read to its end and dropped).
async fn data<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Option<Vec<u8>>>> {
    let mut message = Vec::new();
    let mut too_big = false;
    loop {
        let Some(got) = line(r, buf).await? else {
            return Ok(None);
        };
        if got.is_ok() && buf.as_slice() == b"." {
            return Ok(Some((!too_big).then_some(message)));
        }
        let content = buf.strip_prefix(b".").unwrap_or(buf);
        if message.len() + content.len() + 2 > MAX_MESSAGE {
            too_big = true;
            message = Vec::new();
        }
        if !too_big {
            message.extend_from_slice(content);
            message.extend_from_slice(b"\r\n");
        }
    }
}
