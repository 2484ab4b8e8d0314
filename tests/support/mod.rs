//! The test harness shared by the suites.
#![allow(dead_code, unused_imports)]

pub mod app;
pub mod certificates;
pub mod fault_proxy;
pub mod identity_provider;
pub mod inspect;
pub mod parsers;
pub mod postgres;
pub mod sms_sink;
pub mod smtp_sink;
pub mod smtp_transactions;
pub mod tools;

pub use app::{Answer, Backend, TestApp, spawn_app, spawn_app_on, spawn_app_with, spawn_node_of};

/// Generates, for each `async fn name(app: TestApp)`, a module `name` with the test run
/// `on_sqlite` and `on_postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test]
                async fn on_sqlite() {
                    let $app = $crate::support::spawn_app($crate::support::Backend::Sqlite).await.expect("sqlite is always available");
                    $body
                }

                #[tokio::test]
                async fn on_postgres() {
                    let Some($app) = $crate::support::spawn_app($crate::support::Backend::Postgres).await else { return };
                    $body
                }
            }
        )*
    };
}

/// For each `fn name(backend: Backend)`, a module `name` running it `on_sqlite` and
/// `on_postgres` (for tests that spawn their app with their own settings).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[tokio::test]
            async fn on_sqlite() { super::$name($crate::support::Backend::Sqlite).await }
            #[tokio::test]
            async fn on_postgres() { super::$name($crate::support::Backend::Postgres).await }
        })*
    };
}

/// Like `on_both_backends`, on a runtime with two threads: for tests that drive child
/// processes beside servers of their own.
#[macro_export]
macro_rules! on_both_backends_threaded {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() { super::$name($crate::support::Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() { super::$name($crate::support::Backend::Postgres).await }
        })*
    };
}

/// An RFC 3339 time, for tests that set the clock.
pub fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .expect("an RFC 3339 time")
        .with_timezone(&chrono::Utc)
}

/// A migrated store on `backend` in a temp dir; `None` if that backend is unavailable.
pub async fn store(backend: Backend) -> Option<(faultcast::store::Store, tempfile::TempDir)> {
    store_at(backend).await.map(|(s, d, _)| (s, d))
}

/// Like `store`, with the database URL (to drop it with `postgres::drop_database`).
pub async fn store_at(
    backend: Backend,
) -> Option<(faultcast::store::Store, tempfile::TempDir, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = app::database_url(backend, dir.path()).await?;
    let secret: secrecy::SecretString = url.clone().into();
    let store = faultcast::store::Store::connect(&secret, 5, std::time::Duration::from_secs(5))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    Some((store, dir, url))
}

/// Like `on_both_databases!`, for tests that take a bare `Store`.
#[macro_export]
macro_rules! on_both_stores {
    ($(async fn $name:ident($store:ident: Store) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test]
                async fn on_sqlite() {
                    let ($store, _dir) = $crate::support::store($crate::support::Backend::Sqlite).await.expect("sqlite is always available");
                    $body
                }

                #[tokio::test]
                async fn on_postgres() {
                    let Some(($store, _dir)) = $crate::support::store($crate::support::Backend::Postgres).await else { return };
                    $body
                }
            }
        )*
    };
}
