use crate::fixtures::now;
use crate::on_both_stores;
use faultcast::store::IdempotencyClaim;

on_both_stores! {
    async fn an_idempotency_key_moves_from_fresh_to_replay(store: Store) {
        assert_eq!(store.claim_idempotency("a", "k", "h1", now()).await.unwrap(), IdempotencyClaim::Fresh);
        assert_eq!(store.claim_idempotency("a", "k", "h1", now()).await.unwrap(), IdempotencyClaim::InProgress);
        assert_eq!(store.claim_idempotency("a", "k", "h2", now()).await.unwrap(), IdempotencyClaim::Mismatch);
        store.complete_idempotency("a", "k", 201, "{\"id\":1}").await.unwrap();
        assert_eq!(store.claim_idempotency("a", "k", "h1", now()).await.unwrap(), IdempotencyClaim::Replay { status: 201, body: "{\"id\":1}".into() });
        assert_eq!(store.claim_idempotency("b", "k", "h2", now()).await.unwrap(), IdempotencyClaim::Fresh, "keys are per actor");
    }

    async fn a_released_key_can_be_claimed_again(store: Store) {
        assert_eq!(store.claim_idempotency("a", "k", "h1", now()).await.unwrap(), IdempotencyClaim::Fresh);
        store.release_idempotency("a", "k").await.unwrap();
        assert_eq!(store.claim_idempotency("a", "k", "h2", now()).await.unwrap(), IdempotencyClaim::Fresh);
        store.complete_idempotency("a", "k", 201, "{}").await.unwrap();
        store.release_idempotency("a", "k").await.unwrap();
        assert!(matches!(store.claim_idempotency("a", "k", "h2", now()).await.unwrap(), IdempotencyClaim::Replay { .. }), "a completed key is kept");
    }

    async fn concurrent_claims_of_one_key_let_exactly_one_through(store: Store) {
        let claims = futures_join(&store).await;
        assert_eq!(claims.iter().filter(|c| **c == IdempotencyClaim::Fresh).count(), 1, "{claims:?}");
    }
}

async fn futures_join(store: &faultcast::store::Store) -> Vec<IdempotencyClaim> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let s = store.clone();
        set.spawn(async move { s.claim_idempotency("a", "race", "h", now()).await.unwrap() });
    }
    set.join_all().await
}

on_both_stores! {
    async fn a_key_is_forgotten_after_a_day(store: Store) {
        let then = now() - chrono::Duration::hours(25);
        assert_eq!(store.claim_idempotency("a", "old", "h1", then).await.unwrap(), IdempotencyClaim::Fresh);
        store.complete_idempotency("a", "old", 201, "{}").await.unwrap();
        assert_eq!(store.claim_idempotency("a", "old", "h2", now()).await.unwrap(), IdempotencyClaim::Fresh, "expired: a new request");
    }
}
