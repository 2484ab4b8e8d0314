//! Statements for either database. A statement is its text and its arguments (`Sql`); a
//! `Conn` — a pool or a connection inside a transaction, of SQLite or PostgreSQL — runs it,
//! matching the backend once, here, at the leaf. Steps shared between transactions are
//! plain functions taking a `&mut Conn`, and read like any other Rust.

use super::Dialect;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::borrow::Cow;
use tokio::sync::MutexGuard;

/// One argument of a statement: the types the store binds.
#[derive(Debug)]
pub enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Int32(Option<i32>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Bytes(Vec<u8>),
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}
impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<i32> for Arg {
    fn from(v: i32) -> Self {
        Arg::Int32(Some(v))
    }
}
impl From<Option<i32>> for Arg {
    fn from(v: Option<i32>) -> Self {
        Arg::Int32(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}
impl From<DateTime<Utc>> for Arg {
    fn from(v: DateTime<Utc>) -> Self {
        Arg::Time(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Arg {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Arg::Time(v)
    }
}

/// A statement with its arguments (`$1`, `$2`, … in both dialects).
#[derive(Debug)]
pub struct Sql {
    text: Cow<'static, str>,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: impl Into<Cow<'static, str>>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// The next argument.
    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Every argument of `values`, in order.
    pub fn bind_all<A: Into<Arg>>(mut self, values: impl IntoIterator<Item = A>) -> Self {
        self.args.extend(values.into_iter().map(Into::into));
        self
    }

    /// The text, and the arguments as SQLite takes them (moved, not copied).
    fn for_sqlite(self) -> sqlx::Result<(Cow<'static, str>, SqliteArguments<'static>)> {
        let mut out = SqliteArguments::default();
        for a in self.args {
            let added = match a {
                Arg::Text(v) => out.add(v),
                Arg::Int(v) => out.add(v),
                Arg::Int32(v) => out.add(v),
                Arg::Bool(v) => out.add(v),
                Arg::Time(v) => out.add(v),
                Arg::Bytes(v) => out.add(v),
            };
            added.map_err(sqlx::Error::Encode)?;
        }
        Ok((self.text, out))
    }

    /// The text, and the arguments as PostgreSQL takes them (moved, not copied).
    fn for_postgres(self) -> sqlx::Result<(Cow<'static, str>, PgArguments)> {
        let mut out = PgArguments::default();
        for a in self.args {
            let added = match a {
                Arg::Text(v) => out.add(v),
                Arg::Int(v) => out.add(v),
                Arg::Int32(v) => out.add(v),
                Arg::Bool(v) => out.add(v),
                Arg::Time(v) => out.add(v),
                Arg::Bytes(v) => out.add(v),
            };
            added.map_err(sqlx::Error::Encode)?;
        }
        Ok((self.text, out))
    }
}

/// A row type the store reads from either database.
pub trait FromRows:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> FromRows for T where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single value the store reads from either database.
pub trait Scalar:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

/// Where a statement runs: a pool (each statement commits by itself), or the connection
/// of an open transaction.
pub enum Conn<'a> {
    SqlitePool(&'a SqlitePool),
    SqliteTx(&'a mut SqliteConnection),
    PgPool(&'a PgPool),
    PgTx(&'a mut PgConnection),
}

impl Conn<'_> {
    /// The dialect of the database behind.
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::SqlitePool(_) | Conn::SqliteTx(_) => Dialect::Sqlite,
            Conn::PgPool(_) | Conn::PgTx(_) => Dialect::Postgres,
        }
    }

    /// Runs `q`; the number of rows it changed.
    pub async fn execute(&mut self, q: Sql) -> sqlx::Result<u64> {
        let done = match self {
            Conn::SqlitePool(p) => {
                let (text, args) = q.for_sqlite()?;
                sqlx::query_with(&text, args)
                    .execute(*p)
                    .await?
                    .rows_affected()
            }
            Conn::SqliteTx(c) => {
                let (text, args) = q.for_sqlite()?;
                sqlx::query_with(&text, args)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }
            Conn::PgPool(p) => {
                let (text, args) = q.for_postgres()?;
                sqlx::query_with(&text, args)
                    .execute(*p)
                    .await?
                    .rows_affected()
            }
            Conn::PgTx(c) => {
                let (text, args) = q.for_postgres()?;
                sqlx::query_with(&text, args)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }
        };
        Ok(done)
    }

    /// Every row `q` returns.
    pub async fn fetch_all<T: FromRows>(&mut self, q: Sql) -> sqlx::Result<Vec<T>> {
        match self {
            Conn::SqlitePool(p) => {
                let (text, args) = q.for_sqlite()?;
                sqlx::query_as_with(&text, args).fetch_all(*p).await
            }
            Conn::SqliteTx(c) => {
                let (text, args) = q.for_sqlite()?;
                sqlx::query_as_with(&text, args).fetch_all(&mut **c).await
            }
            Conn::PgPool(p) => {
                let (text, args) = q.for_postgres()?;
                sqlx::query_as_with(&text, args).fetch_all(*p).await
            }
            Conn::PgTx(c) => {
                let (text, args) = q.for_postgres()?;
                sqlx::query_as_with(&text, args).fetch_all(&mut **c).await
            }
        }
    }

    /// The row `q` returns, if any.
    pub async fn fetch_optional<T: FromRows>(&mut self, q: Sql) -> sqlx::Result<Option<T>> {
        match self {
            Conn::SqlitePool(p) => {
                let (text, args) = q.for_sqlite()?;
                sqlx::query_as_with(&text, args).fetch_optional(*p).await
            }
            Conn::SqliteTx(c) => {
                let (text, args) = q.for_sqlite()?;
                sqlx::query_as_with(&text, args)
                    .fetch_optional(&mut **c)
                    .await
            }
            Conn::PgPool(p) => {
                let (text, args) = q.for_postgres()?;
                sqlx::query_as_with(&text, args).fetch_optional(*p).await
            }
            Conn::PgTx(c) => {
                let (text, args) = q.for_postgres()?;
                sqlx::query_as_with(&text, args)
                    .fetch_optional(&mut **c)
                    .await
            }
        }
    }

    /// The one row `q` returns.
    pub async fn fetch_one<T: FromRows>(&mut self, q: Sql) -> sqlx::Result<T> {
        self.fetch_optional(q)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// The first column of the one row `q` returns.
    pub async fn scalar<T: Scalar>(&mut self, q: Sql) -> sqlx::Result<T> {
        match self {
            Conn::SqlitePool(p) => {
                let (text, args) = q.for_sqlite()?;
                sqlx::query_scalar_with(&text, args).fetch_one(*p).await
            }
            Conn::SqliteTx(c) => {
                let (text, args) = q.for_sqlite()?;
                sqlx::query_scalar_with(&text, args)
                    .fetch_one(&mut **c)
                    .await
            }
            Conn::PgPool(p) => {
                let (text, args) = q.for_postgres()?;
                sqlx::query_scalar_with(&text, args).fetch_one(*p).await
            }
            Conn::PgTx(c) => {
                let (text, args) = q.for_postgres()?;
                sqlx::query_scalar_with(&text, args)
                    .fetch_one(&mut **c)
                    .await
            }
        }
    }
}

/// An open transaction on the writer, holding its turn (SQLite) until it ends.
pub struct Tx<'s> {
    inner: TxInner,
    _turn: Option<MutexGuard<'s, ()>>,
}

enum TxInner {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl<'s> Tx<'s> {
    pub(super) fn new_sqlite(
        tx: sqlx::Transaction<'static, Sqlite>,
        turn: Option<MutexGuard<'s, ()>>,
    ) -> Self {
        Self {
            inner: TxInner::Sqlite(tx),
            _turn: turn,
        }
    }

    pub(super) fn new_postgres(
        tx: sqlx::Transaction<'static, Postgres>,
        turn: Option<MutexGuard<'s, ()>>,
    ) -> Self {
        Self {
            inner: TxInner::Postgres(tx),
            _turn: turn,
        }
    }

    /// The transaction's connection, to run statements on.
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.inner {
            TxInner::Sqlite(t) => Conn::SqliteTx(t),
            TxInner::Postgres(t) => Conn::PgTx(t),
        }
    }

    /// Commits; dropping the transaction instead rolls it back.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await,
            TxInner::Postgres(t) => t.commit().await,
        }
    }
}

/// Statements on the writer outside a transaction (each commits by itself), holding the
/// writer's turn (SQLite) for as long as this lives.
pub struct Write<'s> {
    conn: Conn<'s>,
    _turn: Option<MutexGuard<'s, ()>>,
}

impl<'s> Write<'s> {
    pub(super) fn new(conn: Conn<'s>, turn: Option<MutexGuard<'s, ()>>) -> Self {
        Self { conn, _turn: turn }
    }

    /// The writer's connection, to run statements on.
    pub fn conn(&mut self) -> &mut Conn<'s> {
        &mut self.conn
    }
}
