//! The store contract: the same behaviour from SQLite and PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

mod fixtures;
mod idempotency;
mod registry;
mod schedule;
mod state_machine;
mod tokens_and_audit;
