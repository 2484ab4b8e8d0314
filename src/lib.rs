//! faultcast: a fault-notification broadcast daemon for a national e-health service operator.
//!
//! Data flows one way: the HTTP API and CLI parse input into domain types, `intake` validates
//! and commits through `store`, and everything shown is read through `query` as view types.

pub mod access;
pub mod app;
pub mod bounces;
pub mod calendar;
pub mod cli;
pub mod clock;
mod codes;
pub mod config;
pub mod console;
pub mod delivery;
pub mod fault_reports;
pub mod gateways;
pub mod http;
pub mod intake;
pub mod notices;
pub mod observe;
pub mod oidc;
pub mod patterns;
pub mod publish;
pub mod query;
pub mod registry;
pub mod schedule;
pub mod store;
pub mod telemetry;
pub mod templates;
pub mod validation;
