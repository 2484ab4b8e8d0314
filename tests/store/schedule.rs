//! The scheduler's store contract: a plan step or a housekeeping occurrence is taken by
//! one caller only, however many race for it, and a revision decided on a stale plan is
//! refused.

use crate::fixtures::{audit, catalogue, now};
use crate::on_both_stores;
use chrono::Duration;
use faultcast::notices::{
    Action, NoticeDraft, NoticeId, NoticeInput, PlanRules, PlanStatus, Revision, Sends, Step,
};
use faultcast::store::{Firing, PlanChange};

fn maintenance() -> NoticeDraft {
    let texts = |t: &str| {
        Some(
            [
                ("fi".to_owned(), t.to_owned()),
                ("sv".to_owned(), t.to_owned()),
            ]
            .into(),
        )
    };
    let input = NoticeInput {
        kind: Some("maintenance".into()),
        services: Some(vec!["prescription-centre".into()]),
        title: texts("Huolto"),
        body: texts("Katko"),
        window_start: Some(Some((now() + Duration::days(20)).to_rfc3339())),
        window_end: Some(Some(
            (now() + Duration::days(20) + Duration::hours(2)).to_rfc3339(),
        )),
        ..Default::default()
    };
    NoticeDraft::parse(input, &catalogue(), now(), "https://x.example/n").unwrap()
}

fn rules() -> PlanRules {
    PlanRules {
        tz: faultcast::calendar::HELSINKI,
        announce_days_before: 14,
        at: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        transition_email: false,
    }
}

on_both_stores! {
    async fn a_housekeeping_occurrence_is_claimed_by_one_caller(store: Store) {
        let due = now();
        store.plan_housekeeping("purge", "0 30 2 * * *", due).await.unwrap();
        let next = due + Duration::days(1);
        let claims = futures_join(&store, |s| async move {
            s.claim_housekeeping("purge", due, next, due).await.unwrap()
        }).await;
        assert_eq!(claims.iter().filter(|c| **c).count(), 1, "{claims:?}");
        assert_eq!(store.housekeeping_next("purge").await.unwrap().unwrap().1, next);
    }

    async fn a_due_step_fires_once_and_a_revision_on_a_stale_plan_is_refused(store: Store) {
        let draft = maintenance();
        let rev = Revision { notice_id: NoticeId::generate(), number: 1, action: Action::Publish,
            draft: draft.clone(), published_at: now(), sms: false };
        let plan = rules().plan(&draft, PlanStatus::default(), false, now());
        store.publish_notice(&rev, Sends::NONE, &plan, "t", &audit("p")).await.unwrap();
        let (status, planned) = store.plan_status(rev.notice_id).await.unwrap();
        assert_eq!((status, planned), (PlanStatus::default(), 4));
        let due = store.due_reminders(now() + Duration::days(7), 10).await.unwrap();
        assert_eq!(due.iter().map(|r| r.step).collect::<Vec<_>>(), [Step::Announcement]);
        let step = due[0].clone();
        let fired = futures_join(&store, |s| {
            let step = step.clone();
            async move {
                s.fire_reminder(&step, &Firing::Send { revision: 1, lane: 1 }, now()).await.unwrap()
            }
        }).await;
        assert_eq!(fired.iter().filter(|f| **f).count(), 1, "{fired:?}");
        let job = store.claim_fanout_job("n", now(), now() + Duration::seconds(60)).await.unwrap().unwrap();
        assert_eq!((job.step.as_str(), job.sends), ("announcement", Sends::EMAIL));
        assert!(store.claim_fanout_job("n", now(), now() + Duration::seconds(60)).await.unwrap().is_none(),
            "one job, not one per firing");
        // A revision decided while the announcement was still planned is refused.
        let update = Revision { number: 2, action: Action::Update, ..rev.clone() };
        let stale = PlanChange { expect_planned: 4, replace: None };
        assert!(!store.add_revision(&update, Sends::NONE, &stale, "t", &audit("r")).await.unwrap());
        let fresh = PlanChange { expect_planned: 3, replace: None };
        assert!(store.add_revision(&update, Sends::EMAIL, &fresh, "t", &audit("r")).await.unwrap());
        let (status, planned) = store.plan_status(rev.notice_id).await.unwrap();
        assert!(status.announced);
        assert_eq!(planned, 3);
    }
}

/// Runs `f` four times at once against clones of `store`.
async fn futures_join<F, Fut, T>(store: &faultcast::store::Store, f: F) -> Vec<T>
where
    F: Fn(faultcast::store::Store) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..4 {
        set.spawn(f(store.clone()));
    }
    set.join_all().await
}
