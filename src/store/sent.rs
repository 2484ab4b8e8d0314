//! Successful sends, the bulk of any fan-out, written many to a statement. SQLite takes a
//! batch as one JSON parameter (binding n numbered parameters costs it n²/2 steps);
//! PostgreSQL as rows of parameters, `SENT_ROWS` to a statement.

use super::Dialect;
use super::sql::Sql;
use super::states::SENDING;
use super::states::one;
use crate::notices::DeliveryState;
use chrono::{DateTime, Utc};
use std::sync::LazyLock;

/// Successful sends recorded per PostgreSQL statement.
const SENT_ROWS: usize = 500;

static SENT: LazyLock<String> = LazyLock::new(|| one(DeliveryState::Sent));

/// One successful attempt: the delivery, its attempt, and the provider's id if it gave one.
pub(super) type Success<'a> = (i64, i32, Option<&'a str>);

/// Statements that record `successes` as sent, each fenced on its attempt: those without a
/// provider's id matched by (id, attempt), those with one (SMS gateways) joined with it.
pub(super) fn sent_statements(
    dialect: Dialect,
    successes: &[Success],
    now: DateTime<Utc>,
) -> Vec<Sql> {
    let (plain, with_ids): (Vec<Success>, Vec<Success>) =
        successes.iter().partition(|(_, _, ext)| ext.is_none());
    let mut out = Vec::new();
    for chunk in plain.chunks(per_statement(dialect, plain.len())) {
        let sql = format!(
            "UPDATE deliveries SET state = {sent}, last_error = NULL, lease_until = NULL, updated_at = $1 \
             WHERE state = {sending} AND (id, attempts) IN ({pairs})",
            sent = *SENT,
            sending = *SENDING,
            pairs = pairs(dialect, chunk.len()),
        );
        out.push(bind_pairs(dialect, Sql::new(sql).bind(now), chunk));
    }
    for chunk in with_ids.chunks(per_statement(dialect, with_ids.len())) {
        let ids = match dialect {
            Dialect::Sqlite => "(SELECT CAST(j.value ->> 0 AS INTEGER) AS id, CAST(j.value ->> 1 AS INTEGER) AS attempt, \
                                j.value ->> 2 AS ext FROM json_each($2) AS j) AS p"
                .to_owned(),
            Dialect::Postgres => format!(
                "(VALUES {}) AS p(id, attempt, ext)",
                rows(chunk.len(), &["::bigint", "::integer", "::text"])
            ),
        };
        let sql = format!(
            "UPDATE deliveries SET state = {sent}, last_error = NULL, lease_until = NULL, updated_at = $1, \
             external_id = p.ext FROM {ids} \
             WHERE deliveries.id = p.id AND deliveries.attempts = p.attempt AND deliveries.state = {sending}",
            sent = *SENT,
            sending = *SENDING,
        );
        out.push(bind(dialect, Sql::new(sql).bind(now), chunk, true));
    }
    out
}

/// Rows of a batch in one statement: all of them on SQLite (one JSON parameter), on
/// PostgreSQL `SENT_ROWS` (parameters each).
pub(super) fn per_statement(dialect: Dialect, n: usize) -> usize {
    match dialect {
        Dialect::Sqlite => n.max(1),
        Dialect::Postgres => SENT_ROWS,
    }
}

/// The (id, attempt) pairs of a batch of `n` as a row source, bound by `bind_pairs` from `$2`.
pub(super) fn pairs(dialect: Dialect, n: usize) -> String {
    match dialect {
        Dialect::Sqlite => "SELECT CAST(p.value ->> 0 AS INTEGER), CAST(p.value ->> 1 AS INTEGER) \
                            FROM json_each($2) AS p"
            .to_owned(),
        Dialect::Postgres => format!("VALUES {}", rows(n, &["", ""])),
    }
}

/// Binds the (id, attempt) pairs of `chunk` after `q`'s parameters.
pub(super) fn bind_pairs(dialect: Dialect, q: Sql, chunk: &[Success]) -> Sql {
    bind(dialect, q, chunk, false)
}

/// `n` rows of numbered parameters from `$2`, each column cast as `casts` says.
fn rows(n: usize, casts: &[&str]) -> String {
    let w = casts.len();
    (0..n)
        .map(|r| {
            let row: Vec<String> = casts
                .iter()
                .enumerate()
                .map(|(i, cast)| format!("${}{cast}", 2 + w * r + i))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn bind(dialect: Dialect, q: Sql, chunk: &[Success], ids: bool) -> Sql {
    match dialect {
        Dialect::Sqlite => {
            let rows: Vec<serde_json::Value> = chunk
                .iter()
                .map(|(id, attempt, ext)| match ids {
                    true => serde_json::json!([id, attempt, ext]),
                    false => serde_json::json!([id, attempt]),
                })
                .collect();
            q.bind(serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into()))
        }
        Dialect::Postgres => chunk.iter().fold(q, |q, (id, attempt, ext)| {
            let q = q.bind(*id).bind(*attempt);
            match ids {
                true => q.bind(ext.map(str::to_owned)),
                false => q,
            }
        }),
    }
}
