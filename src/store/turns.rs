//! Turns at SQLite's one writer connection: requests first, workers after.
//!
//! Every SQLite write goes through one connection (see `Store::connect`), so a publish
//! waits behind the writes queued before it — during a fan-out, the workers' claims,
//! outcome batches and expansion batches, a few milliseconds each with their fsync. A
//! request's write (a publish, a contact change) takes the next turn instead: background
//! writes step back while one waits, so it waits for at most the write in progress.

use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Mutex, MutexGuard, Notify};

/// Who is asking for a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Writer {
    /// An API request or operator command: someone is waiting for the answer.
    Request,
    /// A worker: delivery claims and outcomes, fan-out expansion, housekeeping.
    Background,
}

/// The queue for the writer connection.
#[derive(Debug, Default)]
pub(crate) struct WriteTurns {
    turn: Mutex<()>,
    requests_waiting: AtomicUsize,
    request_served: Notify,
}

impl WriteTurns {
    /// Waits for the writer's turn; hold the guard for the whole write.
    pub(crate) async fn take(&self, who: Writer) -> MutexGuard<'_, ()> {
        match who {
            Writer::Request => {
                self.requests_waiting.fetch_add(1, Ordering::SeqCst);
                let turn = self.turn.lock().await;
                self.requests_waiting.fetch_sub(1, Ordering::SeqCst);
                self.request_served.notify_waiters();
                turn
            }
            Writer::Background => loop {
                let done = self.request_served.notified();
                tokio::pin!(done);
                done.as_mut().enable();
                if self.requests_waiting.load(Ordering::SeqCst) > 0 {
                    done.await;
                    continue;
                }
                let turn = self.turn.lock().await;
                if self.requests_waiting.load(Ordering::SeqCst) == 0 {
                    return turn;
                }
                // A request queued behind us while we waited: let it go first.
                drop(turn);
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn a_request_goes_before_background_writes_queued_ahead_of_it() {
        let turns = Arc::new(WriteTurns::default());
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let first = turns.take(Writer::Background).await;
        let mut tasks = Vec::new();
        for name in ["background 1", "background 2"] {
            let (t, o) = (turns.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = t.take(Writer::Background).await;
                o.lock().unwrap().push(name);
            }));
            tokio::task::yield_now().await;
        }
        let (t, o) = (turns.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            let _turn = t.take(Writer::Request).await;
            o.lock().unwrap().push("request");
        }));
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        drop(first);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(order.lock().unwrap()[0], "request");
        assert_eq!(order.lock().unwrap().len(), 3);
    }
}
