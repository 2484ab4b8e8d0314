//! Service lists stored beside organisations and contacts, read back aggregated.

use super::error::decode;
use super::{Dialect, StoreResult};
use crate::registry::ServiceCode;
use std::collections::BTreeSet;

/// A select column aggregating the services of `table` whose `key` is the row's `id`
/// (`o`'s or `c`'s) into one `a,b,c` text named `services`.
pub(super) fn aggregated(dialect: Dialect, table: &str, key: &str, row: &str) -> String {
    let aggregate = dialect.pick("group_concat(s.service, ',')", "string_agg(s.service, ',')");
    format!("(SELECT {aggregate} FROM {table} s WHERE s.{key} = {row}.id) AS services")
}

/// Splits an aggregated `a,b,c` list of service codes.
pub(super) fn split_services(
    column: &str,
    joined: Option<String>,
) -> StoreResult<BTreeSet<ServiceCode>> {
    joined
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| decode(column, ServiceCode::parse(s)))
        .collect()
}
