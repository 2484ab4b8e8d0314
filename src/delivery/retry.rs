//! Retry: the one place that decides what a send's result means for the message —
//! deliveries and faultcast's own messages alike — and the backoff: base × 2ⁿ with ±20 %
//! jitter, capped, never past the message's age limit.

use super::error::SendError;
use crate::store::Outcome;
use chrono::{DateTime, Duration, Utc};

/// A channel whose configuration is at fault rests this long before trying again.
pub(super) const PAUSE: Duration = Duration::seconds(30);

/// Share of the delay that is randomised either way, so that retries do not stampede.
const JITTER: f64 = 0.2;

/// The retry schedule (delivery.md §5).
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// The delay before attempt `attempt + 1`, after `attempt` failures, with `unit` in
    /// [0, 1) choosing the jitter.
    pub fn delay(&self, attempt: i32, unit: f64) -> Duration {
        let exp = attempt.saturating_sub(1).clamp(0, 30) as u32;
        let raw = self
            .base
            .num_milliseconds()
            .saturating_mul(1_i64 << exp.min(40));
        let capped = raw.min(self.cap.num_milliseconds()) as f64;
        let factor = 1.0 - JITTER + 2.0 * JITTER * unit.clamp(0.0, 1.0);
        Duration::milliseconds((capped * factor).round() as i64)
    }

    /// When to try again, or `None` if that would be past `expires_at` (give up: dead).
    pub fn next(
        &self,
        now: DateTime<Utc>,
        attempt: i32,
        expires_at: DateTime<Utc>,
        at_least: Option<Duration>,
    ) -> Option<DateTime<Utc>> {
        let mut delay = self.delay(attempt, fastrand_unit());
        if let Some(min) = at_least {
            delay = delay.max(min);
        }
        let at = now + delay;
        (at < expires_at).then_some(at)
    }
}

impl Backoff {
    /// What the channel's `result` for attempt number `attempt` (1 for the first) of a
    /// message given up at `expires_at` means at `now`: sent, failed for good, tried again
    /// later (a 429's wait honoured), dead (retries would pass the age limit), or put back
    /// untouched because our own configuration is at fault.
    pub(super) fn decide(
        &self,
        result: &Result<Option<String>, SendError>,
        attempt: i32,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Outcome {
        let retry = |reason: &String, at_least: Option<Duration>| match self
            .next(now, attempt, expires_at, at_least)
        {
            Some(at) => Outcome::Retry {
                at,
                reason: reason.clone(),
            },
            None => Outcome::Dead {
                reason: format!("retries exhausted: {reason}"),
            },
        };
        match result {
            Ok(external_id) => Outcome::Sent {
                external_id: external_id.clone(),
            },
            Err(SendError::Permanent(reason)) => Outcome::Failed {
                reason: reason.clone(),
            },
            Err(SendError::Config(reason)) => Outcome::Paused {
                at: now + PAUSE,
                reason: reason.clone(),
            },
            Err(SendError::Transient(reason)) => retry(reason, None),
            Err(SendError::Throttled(wait, reason)) => {
                retry(reason, Duration::from_std(*wait).ok())
            }
        }
    }
}

fn fastrand_unit() -> f64 {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b() -> Backoff {
        Backoff {
            base: Duration::seconds(5),
            cap: Duration::seconds(600),
        }
    }

    #[test]
    fn delays_double_from_the_base_within_the_jitter() {
        for (attempt, secs) in [
            (1, 5.0),
            (2, 10.0),
            (3, 20.0),
            (4, 40.0),
            (8, 600.0),
            (30, 600.0),
        ] {
            let lo = b().delay(attempt, 0.0).num_milliseconds() as f64 / 1000.0;
            let hi = b().delay(attempt, 0.999_999).num_milliseconds() as f64 / 1000.0;
            assert!((lo - secs * 0.8).abs() < 0.01, "attempt {attempt}: {lo}");
            assert!((hi - secs * 1.2).abs() < 0.01, "attempt {attempt}: {hi}");
        }
    }

    #[test]
    fn no_retry_is_scheduled_past_the_age_limit() {
        let now = Utc::now();
        assert!(b().next(now, 1, now + Duration::seconds(3), None).is_none());
        assert!(b().next(now, 1, now + Duration::hours(6), None).is_some());
    }

    #[test]
    fn each_kind_of_failure_leads_to_its_own_next_state() {
        let now = Utc::now();
        let expires = now + Duration::hours(6);
        let decide =
            |r: Result<Option<String>, SendError>, attempt| b().decide(&r, attempt, expires, now);
        assert_eq!(decide(Ok(None), 1), Outcome::Sent { external_id: None });
        assert!(matches!(
            decide(Err(SendError::Permanent("550".into())), 1),
            Outcome::Failed { .. }
        ));
        assert!(
            matches!(decide(Err(SendError::Config("535".into())), 1), Outcome::Paused { at, .. } if at == now + PAUSE)
        );
        assert!(
            matches!(decide(Err(SendError::Transient("451".into())), 1), Outcome::Retry { at, .. } if at > now && at < now + Duration::seconds(7))
        );
        let throttled = SendError::Throttled(std::time::Duration::from_secs(90), "429".into());
        assert!(
            matches!(decide(Err(throttled), 1), Outcome::Retry { at, .. } if at >= now + Duration::seconds(90))
        );
        let late = b().decide(
            &Err(SendError::Transient("451".into())),
            1,
            now + Duration::seconds(1),
            now,
        );
        assert!(
            matches!(late, Outcome::Dead { reason } if reason.starts_with("retries exhausted: 451"))
        );
    }

    #[test]
    fn a_retry_after_is_always_honoured() {
        let now = Utc::now();
        let at = b()
            .next(
                now,
                1,
                now + Duration::hours(6),
                Some(Duration::seconds(120)),
            )
            .unwrap();
        assert!(at >= now + Duration::seconds(120));
    }
}
