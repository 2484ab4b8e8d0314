//! Cron housekeeping: each job's next occurrence is stored; the daemon that moves it on
//! (compare-and-set) runs that occurrence, so it runs once however many daemons there are.
//! An occurrence missed while every daemon was down runs once at start-up.

use crate::config::HousekeepingSettings;
use crate::intake::Intake;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// The first occurrence of `schedule` after `t`, read in the wall-clock time of `tz`.
pub fn next_occurrence(
    schedule: &cron::Schedule,
    tz: Tz,
    t: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    schedule
        .after(&t.with_timezone(&tz))
        .next()
        .map(|d| d.with_timezone(&Utc))
}

/// One configured job.
struct Job {
    key: &'static str,
    expression: String,
    schedule: cron::Schedule,
}

/// The housekeeping jobs and their parameters.
pub struct Housekeeping {
    intake: Intake,
    tz: Tz,
    jobs: Vec<Job>,
    operators: Vec<String>,
    review_months: u32,
    retention: chrono::Duration,
    escalate_after: Option<chrono::Duration>,
}

impl Housekeeping {
    /// The jobs of `[housekeeping]` (validated at load), in `tz`.
    pub fn new(intake: Intake, s: &HousekeepingSettings, tz: Tz) -> anyhow::Result<Self> {
        let jobs = s
            .jobs()
            .into_iter()
            .map(|(key, expr)| {
                Ok(Job {
                    key,
                    expression: expr.trim().to_owned(),
                    schedule: cron::Schedule::from_str(expr.trim())
                        .map_err(|e| anyhow::anyhow!("housekeeping.{key}: {e}"))?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            intake,
            tz,
            jobs,
            operators: s.operator_emails.clone(),
            review_months: s.contact_review_months,
            retention: chrono::Duration::days(i64::from(s.delivery_retention_days)),
            escalate_after: None,
        })
    }

    /// Also escalates unacknowledged organisations `after` publication (`[reach]`).
    pub fn with_escalation(mut self, after: Option<chrono::Duration>) -> Self {
        self.escalate_after = after;
        self
    }

    /// Escalates the organisations due; how many this daemon escalated.
    pub async fn escalate(&self) -> anyhow::Result<usize> {
        Ok(match self.escalate_after {
            Some(after) => self.intake.escalate_unacknowledged(after).await?,
            None => 0,
        })
    }

    /// The first occurrence of `job` after `t`.
    fn after(&self, job: &Job, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        next_occurrence(&job.schedule, self.tz, t)
    }

    /// Runs every job whose occurrence is due; returns how many ran here.
    pub async fn round(&self) -> anyhow::Result<usize> {
        let store = self.intake.store();
        let mut ran = 0;
        for job in &self.jobs {
            let now = self.intake.clock().now_micros();
            let Some(next) = self.after(job, now) else {
                continue;
            };
            match store.housekeeping_next(job.key).await? {
                Some((expr, due)) if expr == job.expression => {
                    if due > now || !store.claim_housekeeping(job.key, due, next, now).await? {
                        continue;
                    }
                    let outcome = match self.run(job.key).await {
                        Ok(n) => format!("ok: {n}"),
                        Err(e) => {
                            tracing::error!(job = job.key, error = %e, "housekeeping job failed");
                            format!("failed: {e}")
                        }
                    };
                    store.finish_housekeeping(job.key, &outcome).await?;
                    ran += 1;
                }
                // First sight, or the expression changed: plan from now on.
                _ => {
                    store
                        .plan_housekeeping(job.key, &job.expression, next)
                        .await?
                }
            }
        }
        Ok(ran)
    }

    async fn run(&self, key: &str) -> anyhow::Result<u64> {
        let i = &self.intake;
        Ok(match key {
            "purge" => i.purge_deliveries(self.retention).await?,
            "overdue_updates" => i.nudge_overdue_updates(&self.operators).await?,
            "unreachable_report" => i.report_unreachable(&self.operators).await?,
            "contact_review" => i.remind_contact_review(self.review_months).await?,
            "verify_addresses" => i.send_verifications().await?,
            other => anyhow::bail!("no housekeeping job {other}"),
        })
    }

    /// When the next job occurrence is due.
    pub async fn next_due(&self) -> Option<DateTime<Utc>> {
        let mut next: Option<DateTime<Utc>> = None;
        for job in &self.jobs {
            if let Ok(Some((_, due))) = self.intake.store().housekeeping_next(job.key).await {
                next = Some(next.map_or(due, |n| n.min(due)));
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::HELSINKI;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn cron_times_are_helsinki_wall_clock_times_across_daylight_saving() {
        let monday_nine = cron::Schedule::from_str("0 0 9 * * Mon").unwrap();
        // Before and after the spring change (Sunday 28 March 2027).
        assert_eq!(
            next_occurrence(&monday_nine, HELSINKI, utc("2027-03-20T00:00:00Z")),
            Some(utc("2027-03-22T07:00:00Z"))
        );
        assert_eq!(
            next_occurrence(&monday_nine, HELSINKI, utc("2027-03-23T00:00:00Z")),
            Some(utc("2027-03-29T06:00:00Z"))
        );
        let purge = cron::Schedule::from_str("0 30 2 * * *").unwrap();
        assert_eq!(
            next_occurrence(&purge, HELSINKI, utc("2026-10-24T12:00:00Z")),
            Some(utc("2026-10-24T23:30:00Z")),
            "02:30 EEST on the night the clocks go back"
        );
        assert_eq!(
            next_occurrence(&purge, HELSINKI, utc("2026-10-25T12:00:00Z")),
            Some(utc("2026-10-26T00:30:00Z")),
            "02:30 EET the night after"
        );
    }
}
