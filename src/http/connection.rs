//! One client connection's clock: what it may be waiting for and until when. A client that
//! sends nothing, stops halfway through a request's head, idles on a kept-alive connection,
//! trickles a body or stops reading the answer is cut off at the deadline of that phase,
//! so that slow clients cannot hold the daemon's connections or memory.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep, sleep_until};

/// How long each phase of a connection may take.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// From a request's first byte (or the connection's start) to the end of its head.
    pub header: Duration,
    /// A kept-alive connection waiting for its next request.
    pub idle: Duration,
    /// A whole request body, from when its head arrived.
    pub body: Duration,
    /// One write of the answer that the client does not take.
    pub send: Duration,
}

#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Waiting for a request head until `deadline`; `started` once its first byte came.
    Waiting { deadline: Instant, started: bool },
    /// A request is being answered: the handler and the body's own deadline decide.
    Busy,
}

/// The phase of one connection, shared by its socket, its service and its answers.
#[derive(Debug)]
pub struct ConnClock {
    timeouts: Timeouts,
    phase: Mutex<Phase>,
    /// The socket's reader while it waits without a deadline (an answer is on its way):
    /// woken when the answer is done, so that the idle deadline starts to count.
    parked: Mutex<Option<Waker>>,
}

impl ConnClock {
    /// A new connection: its first request's head is due within the header timeout.
    pub fn new(timeouts: Timeouts) -> Arc<Self> {
        Arc::new(Self {
            timeouts,
            phase: Mutex::new(Phase::Waiting {
                deadline: Instant::now() + timeouts.header,
                started: true,
            }),
            parked: Mutex::new(None),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Phase) -> T) -> T {
        // A poisoned lock only means a panic elsewhere; the phase itself is always whole.
        let mut p = self.phase.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut p)
    }

    /// A request head was read: it is now the handler's turn.
    pub fn request_started(&self) {
        self.with(|p| *p = Phase::Busy);
    }

    /// The answer was written (or dropped): the connection idles until its next request.
    pub fn answer_done(&self) {
        let deadline = Instant::now() + self.timeouts.idle;
        self.with(|p| {
            *p = Phase::Waiting {
                deadline,
                started: false,
            }
        });
        let parked = self.parked.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(w) = parked {
            w.wake();
        }
    }

    /// Remembers the reader to wake when the answer is done.
    fn park(&self, waker: &Waker) {
        let mut parked = self.parked.lock().unwrap_or_else(|e| e.into_inner());
        match parked.as_ref() {
            Some(w) if w.will_wake(waker) => {}
            _ => *parked = Some(waker.clone()),
        }
    }

    /// Bytes arrived: on an idle connection they start the next head's clock.
    fn bytes_arrived(&self) {
        let header = self.timeouts.header;
        self.with(|p| {
            if let Phase::Waiting { started: false, .. } = *p {
                *p = Phase::Waiting {
                    deadline: Instant::now() + header,
                    started: true,
                };
            }
        });
    }

    fn read_deadline(&self) -> Option<Instant> {
        self.with(|p| match *p {
            Phase::Waiting { deadline, .. } => Some(deadline),
            Phase::Busy => None,
        })
    }

    /// The deadline of a request body whose head arrived now.
    pub fn body_deadline(&self) -> Instant {
        Instant::now() + self.timeouts.body
    }
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, what.to_owned())
}

/// A socket that fails a read past its phase's deadline and a write the client has not
/// taken for the send timeout; hyper then closes the connection.
pub struct Deadlined<S> {
    inner: S,
    clock: Arc<ConnClock>,
    read_timer: Pin<Box<Sleep>>,
    /// Since when a write has been refused by a full socket buffer.
    write_timer: Option<Pin<Box<Sleep>>>,
}

impl<S> Deadlined<S> {
    pub fn new(inner: S, clock: Arc<ConnClock>) -> Self {
        let first = clock.read_deadline().unwrap_or_else(Instant::now);
        Self {
            inner,
            clock,
            read_timer: Box::pin(sleep_until(first)),
            write_timer: None,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Deadlined<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.clock.bytes_arrived();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                // Parked first, so that an answer finishing right now still wakes us.
                this.clock.park(cx.waker());
                let Some(deadline) = this.clock.read_deadline() else {
                    return Poll::Pending;
                };
                if this.read_timer.deadline() != deadline {
                    this.read_timer.as_mut().reset(deadline);
                }
                ready!(this.read_timer.as_mut().poll(cx));
                Poll::Ready(Err(timed_out("the client sent nothing in time")))
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> Deadlined<S> {
    /// Passes a write's outcome through, failing it when the client has taken nothing for
    /// the send timeout.
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match polled {
            Poll::Ready(r) => {
                self.write_timer = None;
                Poll::Ready(r)
            }
            Poll::Pending => {
                let send = self.clock.timeouts.send;
                let timer = self
                    .write_timer
                    .get_or_insert_with(|| Box::pin(sleep_until(Instant::now() + send)));
                ready!(timer.as_mut().poll(cx));
                Poll::Ready(Err(timed_out("the client took nothing in time")))
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Deadlined<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, data);
        this.watch(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, polled)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// A request body that fails once its deadline has passed, however slowly it trickles.
pub struct DeadlineBody<B> {
    inner: B,
    timer: Pin<Box<Sleep>>,
}

/// The error a request body gives when it did not arrive in time.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

impl<B> DeadlineBody<B> {
    pub fn new(inner: B, deadline: Instant) -> Self {
        Self {
            inner,
            timer: Box::pin(sleep_until(deadline)),
        }
    }
}

impl<B> Body for DeadlineBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        ready!(this.timer.as_mut().poll(cx));
        Poll::Ready(Some(Err(Box::new(BodyTimedOut))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// An answer's body that tells the connection's clock when it is done (written or dropped).
pub struct TrackedBody<B> {
    inner: B,
    clock: Arc<ConnClock>,
}

impl<B> TrackedBody<B> {
    pub fn new(inner: B, clock: Arc<ConnClock>) -> Self {
        Self { inner, clock }
    }
}

impl<B> Drop for TrackedBody<B> {
    fn drop(&mut self) {
        self.clock.answer_done();
    }
}

impl<B: Body + Unpin> Body for TrackedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
