use crate::fixtures::{audit, now, org};
use crate::on_both_stores;
use faultcast::access::{Answer, Earlier, IdempotencyKey, Keep, Kept};
use faultcast::registry::{OrgId, Organisation};
use faultcast::store::{Store, StoreError};

fn key(scope: &str, key: &str, request: &str) -> IdempotencyKey {
    IdempotencyKey::from_parts(scope, key, request)
}

fn created(o: &Organisation) -> Answer {
    Answer {
        status: 201,
        body: format!("{{\"id\":\"{}\"}}", o.id),
    }
}

async fn create(
    store: &Store,
    k: &IdempotencyKey,
    business_id: &str,
) -> Result<Kept<Organisation>, StoreError> {
    let keep = Keep {
        key: k,
        answer: &created,
    };
    store
        .insert_organisation_keyed(
            OrgId::generate(),
            &org("A", business_id, &[]),
            now(),
            &audit("organisation.create"),
            Some(keep),
        )
        .await
}

async fn organisations(store: &Store) -> usize {
    store
        .list_organisations(None, None, None, None)
        .await
        .unwrap()
        .items
        .len()
}

on_both_stores! {
    async fn a_keyed_write_keeps_its_answer_and_a_retry_gets_it_without_a_second_effect(store: Store) {
        let k = key("a", "k", "h1");
        assert_eq!(store.earlier_request(&k, now()).await.unwrap(), None);
        let Kept::Done(first) = create(&store, &k, "0112038-9").await.unwrap() else { panic!("a new key makes the write") };
        let answered = Earlier::Answered(created(&first));
        assert_eq!(store.earlier_request(&k, now()).await.unwrap(), Some(answered.clone()), "kept with the write");
        let again = create(&store, &k, "0246246-0").await.unwrap();
        assert!(matches!(&again, Kept::Earlier(e) if *e == answered), "{again:?}");
        assert_eq!(organisations(&store).await, 1, "the retry made nothing");
        let other = create(&store, &key("a", "k", "h2"), "0246246-0").await.unwrap();
        assert!(matches!(other, Kept::Earlier(Earlier::OtherRequest)), "{other:?}");
        assert!(matches!(create(&store, &key("b", "k", "h2"), "0246246-0").await.unwrap(), Kept::Done(_)), "keys are per actor");
        assert_eq!(organisations(&store).await, 2);
    }

    async fn a_write_that_fails_leaves_its_key_unclaimed(store: Store) {
        store.insert_organisation(OrgId::generate(), &org("B", "0112038-9", &[]), now(), &audit("a")).await.unwrap();
        let k = key("a", "k", "h1");
        let dup = create(&store, &k, "0112038-9").await;
        assert!(matches!(dup, Err(StoreError::Duplicate("business_id"))), "{dup:?}");
        assert_eq!(store.earlier_request(&k, now()).await.unwrap(), None, "rolled back with the write");
        assert!(matches!(create(&store, &k, "0246246-0").await.unwrap(), Kept::Done(_)));
    }

    async fn concurrent_writes_with_one_key_make_exactly_one_effect(store: Store) {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let s = store.clone();
            set.spawn(async move { create(&s, &key("a", "race", "h"), "0112038-9").await.unwrap() });
        }
        let results = set.join_all().await;
        assert_eq!(results.iter().filter(|r| matches!(r, Kept::Done(_))).count(), 1, "{results:?}");
        assert!(results.iter().all(|r| matches!(r, Kept::Done(_) | Kept::Earlier(Earlier::Answered(_)))), "{results:?}");
        assert_eq!(organisations(&store).await, 1);
    }

    async fn a_refusal_is_remembered_once_and_never_overwritten(store: Store) {
        let k = key("a", "k", "h1");
        let refused = Answer { status: 422, body: "{\"code\":\"invalid\"}".into() };
        store.remember_answer(&k, &refused, now()).await.unwrap();
        store.remember_answer(&k, &Answer { status: 201, body: "{}".into() }, now()).await.unwrap();
        assert_eq!(store.earlier_request(&k, now()).await.unwrap(), Some(Earlier::Answered(refused)));
        assert!(matches!(create(&store, &k, "0112038-9").await.unwrap(), Kept::Earlier(Earlier::Answered(_))));
        assert_eq!(organisations(&store).await, 0);
    }

    async fn a_key_is_forgotten_after_a_day(store: Store) {
        let k = key("a", "old", "h1");
        store.remember_answer(&k, &Answer { status: 201, body: "{}".into() }, now() - chrono::Duration::hours(25)).await.unwrap();
        assert_eq!(store.earlier_request(&key("a", "old", "h2"), now()).await.unwrap(), None, "expired: a new request");
        assert!(matches!(create(&store, &key("a", "old", "h2"), "0112038-9").await.unwrap(), Kept::Done(_)));
    }
}
