//! Backoff: base × 2ⁿ with ±20 % jitter, capped, never past the message's age limit.

use chrono::{DateTime, Duration, Utc};

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
