//! The two database engines behind one store. Every statement is written once (with `$N`
//! placeholders, which both engines read) inside [`sql!`], which runs it on whichever engine the
//! store opened; only what the engines truly do differently lives in `sqlite.rs` and
//! `postgres.rs`: SQLite's single writer and group commit, PostgreSQL's row locks, `SKIP LOCKED`
//! and arrays, and the few statements in [`Dialect`].

use sqlx::pool::PoolConnection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Postgres, Sqlite, Transaction};

use super::StoreError;
use super::postgres::PgEngine;
use super::sqlite::SqliteEngine;

/// The engine a store runs on.
pub(crate) enum Engine {
    /// One file; one writer connection, reads beside it.
    Sqlite(SqliteEngine),
    /// A server shared by several instances.
    Postgres(PgEngine),
}

/// A connection of either engine, borrowed for one statement by [`sql!`].
pub(crate) enum Link<'a> {
    /// SQLite.
    Sqlite(&'a mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'a mut PgConnection),
}

/// What [`sql!`] runs a statement on: a pooled connection or a transaction, with the name of the
/// store operation it serves (for the error, should the statement fail).
pub(crate) trait Linked {
    /// The connection, and the operation's name.
    fn link(&mut self) -> (Link<'_>, &'static str);
}

/// A pooled connection outside a transaction (a read, or one self-contained write).
pub(crate) struct Conn {
    operation: &'static str,
    inner: ConnInner,
}

enum ConnInner {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Linked for Conn {
    fn link(&mut self) -> (Link<'_>, &'static str) {
        let link = match &mut self.inner {
            ConnInner::Sqlite(c) => Link::Sqlite(c),
            ConnInner::Postgres(c) => Link::Postgres(c),
        };
        (link, self.operation)
    }
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
pub(crate) struct Tx {
    operation: &'static str,
    inner: TxInner,
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Linked for Tx {
    fn link(&mut self) -> (Link<'_>, &'static str) {
        let link = match &mut self.inner {
            TxInner::Sqlite(tx) => Link::Sqlite(tx),
            TxInner::Postgres(tx) => Link::Postgres(tx),
        };
        (link, self.operation)
    }
}

/// Rows a PostgreSQL transaction locks before it decides (always in this order when it takes
/// several: citizen, slots by id, directorate, appointment), so that concurrent transactions
/// wait for each other instead of deadlocking. SQLite needs none: `BEGIN IMMEDIATE` holds the
/// database's one write lock from the first statement.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lock<'a> {
    /// A citizen's row: one citizen's bookings, moves and cancellations run one at a time.
    Citizen(i64),
    /// Slots, by id (locked in id order).
    Slots(&'a [i64]),
    /// A directorate's slots starting in `[from, to)` (locked in id order).
    Period {
        /// The directorate.
        directorate_id: &'a str,
        /// Start.
        from: i64,
        /// End (exclusive).
        to: i64,
    },
    /// A directorate's row: its check-ins number tickets one at a time.
    Directorate(&'a str),
    /// An appointment, by reference.
    Appointment(&'a str),
    /// Rate-limit keys (a transaction-scoped advisory lock each, taken in sorted order): one
    /// count-and-record per key at a time across instances.
    RateKeys(&'a [&'a str]),
}

impl Tx {
    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        let operation = self.operation;
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await,
            TxInner::Postgres(tx) => tx.commit().await,
        }
        .map_err(|e| StoreError::database(operation, e))
    }

    /// Whether another transaction can change rows this one has read (PostgreSQL, until they
    /// are locked); never on SQLite, whose writers run one at a time.
    pub(crate) fn shares_rows(&self) -> bool {
        matches!(self.inner, TxInner::Postgres(_))
    }

    /// Locks rows for the rest of the transaction (PostgreSQL); nothing to do on SQLite.
    pub(crate) async fn lock(&mut self, lock: Lock<'_>) -> Result<(), StoreError> {
        let operation = self.operation;
        match &mut self.inner {
            TxInner::Sqlite(_) => Ok(()),
            TxInner::Postgres(tx) => super::postgres::lock(tx, lock)
                .await
                .map_err(|e| StoreError::database(operation, e)),
        }
    }

    /// The SQLite connection of a SQLite transaction (for the group commit's batch statements).
    pub(crate) fn as_sqlite(&mut self) -> Option<&mut SqliteConnection> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => Some(tx),
            TxInner::Postgres(_) => None,
        }
    }

    /// A SQLite transaction begun by the group commit.
    pub(crate) fn sqlite(operation: &'static str, tx: Transaction<'static, Sqlite>) -> Tx {
        Tx {
            operation,
            inner: TxInner::Sqlite(tx),
        }
    }
}

/// The statements the engines write differently (each engine has its one [`Dialect`]).
pub(crate) struct Dialect {
    /// Inserts an audit record: `$1` Unix seconds (stored as UTC), `$2`… actor, action,
    /// object, result.
    pub insert_audit: &'static str,
    /// The newest audit records: `at` (Unix seconds), actor, action, object, result; `$1` limit.
    pub audit_records: &'static str,
    /// The chain after place `$1`, in order, `$2` at most: seq, hash and the record's columns.
    pub audit_chain: &'static str,
    /// An audit record's time (`a.at_utc`) as Unix seconds.
    pub audit_at_unix: &'static str,
    /// Unix seconds (the parameter in place of `$`) as an audit record's time is stored.
    pub audit_unix_at: &'static str,
    /// Inserts a licence: `$1` citizen, document number, expiry, suspended, reason, `$6` the
    /// elements as JSON text.
    pub insert_licence: &'static str,
    /// The name of a row's physical id (a table without a key of its own).
    pub row_id: &'static str,
    /// Added to a `SELECT … FROM ticket t` that picks a ticket to call: skip tickets another
    /// transaction is calling.
    pub skip_locked_ticket: &'static str,
    /// Added to a `SELECT … FROM waitlist_entry w` that picks an entry to offer a place to:
    /// skip entries another transaction is changing.
    pub skip_locked_entry: &'static str,
    /// Added to a `SELECT` whose rows the transaction goes on to change: lock them.
    pub for_update: &'static str,
    /// Follows a parameter holding JSON text that goes into a JSON column.
    pub json_cast: &'static str,
    /// Rows a multi-row statement carries at most: SQLite's binding costs the square of a
    /// statement's parameters in sqlx (each `$n` is looked up among all names), PostgreSQL's
    /// costs a round trip per statement.
    pub rows_per_statement: usize,
}

impl Engine {
    /// The engine's dialect.
    pub(crate) fn dialect(&self) -> &'static Dialect {
        match self {
            Engine::Sqlite(_) => &crate::store::sqlite::DIALECT,
            Engine::Postgres(_) => &crate::store::postgres::DIALECT,
        }
    }
}

impl Engine {
    /// A pooled connection for reading.
    pub(crate) async fn read(&self, operation: &'static str) -> Result<Conn, StoreError> {
        let inner = match self {
            Engine::Sqlite(e) => e.read.acquire().await.map(ConnInner::Sqlite),
            Engine::Postgres(e) => e.pool.acquire().await.map(ConnInner::Postgres),
        }
        .map_err(|e| StoreError::database(operation, e))?;
        Ok(Conn { operation, inner })
    }

    /// A connection for one self-contained write (SQLite: the writer, waited for in order).
    pub(crate) async fn write(&self, operation: &'static str) -> Result<Conn, StoreError> {
        let inner = match self {
            Engine::Sqlite(e) => e.writer.acquire().await.map(ConnInner::Sqlite),
            Engine::Postgres(e) => e.pool.acquire().await.map(ConnInner::Postgres),
        }
        .map_err(|e| StoreError::database(operation, e))?;
        Ok(Conn { operation, inner })
    }

    /// A write transaction (SQLite: `BEGIN IMMEDIATE` on the writer).
    pub(crate) async fn begin(&self, operation: &'static str) -> Result<Tx, StoreError> {
        let inner = match self {
            Engine::Sqlite(e) => e
                .writer
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map(TxInner::Sqlite),
            Engine::Postgres(e) => e.pool.begin().await.map(TxInner::Postgres),
        }
        .map_err(|e| StoreError::database(operation, e))?;
        Ok(Tx { operation, inner })
    }
}

/// Runs one statement, written once, on the engine behind `$link` (a [`Conn`] or a [`Tx`]):
/// `sql!(&mut tx, |c| sqlx::query("…").bind(x).execute(c).await?.rows_affected())`, or with the
/// engine's [`Dialect`] as `|c, d|`. The body is compiled once per engine, so each sees its own
/// connection and row types (map rows with `rows::*` inside it). A failing statement's error
/// names the store operation; it is returned with `?` from the enclosing function.
macro_rules! sql {
    ($link:expr, |$c:ident| $body:expr) => {
        sql!($link, |$c, _dialect| $body)
    };
    ($link:expr, |$c:ident, $d:ident| $body:expr) => {{
        let (link, operation) = $crate::store::engine::Linked::link($link);
        let result = match link {
            $crate::store::engine::Link::Sqlite($c) => {
                let $d: &$crate::store::engine::Dialect = &$crate::store::sqlite::DIALECT;
                async { Ok::<_, $crate::store::StoreError>($body) }.await
            }
            $crate::store::engine::Link::Postgres($c) => {
                let $d: &$crate::store::engine::Dialect = &$crate::store::postgres::DIALECT;
                async { Ok::<_, $crate::store::StoreError>($body) }.await
            }
        };
        result.map_err(|e| e.during(operation))?
    }};
}
pub(crate) use sql;
