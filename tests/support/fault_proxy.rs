//! A TCP proxy for the database link (delivery.md R8) that can add latency, reset every
//! connection, hang (hold every byte) or go down (close every connection and refuse new
//! ones), and heal again. 127.0.0.1, random port.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the link does to the bytes passing through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forward at once.
    None,
    /// Hold each chunk this long before forwarding it.
    Latency(Duration),
    /// Forward nothing (connections stay open, new ones are held) until the next change.
    Hang,
    /// Close every connection and accept new ones only to close them.
    Down,
}

#[derive(Clone, Copy, Debug)]
struct Mode {
    fault: Fault,
    /// Bumped by a reset or a down: connections of an older epoch close.
    epoch: u64,
}

/// The running proxy; dropping it stops accepting (open connections end with their peers).
pub struct FaultProxy {
    pub addr: SocketAddr,
    mode: watch::Sender<Mode>,
}

impl FaultProxy {
    /// Starts forwarding to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (mode, watcher) = watch::channel(Mode {
            fault: Fault::None,
            epoch: 0,
        });
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let _ = client.set_nodelay(true);
                tokio::spawn(connection(client, upstream, watcher.clone()));
            }
        });
        Self { addr, mode }
    }

    /// Sets what the link does from now on (`Down` also closes every open connection).
    pub fn set(&self, fault: Fault) {
        self.mode.send_modify(|m| {
            m.fault = fault;
            if fault == Fault::Down {
                m.epoch += 1;
            }
        });
    }

    /// Closes every open connection once; the link then works as before.
    pub fn reset(&self) {
        self.mode.send_modify(|m| m.epoch += 1);
    }
}

/// Waits while the link hangs; returns false if the connection must close.
async fn passable(modes: &mut watch::Receiver<Mode>, epoch: u64) -> bool {
    loop {
        let m = *modes.borrow_and_update();
        if m.epoch != epoch || m.fault == Fault::Down {
            return false;
        }
        if m.fault != Fault::Hang {
            return true;
        }
        if modes.changed().await.is_err() {
            return false;
        }
    }
}

async fn connection(client: TcpStream, upstream: SocketAddr, mut modes: watch::Receiver<Mode>) {
    let epoch = modes.borrow().epoch;
    if !passable(&mut modes, epoch).await {
        return;
    }
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = server.set_nodelay(true);
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    // Either direction ending (EOF, error, reset, down) ends the connection both ways.
    tokio::select! {
        _ = pump(cr, sw, modes.clone(), epoch) => {}
        _ = pump(sr, cw, modes, epoch) => {}
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut modes: watch::Receiver<Mode>,
    epoch: u64,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = tokio::select! {
            r = from.read(&mut buf) => match r {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            },
            // A reset or down while waiting for bytes closes the connection at once.
            changed = modes.changed() => {
                if changed.is_err() || modes.borrow().epoch != epoch || modes.borrow().fault == Fault::Down {
                    return;
                }
                continue;
            }
        };
        if !passable(&mut modes, epoch).await {
            return;
        }
        let fault = modes.borrow().fault;
        if let Fault::Latency(d) = fault {
            tokio::time::sleep(d).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
