//! The embedded SQLite engine: one file, WAL, `synchronous=FULL`, foreign keys on. SQLite takes
//! one writer at a time, so every write goes through `writer`, a pool of one connection: this
//! process's writers queue for it in order and are woken as soon as it is free (rather than each
//! polling the database lock with SQLite's sleeping busy handler), and every write transaction
//! begins `IMMEDIATE`, holding the write lock from its first statement. Reads use `read` and
//! run beside the writer (WAL).
//!
//! Bookings under an Idempotency-Key go to one writer task that commits the bookings waiting at
//! the same moment in one transaction (group commit: one fsync for all of them) and answers each
//! once that commit is durable. What a booking does is the one booking transaction of
//! `queries::bookings`; only the batching is SQLite's.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{QueryBuilder, Sqlite};
use tokio::sync::{mpsc, oneshot};

use super::engine::{Dialect, Engine, Tx};
use super::queries::bookings::change_in;
use super::queries::idempotency::{claim_key, read_key};
use super::records::{
    AuditRecord, BookingChange, IdempotencyOwner, IdempotencyState, OnceOutcome, OnceWrite, Respond,
};
use super::{SqlStore, StoreError};

/// The statements SQLite writes its own way.
pub(crate) const DIALECT: Dialect = Dialect {
    insert_audit: "INSERT INTO audit_log (at_utc, actor, action, object, result, seq, hash) \
                   VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', $1, 'unixepoch'), $2, $3, $4, $5, $6, $7)",
    audit_records: "SELECT CAST(strftime('%s', at_utc) AS INTEGER) AS at, actor, action, object, \
                    result FROM audit_log ORDER BY id DESC LIMIT $1",
    audit_chain: "SELECT seq, hash, CAST(strftime('%s', at_utc) AS INTEGER) AS at, actor, action, object, \
                  result FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    audit_at_unix: "CAST(strftime('%s', a.at_utc) AS INTEGER)",
    audit_unix_at: "strftime('%Y-%m-%dT%H:%M:%SZ', $, 'unixepoch')",
    insert_licence: "INSERT INTO licence (citizen_id, document_number, expiry_date, suspended, \
                     suspension_reason, elements) VALUES ($1, $2, $3, $4, $5, $6)",
    row_id: "rowid",
    for_update: "",
    rows_per_statement: 100,
    json_cast: "",
    skip_locked_ticket: "",
    skip_locked_entry: "",
};

/// The SQLite engine's connections and its group-commit writer.
pub(crate) struct SqliteEngine {
    pub(crate) read: SqlitePool,
    pub(crate) writer: SqlitePool,
    bookings: mpsc::Sender<BookingJob>,
    path: String,
}

/// Opens (creating if missing) and migrates the database file.
pub async fn open(path: &Path) -> anyhow::Result<SqlStore> {
    let display = path.display().to_string();
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{display}"))
        .with_context(|| format!("invalid SQLite path {display}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let read = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options.clone())
        .await
        .with_context(|| format!("cannot open the SQLite database {display}"))?;
    migrate(&read)
        .await
        .with_context(|| format!("cannot migrate the SQLite database {display}"))?;
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open the SQLite database {display}"))?;
    let (bookings, jobs) = mpsc::channel(1024);
    tokio::spawn(run_group_commits(writer.clone(), jobs));
    Ok(SqlStore::new(Engine::Sqlite(SqliteEngine {
        read,
        writer,
        bookings,
        path: display,
    })))
}

/// Applies the migrations. sqlx 0.8 runs every SQLite migration inside a transaction, where
/// foreign keys cannot be switched off; a migration marked `-- no-transaction` (a table rebuild,
/// which SQLite's documentation says to run with foreign keys off) is applied here instead, on
/// one connection: foreign keys off, its script, `foreign_key_check` and its bookkeeping row in
/// one transaction, foreign keys on again. sqlx applies the others, in order around it.
async fn migrate(pool: &SqlitePool) -> anyhow::Result<()> {
    use sqlx::{Connection, Executor};
    let all = sqlx::migrate!("migrations/sqlite");
    let mut conn = pool.acquire().await?;
    for (i, migration) in all.migrations.iter().enumerate() {
        if !migration.no_tx {
            continue;
        }
        let mut before = sqlx::migrate!("migrations/sqlite");
        before.migrations = all.migrations[..i].to_vec().into();
        before.set_ignore_missing(true);
        before.run(&mut *conn).await?;
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE version = ?1")
                .bind(migration.version)
                .fetch_optional(&mut *conn)
                .await?;
        if applied.is_some() {
            continue;
        }
        conn.execute("PRAGMA foreign_keys = OFF").await?;
        let mut tx = conn.begin().await?;
        tx.execute(&*migration.sql)
            .await
            .with_context(|| format!("migration {}", migration.version))?;
        let broken: Vec<String> =
            sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&mut *tx)
                .await?;
        if !broken.is_empty() {
            anyhow::bail!(
                "migration {} would break references in {}",
                migration.version,
                broken.join(", ")
            );
        }
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (?1, ?2, TRUE, ?3, -1)",
        )
        .bind(migration.version)
        .bind(&*migration.description)
        .bind(&*migration.checksum)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        conn.execute("PRAGMA foreign_keys = ON").await?;
    }
    all.run(&mut *conn).await?;
    Ok(())
}

impl SqliteEngine {
    /// Which file, for the log.
    pub(crate) fn describe(&self) -> String {
        format!("sqlite:{}", self.path)
    }

    /// A change of a citizen's bookings under its key, in the next group commit.
    pub(crate) async fn change_once(
        &self,
        change: &BookingChange,
        write: &OnceWrite<'_>,
        respond: Respond,
    ) -> Result<OnceOutcome, StoreError> {
        let (done, answer) = oneshot::channel();
        let job = BookingJob {
            change: change.clone(),
            owner: write.owner,
            key: write.key.to_owned(),
            request_hash: write.request_hash.to_owned(),
            audit: write.audit.clone(),
            respond,
            done,
        };
        let gone = || StoreError::GroupCommit("the bookings' writer has stopped".into());
        self.bookings.send(job).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// A change of bookings waiting for the group commit.
struct BookingJob {
    change: BookingChange,
    owner: IdempotencyOwner,
    key: String,
    request_hash: String,
    audit: AuditRecord,
    respond: Respond,
    done: Done,
}

/// Bookings one commit takes at most.
const GROUP_COMMIT_MAX: usize = 64;

type Done = oneshot::Sender<Result<OnceOutcome, StoreError>>;
type Answered = Vec<(Done, Result<OnceOutcome, StoreError>)>;

/// The group-commit writer: takes the first waiting booking and every other one already waiting
/// (up to [`GROUP_COMMIT_MAX`]), runs each in one transaction, commits once, then answers each.
/// Ends when the store is dropped.
async fn run_group_commits(writer: SqlitePool, mut jobs: mpsc::Receiver<BookingJob>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < GROUP_COMMIT_MAX {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match group_commit(&writer, batch).await {
            Ok(answers) => {
                for (done, answer) in answers {
                    // The citizen may have gone: the answer stays stored with the key.
                    let _ = done.send(answer);
                }
            }
            Err((dones, error)) => {
                tracing::error!(%error, bookings = dones.len(), "a group commit failed");
                for done in dones {
                    let _ = done.send(Err(StoreError::GroupCommit(error.to_string())));
                }
            }
        }
    }
}

/// One transaction for a batch: each job claims its key and, if the key was new, runs the one
/// booking transaction's steps (a refusal undoes what it took itself); the answers and the audit
/// records are written for the whole batch in two statements at the end. If a statement fails,
/// or the commit does, nothing of the batch is kept: every job's sender comes back with the
/// error.
async fn group_commit(
    writer: &SqlitePool,
    batch: Vec<BookingJob>,
) -> Result<Answered, (Vec<Done>, StoreError)> {
    let mut tx = match writer.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => Tx::sqlite("change_once", tx),
        Err(e) => {
            let dones = batch.into_iter().map(|j| j.done).collect();
            return Err((dones, StoreError::database("change_once", e)));
        }
    };
    let mut answers: Answered = Vec::with_capacity(batch.len());
    let mut stored: Vec<(IdempotencyOwner, String, u16, String)> = Vec::new();
    let mut audits: Vec<AuditRecord> = Vec::new();
    let mut jobs = batch.into_iter();
    while let Some(job) = jobs.next() {
        let BookingJob {
            change,
            owner,
            key,
            request_hash,
            audit,
            respond,
            done,
        } = job;
        let booking = Claimed {
            owner,
            key: &key,
            request_hash: &request_hash,
        };
        match one_job(&mut tx, &change, &booking, &stored).await {
            Ok(Err(seen)) => answers.push((done, Ok(OnceOutcome::Seen(seen)))),
            Ok(Ok(outcome)) => {
                let (status, body) = respond(outcome.as_ref());
                audits.push(super::queries::bookings::booking_audit(
                    &audit, &outcome, status,
                ));
                stored.push((owner, key, status, body.clone()));
                answers.push((done, Ok(OnceOutcome::Answered { status, body })));
            }
            Err(error) => {
                let mut dones: Vec<Done> = answers.into_iter().map(|(d, _)| d).collect();
                dones.push(done);
                dones.extend(jobs.map(|j| j.done));
                return Err((dones, error));
            }
        }
    }
    let written = match tx.as_sqlite() {
        Some(connection) => write_answers(connection, &stored, &audits).await,
        None => Err(sqlx::Error::Protocol(
            "the group commit runs on a SQLite transaction".into(),
        )),
    };
    let finished = match written {
        Ok(()) => tx.commit().await,
        Err(e) => Err(StoreError::database("change_once", e)),
    };
    match finished {
        Ok(()) => Ok(answers),
        Err(e) => Err((answers.into_iter().map(|(d, _)| d).collect(), e)),
    }
}

/// A job's key.
struct Claimed<'a> {
    owner: IdempotencyOwner,
    key: &'a str,
    request_hash: &'a str,
}

/// One job of a batch: `Err` with what its key has seen if it was claimed before (by an earlier
/// job of this batch: that job's answer, not yet written), else the booking's outcome.
async fn one_job(
    tx: &mut Tx,
    change: &BookingChange,
    claimed: &Claimed<'_>,
    stored: &[(IdempotencyOwner, String, u16, String)],
) -> Result<Result<Result<super::Appointment, super::BookError>, IdempotencyState>, StoreError> {
    let Claimed {
        owner,
        key,
        request_hash,
    } = *claimed;
    if !claim_key(tx, owner, key, request_hash, change.now()).await? {
        let seen = match read_key(tx, owner, key, request_hash).await? {
            Some(IdempotencyState::InProgress) | None => stored
                .iter()
                .find(|(o, k, ..)| *o == owner && k == key)
                .map_or(IdempotencyState::InProgress, |(.., status, body)| {
                    IdempotencyState::Done {
                        status: *status,
                        body: body.clone(),
                    }
                }),
            Some(other) => other,
        };
        return Ok(Err(seen));
    }
    Ok(Ok(change_in(tx, change).await?))
}

/// The batch's answers (each with its key) and audit records, in one statement each.
async fn write_answers(
    connection: &mut SqliteConnection,
    stored: &[(IdempotencyOwner, String, u16, String)],
    audits: &[AuditRecord],
) -> Result<(), sqlx::Error> {
    for table in [IdempotencyOwner::Citizen(0), IdempotencyOwner::Staff(0)] {
        let rows: Vec<_> = stored
            .iter()
            .filter(|(owner, ..)| owner.table() == table.table())
            .collect();
        if rows.is_empty() {
            continue;
        }
        // SQLite names the columns of a VALUES list column1, column2, …
        let mut update = QueryBuilder::<Sqlite>::new(format!(
            "UPDATE {table} SET status = answer.column3, response_body = answer.column4 FROM (",
            table = table.table()
        ));
        update.push_values(rows, |mut row, (owner, key, status, body)| {
            row.push_bind(owner.id())
                .push_bind(key.as_str())
                .push_bind(i64::from(*status))
                .push_bind(body.as_str());
        });
        update.push(format!(
            ") AS answer WHERE {table}.{column} = answer.column1 AND {table}.key = answer.column2",
            table = table.table(),
            column = table.column()
        ));
        update.build().execute(&mut *connection).await?;
    }
    if !audits.is_empty() {
        // The batch's places in the audit chain, taken at once, each record chained in turn.
        let count = i64::try_from(audits.len()).unwrap_or(i64::MAX);
        let head =
            sqlx::query("UPDATE audit_chain SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
                .bind(count)
                .fetch_one(&mut *connection)
                .await?;
        let (last, prev): (i64, String) = (
            sqlx::Row::try_get(&head, "seq")?,
            sqlx::Row::try_get(&head, "hash")?,
        );
        let records = super::queries::audit::chained(&prev, last - count + 1, audits);
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO audit_log (at_utc, actor, action, object, result, seq, hash) ",
        );
        insert.push_values(&records, |mut row, c| {
            row.push("strftime('%Y-%m-%dT%H:%M:%SZ', ")
                .push_bind_unseparated(c.record.at)
                .push_unseparated(", 'unixepoch')")
                .push_bind(c.record.actor.as_str())
                .push_bind(c.record.action.as_str())
                .push_bind(c.record.object.as_str())
                .push_bind(c.record.result.as_str())
                .push_bind(c.seq)
                .push_bind(c.hash.as_str());
        });
        insert.build().execute(&mut *connection).await?;
        if let Some(newest) = records.last() {
            sqlx::query("UPDATE audit_chain SET hash = $1 WHERE id = 1")
                .bind(&newest.hash)
                .execute(&mut *connection)
                .await?;
        }
    }
    Ok(())
}
