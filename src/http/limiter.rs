//! A keyed rate limiter (GCRA, the generic cell rate algorithm): each key may send `burst`
//! requests at once and `per_second` after that, on the application's clock, so that tests
//! drive it with a manual clock. Hand-written rather than `governor` because the API's
//! policy needs to *look* at a key without spending (an address that keeps failing to
//! authenticate is refused before its next token is even looked up).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// Above this many keys, keys whose allowance is whole again are dropped (they behave
/// exactly like keys never seen). The next look comes at twice the keys kept, so that a
/// flood of live keys costs amortised constant time per request.
const PRUNE_ABOVE: usize = 100_000;

/// A rate: `per_second` sustained, `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub per_second: u32,
    pub burst: u32,
}

/// Allowed, or refused until the request may be retried (in microseconds from now).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    RetryAfterMicros(i64),
}

impl Verdict {
    /// Whole seconds to wait, at least 1 (what `Retry-After` says).
    pub fn retry_after_secs(self) -> Option<u64> {
        match self {
            Verdict::Allowed => None,
            Verdict::RetryAfterMicros(us) => Some(((us.max(0) as u64).div_ceil(1_000_000)).max(1)),
        }
    }
}

/// One limiter: a theoretical arrival time per key, in microseconds.
#[derive(Debug)]
pub struct Limiter<K> {
    /// Microseconds between two requests at the sustained rate.
    interval: i64,
    /// How far ahead of now a key's arrival time may run: the burst.
    tolerance: i64,
    state: Mutex<State<K>>,
}

#[derive(Debug)]
struct State<K> {
    arrivals: HashMap<K, i64>,
    prune_at: usize,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    pub fn new(rate: Rate) -> Self {
        Self::every(1_000_000 / i64::from(rate.per_second.max(1)), rate.burst)
    }

    /// `burst` at once, then one every `interval` microseconds (for rates below one a
    /// second).
    pub fn every(interval: i64, burst: u32) -> Self {
        let interval = interval.max(1);
        Self {
            interval,
            tolerance: interval * i64::from(burst.max(1) - 1),
            state: Mutex::new(State {
                arrivals: HashMap::new(),
                prune_at: PRUNE_ABOVE,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State<K>> {
        // A poisoned lock only means a panic elsewhere; the map itself is always whole.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A key's arrival time, unless the clock went back since it was set (a wall clock may
    /// be stepped back): no allowance can run further ahead than one burst and one
    /// interval, so anything beyond that is forgotten rather than waited out.
    fn arrival(&self, tat: Option<i64>, now: i64) -> i64 {
        match tat {
            Some(t) if t - now <= self.tolerance + self.interval => t,
            _ => now,
        }
    }

    fn verdict(&self, tat: i64, now: i64) -> Verdict {
        let ahead = tat.max(now) - now;
        if ahead > self.tolerance {
            Verdict::RetryAfterMicros(ahead - self.tolerance)
        } else {
            Verdict::Allowed
        }
    }

    /// Spends one request of `key` at `now` (µs) if it is allowed.
    pub fn check(&self, key: &K, now: i64) -> Verdict {
        let mut state = self.state();
        let tat = self.arrival(state.arrivals.get(key).copied(), now);
        let verdict = self.verdict(tat, now);
        if verdict == Verdict::Allowed {
            state
                .arrivals
                .insert(key.clone(), tat.max(now) + self.interval);
            if state.arrivals.len() > state.prune_at {
                state.arrivals.retain(|_, t| *t > now);
                state.prune_at = PRUNE_ABOVE.max(2 * state.arrivals.len());
            }
        }
        verdict
    }

    /// Whether `key` would be allowed at `now`, without spending anything.
    pub fn peek(&self, key: &K, now: i64) -> Verdict {
        let tat = self.arrival(self.state().arrivals.get(key).copied(), now);
        self.verdict(tat, now)
    }

    /// Keys remembered (for tests of the bound).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.state().arrivals.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000;

    #[test]
    fn a_burst_then_the_sustained_rate() {
        let l = Limiter::new(Rate {
            per_second: 2,
            burst: 5,
        });
        for _ in 0..5 {
            assert_eq!(l.check(&"a", 0), Verdict::Allowed);
        }
        let refused = l.check(&"a", 0);
        assert_eq!(refused, Verdict::RetryAfterMicros(S / 2));
        assert_eq!(refused.retry_after_secs(), Some(1));
        assert_eq!(
            l.check(&"b", 0),
            Verdict::Allowed,
            "another key has its own"
        );
        assert_eq!(
            l.check(&"a", S / 2),
            Verdict::Allowed,
            "half a second later, one more"
        );
        assert!(matches!(l.check(&"a", S / 2), Verdict::RetryAfterMicros(_)));
        assert_eq!(
            l.check(&"a", 10 * S),
            Verdict::Allowed,
            "idle time refills the burst"
        );
    }

    #[test]
    fn a_refused_request_spends_nothing_and_a_peek_never_does() {
        let l = Limiter::new(Rate {
            per_second: 1,
            burst: 1,
        });
        assert_eq!(l.peek(&1, 0), Verdict::Allowed);
        assert_eq!(l.check(&1, 0), Verdict::Allowed);
        for _ in 0..100 {
            assert!(matches!(l.peek(&1, 0), Verdict::RetryAfterMicros(_)));
            assert!(matches!(l.check(&1, 0), Verdict::RetryAfterMicros(_)));
        }
        assert_eq!(
            l.check(&1, S),
            Verdict::Allowed,
            "a flood of refusals does not push the wait out"
        );
    }

    #[test]
    fn a_clock_stepped_back_does_not_lock_a_key_out() {
        let l = Limiter::new(Rate {
            per_second: 1,
            burst: 2,
        });
        l.check(&"a", 1_000 * S);
        l.check(&"a", 1_000 * S);
        assert!(matches!(
            l.check(&"a", 1_000 * S),
            Verdict::RetryAfterMicros(_)
        ));
        assert_eq!(
            l.check(&"a", 0),
            Verdict::Allowed,
            "after the step back it starts afresh"
        );
        assert_eq!(l.peek(&"a", -3_600 * S), Verdict::Allowed);
    }

    #[test]
    fn keys_whose_allowance_is_whole_again_are_forgotten() {
        let l = Limiter::new(Rate {
            per_second: 1000,
            burst: 10,
        });
        for k in 0..=PRUNE_ABOVE as u64 {
            l.check(&k, 0);
        }
        assert_eq!(l.len(), PRUNE_ABOVE + 1, "all still live, so all kept");
        // Ten seconds on, the first keys are whole again; when the map has doubled they go.
        for k in 0..PRUNE_ABOVE as u64 + 2 {
            l.check(&(k + 1_000_000), 10 * S);
        }
        assert_eq!(l.len(), PRUNE_ABOVE + 2, "only the live keys are kept");
    }
}
