//! The accept loop: at most `max_connections` clients at once (the rest wait in the
//! kernel's backlog rather than in our memory), each connection under the deadlines of
//! `connection`, and a graceful stop that lets answers in flight finish.

use super::connection::{ConnClock, DeadlineBody, Deadlined, Timeouts, TrackedBody};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// What a client may hold of the daemon.
#[derive(Clone, Copy, Debug)]
pub struct ServerLimits {
    pub timeouts: Timeouts,
    /// Connections served at once.
    pub max_connections: usize,
}

/// A request head and its buffered part fit in this; a larger head is refused (431).
const MAX_HEAD_BUFFER: usize = 64 * 1024;
/// Request headers beyond this many are refused.
const MAX_HEADERS: usize = 100;
/// After a failed accept (out of file descriptors, …) the loop waits this long, so that it
/// does not spin while the cause lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` until `shutdown`, then stops accepting and waits for the
/// connections to finish their answers (the caller bounds that wait).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: CancellationToken,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let connections = TaskTracker::new();
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = shutdown.cancelled() => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::select! {
                        _ = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                        _ = shutdown.cancelled() => break,
                    }
                }
            },
            _ = shutdown.cancelled() => break,
        };
        // Answers are small and go out whole; Nagle would only delay them.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let stop = shutdown.clone();
        connections.spawn(async move {
            connection(stream, peer, app, limits.timeouts, stop).await;
            drop(permit);
        });
    }
    drop(listener);
    connections.close();
    connections.wait().await;
}

/// Serves one connection until the client leaves, a deadline passes or the daemon stops.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: Router,
    timeouts: Timeouts,
    shutdown: CancellationToken,
) {
    let clock = ConnClock::new(timeouts);
    let io = TokioIo::new(Deadlined::new(stream, clock.clone()));
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        clock.request_started();
        let (mut parts, body) = req.into_parts();
        parts.extensions.insert(ConnectInfo(peer));
        let body = Body::new(DeadlineBody::new(body, clock.body_deadline()));
        let call = app.clone().oneshot(hyper::Request::from_parts(parts, body));
        let clock = clock.clone();
        async move {
            let res = call.await?;
            Ok::<_, std::convert::Infallible>(res.map(|b| Body::new(TrackedBody::new(b, clock))))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // Our own deadlines (connection.rs) tell the head from the idle time.
        .header_read_timeout(None)
        .keep_alive(true)
        .max_buf_size(MAX_HEAD_BUFFER)
        .max_headers(MAX_HEADERS);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let result = tokio::select! {
        r = conn.as_mut() => r,
        _ = shutdown.cancelled() => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended");
    }
}
