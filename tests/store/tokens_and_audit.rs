use crate::fixtures::{audit, now, org};
use crate::on_both_stores;
use faultcast::access::{IssuedToken, Role};
use faultcast::registry::OrgId;
use faultcast::store::TokenRecord;

on_both_stores! {
    async fn a_token_is_found_by_id_and_revoked_once(store: Store) {
        let o = OrgId::generate();
        store.insert_organisation(o, &org("A", "0112038-9", &[]), now(), &audit("a")).await.unwrap();
        let issued = IssuedToken::generate().unwrap();
        let rec = TokenRecord { id: issued.id, hash: issued.hash.clone(), role: Role::OrgAdmin, org: Some(o), label: "x".into(), created_at: now(), expires_at: Some(now()), revoked_at: None };
        store.insert_token(&rec, &audit("token.create")).await.unwrap();
        let found = store.find_token(issued.id).await.unwrap().unwrap();
        assert!(found.hash.matches(&issued.hash));
        assert_eq!((found.role, found.org, found.expires_at), (Role::OrgAdmin, Some(o), rec.expires_at));
        assert!(store.revoke_token(issued.id, now(), &audit("token.revoke")).await.unwrap());
        assert!(!store.revoke_token(issued.id, now(), &audit("token.revoke")).await.unwrap());
        assert!(store.find_token(issued.id).await.unwrap().unwrap().revoked_at.is_some());
        let actions: Vec<String> = store.list_audit(None, None).await.unwrap().items.into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["token.revoke", "token.create", "a"], "a refused revoke records nothing");
    }

    async fn the_audit_log_pages_newest_first(store: Store) {
        for action in ["one", "two", "three"] {
            store.append_audit(&audit(action)).await.unwrap();
        }
        let p1 = store.list_audit(None, Some(2)).await.unwrap();
        assert_eq!(p1.items.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["three", "two"]);
        let p2 = store.list_audit(p1.next_cursor.as_deref(), Some(2)).await.unwrap();
        assert_eq!(p2.items.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["one"]);
        assert!(p2.next_cursor.is_none());
    }
}
