//! R13: the delivery state machine of the store against a reference model (proptest).
//! Random sequences of revisions, claims, outcomes and clock moves; after every step the
//! store's states must equal the model's. CI runs 64 sequences per database;
//! `FAULTCAST_R13_CASES=10000` runs the full proof.

use crate::fixtures::{audit, contact, now, org};
use chrono::{DateTime, Duration, Utc};
use faultcast::notices::{Action, NoticeDraft, NoticeId, NoticeInput, Revision, Sends};
use faultcast::registry::{ContactId, ContactSource, OrgId};
use faultcast::store::{Handover, Outcome, PlanChange, Store};
use proptest::prelude::*;

const LEASE: i64 = 60;
const MAX_AGE: i64 = 3_600;

#[derive(Clone, Debug)]
enum Op {
    /// A new revision, expanded waiting for a claim (false) or leased to the sender (true).
    Revise(bool),
    Claim,
    Answer(u8, i64),
    /// The sender renews the lease of the delivery it claimed last.
    Renew,
    Advance(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => any::<bool>().prop_map(Op::Revise),
        3 => Just(Op::Claim),
        3 => (0u8..5, 1i64..600).prop_map(|(k, d)| Op::Answer(k, d)),
        1 => Just(Op::Renew),
        2 => prop_oneof![1i64..120, Just(LEASE + 1), Just(MAX_AGE)].prop_map(Op::Advance),
    ]
}

#[derive(Clone, Debug, PartialEq)]
struct Model {
    revision: i32,
    state: &'static str,
    attempts: i32,
    next: DateTime<Utc>,
    lease_until: Option<DateTime<Utc>>,
    expires: DateTime<Utc>,
}

fn final_state(s: &str) -> bool {
    !matches!(s, "pending" | "sending" | "retry")
}

async fn run_case(store: &Store, draft: &NoticeDraft, ops: &[Op]) -> Result<(), String> {
    let id = NoticeId::generate();
    let mut t = now();
    let mut models: Vec<Model> = Vec::new();
    let mut claimed: Vec<faultcast::store::ClaimedDelivery> = Vec::new();
    let owner = format!("case-{id}");
    for (step, op) in std::iter::once(&Op::Revise(false)).chain(ops).enumerate() {
        match op {
            Op::Revise(handed) => {
                let number = models.last().map(|m| m.revision).unwrap_or(0) + 1;
                let rev = Revision {
                    notice_id: id,
                    number,
                    action: if number == 1 {
                        Action::Publish
                    } else {
                        Action::Update
                    },
                    draft: draft.clone(),
                    published_at: t,
                    sms: false,
                };
                if number == 1 {
                    store
                        .publish_notice(&rev, Sends::EMAIL, &[], "t", &audit("p"))
                        .await
                } else {
                    store
                        .add_revision(&rev, Sends::EMAIL, &PlanChange::default(), "t", &audit("r"))
                        .await
                        .map(|_| ())
                }
                .map_err(|e| e.to_string())?;
                let job = store
                    .claim_fanout_job(&owner, t, t + Duration::seconds(LEASE))
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or("no fan-out job")?;
                let (batch, next) = store
                    .fanout_targets(&rev, job.sends, &job.cursor, 100)
                    .await
                    .map_err(|e| e.to_string())?;
                let handover = match handed {
                    true => Handover::Lease(t + Duration::seconds(LEASE)),
                    false => Handover::Queue,
                };
                let written = store
                    .write_fanout_batch(
                        &job,
                        &batch,
                        next.as_deref(),
                        (t, t + Duration::seconds(MAX_AGE)),
                        handover,
                    )
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or("the fan-out lease was lost")?;
                if written.len() != usize::from(*handed) {
                    return Err(format!("step {step}: {} handed over", written.len()));
                }
                claimed.extend(written);
                for m in models
                    .iter_mut()
                    .filter(|m| m.state == "pending" || m.state == "retry")
                {
                    m.state = "superseded";
                }
                models.push(Model {
                    revision: number,
                    state: if *handed { "sending" } else { "pending" },
                    attempts: i32::from(*handed),
                    next: t,
                    lease_until: handed.then(|| t + Duration::seconds(LEASE)),
                    expires: t + Duration::seconds(MAX_AGE),
                });
            }
            Op::Claim => {
                let got: Vec<_> = store
                    .claim_deliveries(t, t + Duration::seconds(LEASE), 10)
                    .await
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .filter(|c| c.notice_id == id)
                    .collect();
                let newest = models.len() as i32;
                for m in models.iter_mut() {
                    if (m.state == "pending" || m.state == "retry") && m.expires <= t {
                        m.state = if m.attempts > 0 { "dead" } else { "expired" };
                    }
                    if m.state == "sending"
                        && m.lease_until.is_some_and(|l| l < t)
                        && m.revision < newest
                    {
                        m.state = "superseded";
                        m.lease_until = None;
                    }
                }
                let mut expected = Vec::new();
                for m in models.iter_mut() {
                    let due = ((m.state == "pending" || m.state == "retry") && m.next <= t)
                        || (m.state == "sending" && m.lease_until.is_some_and(|l| l < t));
                    if due && m.expires > t && m.revision == newest {
                        m.state = "sending";
                        m.attempts += 1;
                        m.lease_until = Some(t + Duration::seconds(LEASE));
                        expected.push(m.revision);
                    }
                }
                let got_revs: Vec<i32> = got.iter().map(|c| c.revision).collect();
                if got_revs != expected {
                    let mut rows = Vec::new();
                    for m in &models {
                        rows.extend(
                            store
                                .list_deliveries(id, m.revision, None, 0, 10)
                                .await
                                .map_err(|e| e.to_string())?
                                .into_iter()
                                .map(|r| (r.revision, r.state, r.attempts, r.next_attempt_at)),
                        );
                    }
                    return Err(format!(
                        "step {step} at {t}: claimed {got_revs:?}, model {expected:?}; store {rows:?}; model {models:?}"
                    ));
                }
                claimed.extend(got);
            }
            Op::Answer(kind, delay) => {
                let Some(c) = claimed.pop() else { continue };
                let outcome = match kind {
                    0 => Outcome::Sent { external_id: None },
                    1 => Outcome::Failed {
                        reason: "550".into(),
                    },
                    2 => Outcome::Retry {
                        at: t + Duration::seconds(*delay),
                        reason: "451".into(),
                    },
                    3 => Outcome::Dead {
                        reason: "exhausted".into(),
                    },
                    _ => Outcome::Paused {
                        at: t + Duration::seconds(*delay),
                        reason: "auth".into(),
                    },
                };
                store
                    .record_outcomes(&[(c.clone(), outcome.clone())], t)
                    .await
                    .map_err(|e| e.to_string())?;
                let newer_exists = models.len() as i32 > c.revision;
                let m = &mut models[(c.revision - 1) as usize];
                // The write is fenced: only the attempt that still holds the delivery counts.
                if m.state == "sending" && m.attempts == c.attempt {
                    m.lease_until = None;
                    match outcome {
                        Outcome::Sent { .. } => m.state = "sent",
                        Outcome::Failed { .. } => m.state = "failed",
                        Outcome::Dead { .. } => m.state = "dead",
                        Outcome::Retry { at, .. } => (m.state, m.next) = ("retry", at),
                        Outcome::Paused { at, .. } => {
                            (m.state, m.next, m.attempts) = ("retry", at, m.attempts - 1)
                        }
                    }
                    if m.state == "retry" && newer_exists {
                        m.state = "superseded";
                    }
                }
            }
            Op::Renew => {
                let Some(c) = claimed.last() else { continue };
                let until = t + Duration::seconds(LEASE);
                let renewed = store
                    .renew_leases(&[(c.id, c.attempt)], until)
                    .await
                    .map_err(|e| e.to_string())?;
                let m = &mut models[(c.revision - 1) as usize];
                // Fenced like an outcome: only the attempt still in flight is renewed.
                let ours = m.state == "sending" && m.attempts == c.attempt;
                if ours {
                    m.lease_until = Some(until);
                }
                if renewed != ours.then_some(c.id).into_iter().collect::<Vec<_>>() {
                    return Err(format!("step {step}: renewed {renewed:?}, model {m:?}"));
                }
            }
            Op::Advance(s) => t += Duration::seconds(*s),
        }
        for m in &models {
            let rows = store
                .list_deliveries(id, m.revision, None, 0, 10)
                .await
                .map_err(|e| e.to_string())?;
            let row = rows.first().ok_or(format!(
                "step {step}: revision {} has no delivery",
                m.revision
            ))?;
            if row.state.code() != m.state || row.attempts != m.attempts {
                return Err(format!(
                    "step {step} ({op:?}): revision {} is {}/{} in the store, {}/{} in the model",
                    m.revision, row.state, row.attempts, m.state, m.attempts
                ));
            }
            if !final_state(m.state) && m.revision < models.len() as i32 && m.state != "sending" {
                return Err(format!(
                    "step {step}: revision {} still waits behind a newer revision",
                    m.revision
                ));
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("FAULTCAST_R13_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// A fresh database with one organisation and one email contact, and the draft that
/// targets it: each sequence starts from an empty queue.
async fn fixture(
    backend: crate::support::Backend,
) -> Option<(Store, tempfile::TempDir, NoticeDraft)> {
    fixture_at(backend)
        .await
        .map(|(s, d, draft, _)| (s, d, draft))
}

/// The fixture and its database URL, so that each property case can drop its database.
async fn fixture_at(
    backend: crate::support::Backend,
) -> Option<(Store, tempfile::TempDir, NoticeDraft, String)> {
    let (store, dir, url) = crate::support::store_at(backend).await?;
    let o = OrgId::generate();
    let d = org("A", "0112038-9", &["prescription-centre"]);
    store
        .insert_organisation(o, &d, now(), &audit("o"))
        .await
        .unwrap();
    store
        .insert_contact(
            o,
            ContactId::generate(),
            &contact("C", "c@a.fi", None, &d.services),
            ContactSource::Operator,
            now(),
            &audit("c"),
        )
        .await
        .unwrap();
    let input = NoticeInput {
        kind: Some("fault".into()),
        severity: Some("minor".into()),
        services: Some(vec!["prescription-centre".into()]),
        title: Some(
            [
                ("fi".to_owned(), "x".to_owned()),
                ("sv".to_owned(), "x".to_owned()),
            ]
            .into(),
        ),
        body: Some(
            [
                ("fi".to_owned(), "x".to_owned()),
                ("sv".to_owned(), "x".to_owned()),
            ]
            .into(),
        ),
        ..Default::default()
    };
    let draft = NoticeDraft::parse(
        input,
        &crate::fixtures::catalogue(),
        now(),
        "http://x/notices/1",
    )
    .unwrap();
    Some((store, dir, draft, url))
}

fn check(backend: crate::support::Backend) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if rt.block_on(fixture(backend)).is_none() {
        return;
    }
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    // PostgreSQL: one database for every case, emptied of notices between cases (making
    // and migrating a database per case would take hours for the full 10,000).
    let shared = (backend == crate::support::Backend::Postgres).then(|| {
        rt.block_on(async {
            let fixture = fixture_at(backend).await.expect("available above");
            let admin = sqlx::PgPool::connect(&fixture.3).await.expect("connect");
            (fixture, admin)
        })
    });
    runner
        .run(&proptest::collection::vec(op(), 1..24), |ops| {
            rt.block_on(async {
                if let Some(((store, _dir, draft, _), admin)) = &shared {
                    sqlx::query(
                        "TRUNCATE deliveries, fanout_jobs, reminders, notice_services, notice_revisions, notices CASCADE",
                    )
                    .execute(admin)
                    .await
                    .map_err(|e| e.to_string())?;
                    return run_case(store, draft, &ops).await;
                }
                let (store, _dir, draft, _) = fixture_at(backend).await.expect("available above");
                let result = run_case(&store, &draft, &ops).await;
                store.close().await;
                result
            })
            .map_err(TestCaseError::fail)
        })
        .unwrap();
    if let Some(((store, dir, _, url), admin)) = shared {
        rt.block_on(async {
            admin.close().await;
            store.close().await;
            crate::support::postgres::drop_database(&url).await;
        });
        drop(dir);
    }
}

#[test]
fn the_delivery_state_machine_matches_its_model_on_sqlite() {
    check(crate::support::Backend::Sqlite);
}

#[test]
fn the_delivery_state_machine_matches_its_model_on_postgres() {
    check(crate::support::Backend::Postgres);
}

mod faults_are_claimed_before_maintenance_reminders {
    use super::*;

    async fn faults_are_claimed_before_maintenance(backend: crate::support::Backend) {
        let Some((store, _dir, fault)) = fixture(backend).await else {
            return;
        };
        // The same content as maintenance, as a stored revision would read back.
        let mut stored = serde_json::to_value(&fault).unwrap();
        stored["kind"] = "maintenance".into();
        let maintenance: NoticeDraft = serde_json::from_value(stored).unwrap();
        let t = now();
        // Maintenance first, so that only the lane can put the fault ahead.
        for (draft, offset) in [(&maintenance, 0), (&fault, 1)] {
            let rev = Revision {
                notice_id: NoticeId::generate(),
                number: 1,
                action: Action::Publish,
                draft: draft.clone(),
                published_at: t + Duration::milliseconds(offset),
                sms: false,
            };
            store
                .publish_notice(&rev, Sends::EMAIL, &[], "t", &audit("p"))
                .await
                .unwrap();
            let job = store
                .claim_fanout_job("n", t + Duration::seconds(1), t + Duration::seconds(60))
                .await
                .unwrap()
                .unwrap();
            let (batch, next) = store
                .fanout_targets(&rev, job.sends, &job.cursor, 100)
                .await
                .unwrap();
            store
                .write_fanout_batch(
                    &job,
                    &batch,
                    next.as_deref(),
                    (t, t + Duration::hours(6)),
                    Handover::Queue,
                )
                .await
                .unwrap();
        }
        let first = store
            .claim_deliveries(t + Duration::seconds(2), t + Duration::seconds(60), 1)
            .await
            .unwrap();
        let rev = store
            .notice_revision(first[0].notice_id, 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rev.draft.kind, faultcast::registry::NoticeKind::Fault);
    }

    #[tokio::test]
    async fn on_sqlite() {
        faults_are_claimed_before_maintenance(crate::support::Backend::Sqlite).await
    }

    #[tokio::test]
    async fn on_postgres() {
        faults_are_claimed_before_maintenance(crate::support::Backend::Postgres).await
    }
}
