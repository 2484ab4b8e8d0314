//! Black-box tests of the HTTP API, each on SQLite and on PostgreSQL.

#[path = "../support/mod.rs"]
mod support;

mod acknowledge;
mod audit;
mod browser;
mod calendar;
mod cap;
mod cli;
mod console;
mod console_e2e;
mod console_maintenance;
mod console_oidc;
mod console_registry;
mod console_sessions;
mod console_tokens;
mod console_xss;
mod contacts;
mod crash;
mod csv;
mod delivery;
mod directories;
mod error_shapes;
mod feeds;
mod health;
mod hostile;
mod hostile_bytes;
mod housekeeping;
mod idempotency;
mod isolation;
mod links;
mod maintenance;
mod nodes;
mod notices;
mod openapi;
mod organisations;
mod pages;
mod portal;
mod portal_registry;
mod rate_limits;
mod resilience;
mod schemathesis;
mod slow_clients;
mod tokens;
mod xss;
