//! A stream that holds what is written until the next read.

use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A byte stream to the relay: TCP, or TLS over it.
pub(super) trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

/// Holds what is written until the client next reads. The protocol client flushes after
/// every command; pipelined, MAIL, RCPT and DATA would still be three writes (and three
/// packets for the relay to read). Corked, each round trip is one write: the commands
/// before their replies, the message with its final dot before the 250.
#[derive(Debug)]
pub(super) struct Corked {
    inner: Box<dyn Io>,
    pending: Vec<u8>,
    written: usize,
}

impl Corked {
    pub(super) fn new(inner: Box<dyn Io>) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }

    /// The stream underneath, once nothing is held (after a reply was read).
    pub(super) fn into_inner(self) -> Box<dyn Io> {
        self.inner
    }

    /// Writes out what is held.
    fn poll_uncork(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while self.written < self.pending.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => self.written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        self.pending.clear();
        self.written = 0;
        Pin::new(&mut self.inner).poll_flush(cx)
    }
}

impl AsyncRead for Corked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if !self.pending.is_empty() {
            std::task::ready!(self.poll_uncork(cx))?;
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Corked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.pending.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        // Held until the next read: every write of the protocol is followed by one.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        std::task::ready!(self.poll_uncork(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn commands_flushed_one_by_one_leave_in_one_write_before_the_reply_is_read() {
        let (client, mut relay) = tokio::io::duplex(4096);
        let mut corked = Corked::new(Box::new(client));
        for command in ["MAIL FROM:<a@x>\r\n", "RCPT TO:<b@y>\r\n", "DATA\r\n"] {
            corked.write_all(command.as_bytes()).await.unwrap();
            corked.flush().await.unwrap();
        }
        let mut seen = [0u8; 64];
        let held =
            tokio::time::timeout(std::time::Duration::from_millis(50), relay.read(&mut seen)).await;
        assert!(
            held.is_err(),
            "nothing reaches the relay before the client reads"
        );
        relay.write_all(b"250 ok\r\n").await.unwrap();
        let mut reply = [0u8; 8];
        corked.read_exact(&mut reply).await.unwrap();
        assert_eq!(&reply, b"250 ok\r\n");
        let n = relay.read(&mut seen).await.unwrap();
        assert_eq!(
            &seen[..n],
            b"MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n",
            "all three in one read"
        );
    }
}
