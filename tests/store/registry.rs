use crate::fixtures::{audit, contact, now, org};
use crate::on_both_stores;
use faultcast::registry::{ContactId, ContactSource, OrgId, OrgState, OrganisationDraft};
use faultcast::store::{ContactImport, StoreError};

on_both_stores! {
    async fn an_organisation_round_trips_with_its_services(store: Store) {
        let id = OrgId::generate();
        let d = org("Apteekki Ässä", "0112038-9", &["prescription", "prescription-centre"]);
        let t = now();
        let stored = store.insert_organisation(id, &d, t, &audit("organisation.create")).await.unwrap();
        let read = store.get_organisation(id).await.unwrap().unwrap();
        assert_eq!(read, stored);
        assert_eq!(read.created_at, t);
        assert!(store.get_organisation(OrgId::generate()).await.unwrap().is_none());
    }

    async fn a_business_id_is_unique(store: Store) {
        store.insert_organisation(OrgId::generate(), &org("A", "0112038-9", &[]), now(), &audit("a")).await.unwrap();
        let dup = store.insert_organisation(OrgId::generate(), &org("B", "0112038-9", &[]), now(), &audit("a")).await;
        assert!(matches!(dup, Err(StoreError::Duplicate("business_id"))), "{dup:?}");
        assert_eq!(store.list_audit(None, None).await.unwrap().items.len(), 1, "the failed insert left no audit record");
    }

    async fn organisations_list_in_pages_filtered_and_searched(store: Store) {
        let mut ids = Vec::new();
        for (name, bid) in [("Alpha", "0112038-9"), ("Beta_%", "0246246-0"), ("Gamma", "0921536-6")] {
            let id = OrgId::generate();
            store.insert_organisation(id, &org(name, bid, &[]), now(), &audit("a")).await.unwrap();
            ids.push(id);
        }
        let p1 = store.list_organisations(None, None, None, Some(2)).await.unwrap();
        assert_eq!(p1.items.iter().map(|o| o.id).collect::<Vec<_>>(), ids[..2]);
        let p2 = store.list_organisations(None, None, p1.next_cursor.as_deref(), Some(2)).await.unwrap();
        assert_eq!(p2.items.iter().map(|o| o.id).collect::<Vec<_>>(), ids[2..]);
        assert!(p2.next_cursor.is_none());
        let only = store.list_organisations(Some(ids[1]), None, None, None).await.unwrap();
        assert_eq!(only.items.len(), 1);
        assert_eq!(store.list_organisations(None, Some("_%"), None, None).await.unwrap().items.len(), 1);
        assert_eq!(store.list_organisations(None, Some("GAMMA"), None, None).await.unwrap().items[0].id, ids[2]);
        assert_eq!(store.list_organisations(None, Some("0246246"), None, None).await.unwrap().items[0].id, ids[1]);
    }

    async fn a_contact_round_trips_and_is_reachable_only_through_its_organisation(store: Store) {
        let (a, b) = (OrgId::generate(), OrgId::generate());
        let da = org("A", "0112038-9", &["prescription", "prescription-centre"]);
        store.insert_organisation(a, &da, now(), &audit("a")).await.unwrap();
        store.insert_organisation(b, &org("B", "0246246-0", &["prescription"]), now(), &audit("a")).await.unwrap();
        let id = ContactId::generate();
        let d = contact("Tuki", "Tuki@A.fi", Some(&["prescription"]), &da.services);
        let stored = store.insert_contact(a, id, &d, ContactSource::SelfService, now(), &audit("c")).await.unwrap();
        assert_eq!(store.get_contact(a, id).await.unwrap().unwrap(), stored);
        assert!(store.get_contact(b, id).await.unwrap().is_none());
        let changed = contact("Tuki 2", "t@a.fi", None, &da.services);
        assert!(!store.update_contact(b, id, &changed, now(), &audit("c")).await.unwrap());
        assert!(!store.delete_contact(b, id, &audit("c")).await.unwrap());
        assert!(store.update_contact(a, id, &changed, now(), &audit("c")).await.unwrap());
        let read = store.get_contact(a, id).await.unwrap().unwrap();
        assert_eq!(read.draft, changed);
        assert_eq!(read.draft.services, None, "back to following the organisation");
        assert!(store.delete_contact(a, id, &audit("c")).await.unwrap());
        assert!(store.get_contact(a, id).await.unwrap().is_none());
    }

    async fn contacts_list_in_pages(store: Store) {
        let o = OrgId::generate();
        let d = org("A", "0112038-9", &["prescription"]);
        store.insert_organisation(o, &d, now(), &audit("a")).await.unwrap();
        for i in 0..5 {
            store.insert_contact(o, ContactId::generate(), &contact(&format!("C{i}"), "c@a.fi", None, &d.services), ContactSource::Operator, now(), &audit("c")).await.unwrap();
        }
        let mut names = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.list_contacts(o, cursor.as_deref(), Some(2)).await.unwrap();
            names.extend(page.items.iter().map(|c| c.draft.name.clone()));
            match page.next_cursor { Some(c) => cursor = Some(c), None => break }
        }
        assert_eq!(names, ["C0", "C1", "C2", "C3", "C4"]);
    }

    async fn changing_an_organisations_services_prunes_its_contacts_subscriptions(store: Store) {
        let o = OrgId::generate();
        let d = org("A", "0112038-9", &["prescription", "prescription-centre"]);
        store.insert_organisation(o, &d, now(), &audit("a")).await.unwrap();
        let c = ContactId::generate();
        store.insert_contact(o, c, &contact("C", "c@a.fi", Some(&["prescription", "prescription-centre"]), &d.services), ContactSource::Operator, now(), &audit("c")).await.unwrap();
        let mut fields = (*d).clone();
        fields.services.retain(|s| s.as_str() == "prescription");
        fields.state = OrgState::Closed;
        let smaller = OrganisationDraft::restore(fields).unwrap();
        assert!(store.update_organisation(o, &smaller, now(), &audit("u")).await.unwrap());
        let read = store.get_contact(o, c).await.unwrap().unwrap();
        let own: Vec<&str> = read.draft.services.as_ref().unwrap().iter().map(|s| s.as_str()).collect();
        assert_eq!(own, ["prescription"]);
        assert_eq!(store.get_organisation(o).await.unwrap().unwrap().draft.state, OrgState::Closed);
    }

    async fn deleting_an_organisation_deletes_its_contacts(store: Store) {
        let o = OrgId::generate();
        let d = org("A", "0112038-9", &["prescription"]);
        store.insert_organisation(o, &d, now(), &audit("a")).await.unwrap();
        store.insert_contact(o, ContactId::generate(), &contact("C", "c@a.fi", Some(&["prescription"]), &d.services), ContactSource::Operator, now(), &audit("c")).await.unwrap();
        assert!(store.delete_organisation(o, &audit("d")).await.unwrap());
        assert!(store.all_contacts(o).await.unwrap().is_empty());
        assert!(!store.delete_organisation(o, &audit("d")).await.unwrap());
    }

    async fn an_import_is_all_or_nothing(store: Store) {
        let o = OrgId::generate();
        let d = org("A", "0112038-9", &["prescription"]);
        store.insert_organisation(o, &d, now(), &audit("a")).await.unwrap();
        let existing = ContactId::generate();
        store.insert_contact(o, existing, &contact("Old", "old@a.fi", None, &d.services), ContactSource::Operator, now(), &audit("c")).await.unwrap();
        let dup = ContactId::generate();
        let failing = ContactImport {
            update: vec![],
            insert: vec![(dup, contact("N1", "n1@a.fi", None, &d.services)), (dup, contact("N2", "n2@a.fi", None, &d.services))],
            delete: vec![existing],
        };
        assert!(store.import_contacts(o, &failing, now(), &audit("i")).await.is_err());
        let after: Vec<String> = store.all_contacts(o).await.unwrap().into_iter().map(|c| c.draft.name.clone()).collect();
        assert_eq!(after, ["Old"], "the failed import changed nothing");
        let ok = ContactImport { update: vec![(existing, contact("Old 2", "old@a.fi", None, &d.services))], insert: vec![(ContactId::generate(), contact("New", "n@a.fi", None, &d.services))], delete: vec![] };
        store.import_contacts(o, &ok, now(), &audit("i")).await.unwrap();
        let all = store.all_contacts(o).await.unwrap();
        assert_eq!(all.iter().map(|c| c.draft.name.as_str()).collect::<Vec<_>>(), ["Old 2", "New"]);
        assert_eq!(all[1].source, ContactSource::Import);
    }

    async fn migrating_again_changes_nothing_and_the_database_answers(store: Store) {
        store.migrate().await.unwrap();
        store.ping().await.unwrap();
        let stats = store.pool_stats();
        assert!(stats.max >= 1 && stats.size <= stats.max);
    }
}

mod sqlite_durability {
    #[tokio::test]
    async fn sqlite_runs_with_wal_full_sync_foreign_keys_and_secure_delete() {
        let (store, _dir) = crate::support::store(crate::support::Backend::Sqlite)
            .await
            .unwrap();
        let d: std::collections::HashMap<&str, String> =
            store.durability().await.unwrap().into_iter().collect();
        assert_eq!(d["journal_mode"], "wal");
        assert_eq!(d["synchronous"], "2", "FULL");
        assert_eq!(d["foreign_keys"], "1");
        assert_eq!(d["secure_delete"], "1");
        assert_eq!(d["busy_timeout"], "5000");
    }

    #[tokio::test]
    async fn postgres_commits_synchronously() {
        let Some((store, _dir)) = crate::support::store(crate::support::Backend::Postgres).await
        else {
            return;
        };
        let d: std::collections::HashMap<&str, String> =
            store.durability().await.unwrap().into_iter().collect();
        assert_eq!(d["synchronous_commit"], "on");
        assert!(!d["server_version"].is_empty());
    }
}
