//! The test harness shared by the suites.
#![allow(dead_code, unused_imports)]

pub mod app;
pub mod postgres;

pub use app::{Answer, Backend, TestApp, spawn_app};

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
