//! The embedded SQLite store: one file, WAL, `synchronous=FULL`, foreign keys on. Every write
//! transaction begins `IMMEDIATE`, so it holds the write lock from its first statement and a
//! read-then-write never fails with `SQLITE_BUSY` under contention.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};

use super::{
    Appointment, AppointmentStatus, AuditRecord, BookError, BookRequest, CitizenRecord,
    Directorate, IdempotencyState, LicenceRecord, Localized, NewCitizen, OnceOutcome, OnceWrite,
    OtpRecord, Reminder, Respond, SessionRecord, Slot, SmsRecord, Store, StoreError, new_reference,
};
use super::{
    AttendanceError, CalledTicket, CheckInError, ClosureRecord, DayEntry, IdempotencyOwner,
    KioskDevice, NewClosure, StaffRecord, StaffRole, StaffSession, Ticket, TicketState,
};

/// The SQLite store. SQLite takes one writer at a time: every write goes through `writer`, a
/// pool of one connection, so this process's writers queue for it in order and are woken as soon
/// as it is free (rather than each polling the database lock with SQLite's sleeping busy
/// handler); reads use `pool` and run beside the writer (WAL).
///
/// Bookings under an Idempotency-Key go to one writer task that commits the bookings waiting at
/// the same moment in one transaction (group commit: one fsync for all of them, each booking in
/// its own savepoint), and answers each once that commit is durable.
pub struct SqliteStore {
    pool: SqlitePool,
    writer: SqlitePool,
    bookings: tokio::sync::mpsc::Sender<BookingJob>,
    path: String,
}

/// A booking waiting for the group commit.
struct BookingJob {
    request: BookRequest,
    owner: IdempotencyOwner,
    key: String,
    request_hash: String,
    audit: AuditRecord,
    respond: Respond,
    done: tokio::sync::oneshot::Sender<Result<OnceOutcome, StoreError>>,
}

/// Bookings one commit takes at most.
const GROUP_COMMIT_MAX: usize = 64;

/// The group-commit writer: takes the first waiting booking and every other one already waiting
/// (up to [`GROUP_COMMIT_MAX`]), runs each in its own savepoint of one transaction, commits once,
/// then answers each. Ends when the store is dropped.
async fn run_group_commits(writer: SqlitePool, mut jobs: tokio::sync::mpsc::Receiver<BookingJob>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < GROUP_COMMIT_MAX {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let answers = match group_commit(&writer, batch).await {
            Ok(answers) => answers,
            Err((dones, error)) => {
                tracing::error!(%error, bookings = dones.len(), "a group commit failed");
                for done in dones {
                    let _ = done.send(Err(StoreError::GroupCommit(error.to_string())));
                }
                continue;
            }
        };
        for (done, answer) in answers {
            // The citizen may have gone: the answer stays stored with the key for a retry.
            let _ = done.send(answer);
        }
    }
}

type Done = tokio::sync::oneshot::Sender<Result<OnceOutcome, StoreError>>;
type Answered = Vec<(Done, Result<OnceOutcome, StoreError>)>;

/// One transaction for a batch. If a statement fails, or the commit does, nothing of the batch
/// is kept: every job's sender comes back with the error.
async fn group_commit(
    writer: &SqlitePool,
    batch: Vec<BookingJob>,
) -> Result<Answered, (Vec<Done>, StoreError)> {
    let mut tx = match writer.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => return Err((batch.into_iter().map(|j| j.done).collect(), e.into())),
    };
    let mut answers: Answered = Vec::with_capacity(batch.len());
    // The answers to store with their keys, and the audit records: written for the whole batch
    // in two statements at the end.
    let mut stored: Vec<(IdempotencyOwner, String, u16, String)> = Vec::new();
    let mut audits: Vec<AuditRecord> = Vec::new();
    let mut jobs = batch.into_iter();
    while let Some(job) = jobs.next() {
        let BookingJob {
            request,
            owner,
            key,
            request_hash,
            audit,
            respond,
            done,
        } = job;
        match one_booking(&mut tx, &request, owner, &key, &request_hash).await {
            Ok(Err(seen)) => {
                // Claimed earlier in this batch: its answer is not written yet, but it is here.
                let seen = match seen {
                    IdempotencyState::InProgress => stored
                        .iter()
                        .find(|(o, k, ..)| *o == owner && *k == key)
                        .map_or(IdempotencyState::InProgress, |(.., status, body)| {
                            IdempotencyState::Done {
                                status: *status,
                                body: body.clone(),
                            }
                        }),
                    other => other,
                };
                answers.push((done, Ok(OnceOutcome::Seen(seen))));
            }
            Ok(Ok(outcome)) => {
                let (status, body) = respond(outcome.as_ref());
                audits.push(AuditRecord {
                    result: super::audit_result(status),
                    ..audit
                });
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
    let written = async {
        for table in [IdempotencyOwner::Citizen(0), IdempotencyOwner::Staff(0)] {
            let rows: Vec<_> = stored
                .iter()
                .filter(|(owner, ..)| owner.table() == table.table())
                .collect();
            if rows.is_empty() {
                continue;
            }
            // SQLite names the columns of a VALUES list column1, column2, …
            let mut update = sqlx::QueryBuilder::<Sqlite>::new(format!(
                "UPDATE {table} SET status = answer.column3, response_body = answer.column4 FROM (",
                table = table.table()
            ));
            update.push_values(rows, |mut row, (owner, key, status, body)| {
                row.push_bind(owner.id())
                    .push_bind(key.as_str())
                    .push_bind(i32::from(*status))
                    .push_bind(body.as_str());
            });
            update.push(format!(
                ") AS answer WHERE {table}.{column} = answer.column1 AND {table}.key = answer.column2",
                table = table.table(),
                column = table.column()
            ));
            update.build().execute(&mut *tx).await?;
        }
        if !audits.is_empty() {
            let mut insert = sqlx::QueryBuilder::<Sqlite>::new(
                "INSERT INTO audit_log (at_utc, actor, action, object, result) ",
            );
            insert.push_values(&audits, |mut row, a| {
                row.push("strftime('%Y-%m-%dT%H:%M:%SZ', ")
                    .push_bind_unseparated(a.at)
                    .push_unseparated(", 'unixepoch')")
                    .push_bind(a.actor.as_str())
                    .push_bind(a.action.as_str())
                    .push_bind(a.object.as_str())
                    .push_bind(a.result.as_str());
            });
            insert.build().execute(&mut *tx).await?;
        }
        Ok::<_, sqlx::Error>(())
    }
    .await;
    if let Err(e) = written {
        return Err((answers.into_iter().map(|(d, _)| d).collect(), e.into()));
    }
    if let Err(e) = tx.commit().await {
        return Err((answers.into_iter().map(|(d, _)| d).collect(), e.into()));
    }
    Ok(answers)
}

/// One booking under its key, inside the batch's transaction, with as few statements as it
/// takes (the writer runs them one after another): claim the key (`Err` with what it saw if it
/// was claimed before), take a place, check the 30-day limit, insert the appointment, record the
/// change. A refusal undoes what it did (the place) itself. The answer and the audit record are
/// written for the whole batch by [`group_commit`].
async fn one_booking(
    tx: &mut Transaction<'static, Sqlite>,
    request: &BookRequest,
    owner: IdempotencyOwner,
    key: &str,
    request_hash: &str,
) -> Result<Result<Result<Appointment, BookError>, IdempotencyState>, StoreError> {
    let claimed = claim_key(tx, owner, key, request_hash, request.now).await?;
    if !claimed {
        let seen = read_key(tx, owner, key, request_hash).await?;
        return Ok(Err(seen.unwrap_or(IdempotencyState::InProgress)));
    }
    let place = sqlx::query(
        "UPDATE slot SET booked = booked + 1 WHERE id = ? AND service = ? AND booked < capacity \
         RETURNING directorate_id, starts_at",
    )
    .bind(request.slot_id)
    .bind(request.service.code())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(place) = place else {
        let exists = sqlx::query("SELECT 1 FROM slot WHERE id = ? AND service = ?")
            .bind(request.slot_id)
            .bind(request.service.code())
            .fetch_optional(&mut **tx)
            .await?
            .is_some();
        return Ok(Ok(Err(if exists {
            BookError::SlotFull
        } else {
            BookError::SlotNotFound
        })));
    };
    let give_back =
        sqlx::query("UPDATE slot SET booked = booked - 1 WHERE id = ?").bind(request.slot_id);
    let changes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM booking_change WHERE citizen_id = ? AND at > ?")
            .bind(request.citizen_id)
            .bind(request.changes_since)
            .fetch_one(&mut **tx)
            .await?;
    if changes >= i64::from(request.max_changes) {
        give_back.execute(&mut **tx).await?;
        return Ok(Ok(Err(BookError::TooManyChanges)));
    }
    let reference = match insert_appointment(tx, request).await {
        Ok(reference) => reference,
        Err(BookError::Store(e)) => return Err(e),
        Err(refused) => {
            give_back.execute(&mut **tx).await?;
            return Ok(Ok(Err(refused)));
        }
    };
    sqlx::query("INSERT INTO booking_change (citizen_id, at) VALUES (?, ?)")
        .bind(request.citizen_id)
        .bind(request.now)
        .execute(&mut **tx)
        .await?;
    Ok(Ok(Ok(Appointment {
        reference,
        citizen_id: request.citizen_id,
        slot_id: request.slot_id,
        service: request.service,
        directorate_id: place.try_get("directorate_id")?,
        starts_at: place.try_get("starts_at")?,
        status: AppointmentStatus::Booked,
        created_at: request.now,
        closed_at: None,
    })))
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database file.
    pub async fn open(path: &Path) -> anyhow::Result<SqliteStore> {
        let display = path.display().to_string();
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{display}"))
            .with_context(|| format!("invalid SQLite path {display}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await
            .with_context(|| format!("cannot open the SQLite database {display}"))?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .with_context(|| format!("cannot migrate the SQLite database {display}"))?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the SQLite database {display}"))?;
        let (bookings, jobs) = tokio::sync::mpsc::channel(1024);
        tokio::spawn(run_group_commits(writer.clone(), jobs));
        Ok(SqliteStore {
            pool,
            writer,
            bookings,
            path: display,
        })
    }

    async fn write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }
}

const APPOINTMENT_COLUMNS: &str = "a.reference, a.citizen_id, a.slot_id, a.service, a.status, s.directorate_id, s.starts_at, \
     a.created_at, a.updated_at, a.closure_id";

fn appointment(row: &SqliteRow) -> Result<Appointment, StoreError> {
    let reference: String = row.try_get("reference")?;
    let service: String = row.try_get("service")?;
    let status: String = row.try_get("status")?;
    Ok(Appointment {
        reference: Reference::parse(&reference)
            .map_err(|_| StoreError::Corrupt(format!("reference {reference}")))?,
        citizen_id: row.try_get("citizen_id")?,
        slot_id: row.try_get("slot_id")?,
        service: ServiceKind::from_code(&service)
            .ok_or_else(|| StoreError::Corrupt(format!("service {service}")))?,
        directorate_id: row.try_get("directorate_id")?,
        starts_at: row.try_get("starts_at")?,
        status: AppointmentStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        created_at: row.try_get("created_at")?,
        closed_at: match row.try_get::<Option<i64>, _>("closure_id")? {
            Some(_) => Some(row.try_get("updated_at")?),
            None => None,
        },
    })
}

fn closure_record(row: &SqliteRow) -> Result<ClosureRecord, StoreError> {
    Ok(ClosureRecord {
        id: row.try_get("id")?,
        day: row.try_get("day")?,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        note: row.try_get("note")?,
        staff: row.try_get("username")?,
        cancelled: row.try_get("cancelled")?,
    })
}

fn is_unique_violation(error: &sqlx::Error, index: &str) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation() && db.message().contains(index))
}

/// Takes a place and inserts the appointment, inside the caller's transaction (a reference
/// collision, one in billions, is retried with a new reference).
async fn insert_booking(
    tx: &mut Transaction<'static, Sqlite>,
    request: &BookRequest,
) -> Result<Appointment, BookError> {
    take_place(tx, request).await?;
    let reference = insert_appointment(tx, request).await?;
    fetch_appointment(tx, request.citizen_id, &reference).await
}

/// Inserts a booked appointment with a new reference (a collision, one in billions, is retried
/// with another); `AlreadyBooked` when the citizen has an active one of the service.
async fn insert_appointment(
    tx: &mut Transaction<'static, Sqlite>,
    request: &BookRequest,
) -> Result<Reference, BookError> {
    loop {
        let reference = new_reference()?;
        let inserted = sqlx::query(
            "INSERT INTO appointment (reference, citizen_id, slot_id, service, status, created_at, updated_at) \
             VALUES (?, ?, ?, ?, 'booked', ?, ?)",
        )
        .bind(reference.code())
        .bind(request.citizen_id)
        .bind(request.slot_id)
        .bind(request.service.code())
        .bind(request.now)
        .bind(request.now)
        .execute(&mut **tx)
        .await;
        match inserted {
            Ok(_) => return Ok(reference),
            Err(e) if is_unique_violation(&e, "appointment.citizen_id") => {
                return Err(BookError::AlreadyBooked);
            }
            Err(e) if is_unique_violation(&e, "appointment.reference") => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Claims an Idempotency-Key for a request on the caller's connection (or transaction): true
/// if it was new.
async fn claim_key(
    connection: &mut SqliteConnection,
    owner: IdempotencyOwner,
    key: &str,
    request_hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let claimed = sqlx::query(&format!(
        "INSERT INTO {table} ({column}, key, request_hash, created_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT ({column}, key) DO NOTHING",
        table = owner.table(),
        column = owner.column()
    ))
    .bind(owner.id())
    .bind(key)
    .bind(request_hash)
    .bind(now)
    .execute(&mut *connection)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// What a key has seen, read on the caller's connection: `None` if it is not stored.
async fn read_key(
    connection: &mut SqliteConnection,
    owner: IdempotencyOwner,
    key: &str,
    request_hash: &str,
) -> Result<Option<IdempotencyState>, StoreError> {
    let row = sqlx::query(&format!("SELECT request_hash, CAST(status AS BIGINT) AS status, response_body FROM {table} WHERE {column} = ? AND key = ?", table = owner.table(), column = owner.column()))
        .bind(owner.id())
        .bind(key)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let stored_hash: String = row.try_get("request_hash")?;
    if stored_hash != request_hash {
        return Ok(Some(IdempotencyState::Mismatch));
    }
    let status: Option<i64> = row.try_get("status")?;
    let body: Option<String> = row.try_get("response_body")?;
    Ok(Some(match (status, body) {
        (Some(status), Some(body)) => IdempotencyState::Done {
            status: u16::try_from(status).unwrap_or(500),
            body,
        },
        _ => IdempotencyState::InProgress,
    }))
}

/// Writes one audit record on the caller's connection (or transaction).
async fn insert_audit(
    connection: &mut SqliteConnection,
    record: &AuditRecord,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (at_utc, actor, action, object, result) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', ?, 'unixepoch'), ?, ?, ?, ?)")
        .bind(record.at)
        .bind(&record.actor)
        .bind(&record.action)
        .bind(&record.object)
        .bind(&record.result)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// Takes a place in a slot and records the change, inside the caller's transaction.
async fn take_place(
    tx: &mut Transaction<'static, Sqlite>,
    request: &BookRequest,
) -> Result<(), BookError> {
    let taken = sqlx::query(
        "UPDATE slot SET booked = booked + 1 WHERE id = ? AND service = ? AND booked < capacity",
    )
    .bind(request.slot_id)
    .bind(request.service.code())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if taken == 0 {
        let exists = sqlx::query("SELECT 1 FROM slot WHERE id = ? AND service = ?")
            .bind(request.slot_id)
            .bind(request.service.code())
            .fetch_optional(&mut **tx)
            .await?
            .is_some();
        return Err(if exists {
            BookError::SlotFull
        } else {
            BookError::SlotNotFound
        });
    }
    let changes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM booking_change WHERE citizen_id = ? AND at > ?")
            .bind(request.citizen_id)
            .bind(request.changes_since)
            .fetch_one(&mut **tx)
            .await?;
    if changes >= i64::from(request.max_changes) {
        return Err(BookError::TooManyChanges);
    }
    sqlx::query("INSERT INTO booking_change (citizen_id, at) VALUES (?, ?)")
        .bind(request.citizen_id)
        .bind(request.now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn fetch_appointment(
    tx: &mut Transaction<'static, Sqlite>,
    citizen_id: i64,
    reference: &Reference,
) -> Result<Appointment, BookError> {
    let row = sqlx::query(&format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM appointment a JOIN slot s ON s.id = a.slot_id \
         WHERE a.reference = ? AND a.citizen_id = ?"
    ))
    .bind(reference.code())
    .bind(citizen_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(BookError::NotFound)?;
    Ok(appointment(&row)?)
}

fn citizen_record(row: &SqliteRow) -> Result<CitizenRecord, StoreError> {
    let national_id: String = row.try_get("national_id")?;
    Ok(CitizenRecord {
        id: row.try_get("id")?,
        national_id: NationalId::parse(&national_id)
            .map_err(|_| StoreError::Corrupt("national id".into()))?,
        phone: row.try_get("phone")?,
        birth_date: row.try_get("birth_date")?,
        theory_test_passed: row.try_get("theory_test_passed")?,
    })
}

fn reminder(row: &SqliteRow) -> Result<Reminder, StoreError> {
    let reference: String = row.try_get("reference")?;
    Ok(Reminder {
        reference: Reference::parse(&reference)
            .map_err(|_| StoreError::Corrupt(format!("reference {reference}")))?,
        phone: row.try_get("phone")?,
        starts_at: row.try_get("starts_at")?,
        directorate_id: row.try_get("directorate_id")?,
    })
}

fn staff_record(row: &SqliteRow) -> Result<StaffRecord, StoreError> {
    let role: String = row.try_get("role")?;
    let disabled_at: Option<i64> = row.try_get("disabled_at")?;
    Ok(StaffRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: StaffRole::from_code(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        directorate_id: row.try_get("directorate_id")?,
        disabled: disabled_at.is_some(),
    })
}

#[async_trait]
impl Store for SqliteStore {
    fn describe(&self) -> String {
        format!("sqlite:{}", self.path)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn schema_version(&self) -> Result<i64, StoreError> {
        let version: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
                .fetch_one(&self.pool)
                .await?;
        Ok(version)
    }

    async fn upsert_directorate(
        &self,
        d: &Directorate,
        counters: &[(ServiceKind, u32)],
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO directorate (id, name_en, name_ckb, name_ar, address_en, address_ckb, address_ar, phone) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, \
             name_ckb = excluded.name_ckb, name_ar = excluded.name_ar, address_en = excluded.address_en, \
             address_ckb = excluded.address_ckb, address_ar = excluded.address_ar, phone = excluded.phone",
        )
        .bind(&d.id)
        .bind(&d.name.en)
        .bind(&d.name.ckb)
        .bind(&d.name.ar)
        .bind(&d.address.en)
        .bind(&d.address.ckb)
        .bind(&d.address.ar)
        .bind(&d.phone)
        .execute(&mut *tx)
        .await?;
        for (service, count) in counters {
            sqlx::query(
                "INSERT INTO counter (directorate_id, service, counters) VALUES (?, ?, ?) \
                 ON CONFLICT (directorate_id, service) DO UPDATE SET counters = excluded.counters",
            )
            .bind(&d.id)
            .bind(service.code())
            .bind(i64::from(*count))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn directorates(
        &self,
    ) -> Result<Vec<(Directorate, Vec<(ServiceKind, u32)>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name_en, name_ckb, name_ar, address_en, address_ckb, address_ar, phone FROM directorate ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let counters = sqlx::query("SELECT directorate_id, service, counters FROM counter ORDER BY directorate_id, service")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let text = |column: &str| -> Result<String, StoreError> {
                Ok(row.try_get::<String, _>(column)?)
            };
            let directorate = Directorate {
                id: text("id")?,
                name: Localized {
                    en: text("name_en")?,
                    ckb: text("name_ckb")?,
                    ar: text("name_ar")?,
                },
                address: Localized {
                    en: text("address_en")?,
                    ckb: text("address_ckb")?,
                    ar: text("address_ar")?,
                },
                phone: text("phone")?,
            };
            let mut services = Vec::new();
            for c in counters.iter() {
                if c.try_get::<String, _>("directorate_id")? != directorate.id {
                    continue;
                }
                let code: String = c.try_get("service")?;
                let service = ServiceKind::from_code(&code)
                    .ok_or_else(|| StoreError::Corrupt(format!("service {code}")))?;
                let count: i64 = c.try_get("counters")?;
                services.push((service, u32::try_from(count).unwrap_or(0)));
            }
            out.push((directorate, services));
        }
        Ok(out)
    }

    async fn insert_citizen(&self, c: &NewCitizen) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO citizen (national_id, phone, birth_date, theory_test_passed) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(c.national_id.as_str())
        .bind(&c.phone)
        .bind(&c.birth_date)
        .bind(c.theory_test_passed)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(licence) = &c.licence {
            sqlx::query(
                "INSERT INTO licence (citizen_id, document_number, expiry_date, suspended, suspension_reason, elements) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(&licence.document_number)
            .bind(&licence.expiry_date)
            .bind(licence.suspension.is_some())
            .bind(&licence.suspension)
            .bind(licence.elements.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn ensure_slots(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        starts: &[i64],
    ) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let mut created = 0;
        for start in starts {
            created += sqlx::query(
                "INSERT INTO slot (directorate_id, service, starts_at, capacity) \
                 SELECT c.directorate_id, c.service, ?1, \
                   CASE WHEN EXISTS (SELECT 1 FROM closure z WHERE z.lifted_at IS NULL AND z.directorate_id = c.directorate_id \
                     AND z.starts_at <= ?1 AND z.ends_at > ?1) THEN 0 ELSE c.counters END \
                 FROM counter c WHERE c.directorate_id = ?2 AND c.service = ?3 \
                 ON CONFLICT (directorate_id, service, starts_at) DO NOTHING",
            )
            .bind(start)
            .bind(directorate_id)
            .bind(service.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(created)
    }

    async fn slots_between(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        from: i64,
        to: i64,
    ) -> Result<Vec<Slot>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, starts_at, capacity, booked FROM slot \
             WHERE directorate_id = ? AND service = ? AND starts_at >= ? AND starts_at < ? ORDER BY starts_at",
        )
        .bind(directorate_id)
        .bind(service.code())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Slot {
                    id: row.try_get("id")?,
                    directorate_id: directorate_id.to_owned(),
                    service,
                    starts_at: row.try_get("starts_at")?,
                    capacity: row.try_get("capacity")?,
                    booked: row.try_get("booked")?,
                })
            })
            .collect()
    }

    async fn book(&self, request: &BookRequest) -> Result<Appointment, BookError> {
        let mut tx = self.write().await?;
        let booked = insert_booking(&mut tx, request).await?;
        tx.commit().await?;
        Ok(booked)
    }

    async fn book_once(
        &self,
        request: &BookRequest,
        write: &OnceWrite<'_>,
        respond: Respond,
    ) -> Result<OnceOutcome, StoreError> {
        let (done, answer) = tokio::sync::oneshot::channel();
        let job = BookingJob {
            request: request.clone(),
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

    async fn idempotency_seen(
        &self,
        owner: IdempotencyOwner,
        key: &str,
        request_hash: &str,
    ) -> Result<Option<IdempotencyState>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        read_key(&mut connection, owner, key, request_hash).await
    }

    async fn reschedule(
        &self,
        citizen_id: i64,
        reference: &Reference,
        new_slot_id: i64,
        request: &BookRequest,
    ) -> Result<Appointment, BookError> {
        let mut tx = self.write().await?;
        let current = fetch_appointment(&mut tx, citizen_id, reference).await?;
        if current.status != AppointmentStatus::Booked {
            return Err(BookError::NotChangeable);
        }
        let request = BookRequest {
            slot_id: new_slot_id,
            service: current.service,
            ..request.clone()
        };
        // The new place first: if it cannot be taken, the transaction rolls back and the old
        // place is kept.
        take_place(&mut tx, &request).await?;
        sqlx::query("UPDATE slot SET booked = booked - 1 WHERE id = ? AND booked > 0")
            .bind(current.slot_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE appointment SET slot_id = ?, updated_at = ? WHERE reference = ?")
            .bind(new_slot_id)
            .bind(request.now)
            .bind(reference.code())
            .execute(&mut *tx)
            .await?;
        let moved = fetch_appointment(&mut tx, citizen_id, reference).await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn cancel(
        &self,
        citizen_id: i64,
        reference: &Reference,
        now: i64,
    ) -> Result<Appointment, BookError> {
        let mut tx = self.write().await?;
        let current = fetch_appointment(&mut tx, citizen_id, reference).await?;
        if current.status != AppointmentStatus::Booked {
            return Err(BookError::NotChangeable);
        }
        sqlx::query(
            "UPDATE appointment SET status = 'cancelled', updated_at = ? WHERE reference = ?",
        )
        .bind(now)
        .bind(reference.code())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE slot SET booked = booked - 1 WHERE id = ? AND booked > 0")
            .bind(current.slot_id)
            .execute(&mut *tx)
            .await?;
        let cancelled = fetch_appointment(&mut tx, citizen_id, reference).await?;
        tx.commit().await?;
        Ok(cancelled)
    }

    async fn appointments_of(&self, citizen_id: i64) -> Result<Vec<Appointment>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.citizen_id = ? ORDER BY s.starts_at DESC"
        ))
        .bind(citizen_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(appointment).collect()
    }

    async fn citizen_by_national_id(
        &self,
        national_id: &NationalId,
    ) -> Result<Option<CitizenRecord>, StoreError> {
        let row = sqlx::query("SELECT id, national_id, phone, birth_date, theory_test_passed FROM citizen WHERE national_id = ?")
            .bind(national_id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(citizen_record).transpose()
    }

    async fn citizen(&self, citizen_id: i64) -> Result<Option<CitizenRecord>, StoreError> {
        let row = sqlx::query("SELECT id, national_id, phone, birth_date, theory_test_passed FROM citizen WHERE id = ?")
            .bind(citizen_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(citizen_record).transpose()
    }

    async fn count_events(&self, key: &str, since: i64) -> Result<u32, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM rate_event WHERE key = ? AND at > ?")
                .bind(key)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn record_event(&self, key: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO rate_event (key, at) VALUES (?, ?)")
            .bind(key)
            .bind(at)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn replace_otp(
        &self,
        citizen_id: i64,
        code_hmac: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE otp_code SET revoked = ? WHERE citizen_id = ? AND used_at IS NULL")
            .bind(true)
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO otp_code (citizen_id, code_hmac, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(citizen_id)
            .bind(code_hmac)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn current_otp(&self, citizen_id: i64) -> Result<Option<OtpRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, code_hmac, expires_at, CAST(failed_attempts AS BIGINT) AS failed FROM otp_code \
             WHERE citizen_id = ? AND used_at IS NULL AND revoked = ? ORDER BY id DESC LIMIT 1",
        )
        .bind(citizen_id)
        .bind(false)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| -> Result<OtpRecord, StoreError> {
            Ok(OtpRecord {
                id: row.try_get("id")?,
                code_hmac: row.try_get("code_hmac")?,
                expires_at: row.try_get("expires_at")?,
                failed_attempts: u32::try_from(row.try_get::<i64, _>("failed")?)
                    .unwrap_or(u32::MAX),
            })
        })
        .transpose()
    }

    async fn otp_failed(&self, otp_id: i64, max_failures: u32) -> Result<u32, StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE otp_code SET failed_attempts = failed_attempts + 1 WHERE id = ?")
            .bind(otp_id)
            .execute(&mut *tx)
            .await?;
        let failed: i64 =
            sqlx::query_scalar("SELECT CAST(failed_attempts AS BIGINT) FROM otp_code WHERE id = ?")
                .bind(otp_id)
                .fetch_one(&mut *tx)
                .await?;
        if failed >= i64::from(max_failures) {
            sqlx::query("UPDATE otp_code SET revoked = ? WHERE id = ?")
                .bind(true)
                .bind(otp_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(u32::try_from(failed).unwrap_or(u32::MAX))
    }

    async fn otp_consume(&self, otp_id: i64, now: i64) -> Result<bool, StoreError> {
        let used = sqlx::query(
            "UPDATE otp_code SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked = ?",
        )
        .bind(now)
        .bind(otp_id)
        .bind(false)
        .execute(&self.writer)
        .await?
        .rows_affected();
        Ok(used == 1)
    }

    async fn create_session(
        &self,
        token_hash: &str,
        citizen_id: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO session (token_hash, citizen_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)")
            .bind(token_hash)
            .bind(citizen_id)
            .bind(now)
            .bind(now)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query("SELECT citizen_id, created_at, last_seen_at, revoked_at FROM session WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| -> Result<SessionRecord, StoreError> {
            Ok(SessionRecord {
                citizen_id: row.try_get("citizen_id")?,
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                revoked_at: row.try_get("revoked_at")?,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE session SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE session SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn push_sms(&self, phone: &str, body: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sms_outbox (phone, body, created_at) VALUES (?, ?, ?)")
            .bind(phone)
            .bind(body)
            .bind(now)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn sms_to(&self, phone: &str, limit: u32) -> Result<Vec<SmsRecord>, StoreError> {
        let rows = sqlx::query("SELECT phone, body, created_at FROM sms_outbox WHERE phone = ? ORDER BY id DESC LIMIT ?")
            .bind(phone)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(SmsRecord {
                    phone: row.try_get("phone")?,
                    body: row.try_get("body")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    async fn audit(&self, record: &AuditRecord) -> Result<(), StoreError> {
        let mut connection = self.writer.acquire().await?;
        insert_audit(&mut connection, record).await
    }

    async fn audit_records(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query("SELECT CAST(strftime('%s', at_utc) AS INTEGER) AS at, actor, action, object, result FROM audit_log ORDER BY id DESC LIMIT ?")
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    object: row.try_get("object")?,
                    result: row.try_get("result")?,
                })
            })
            .collect()
    }

    async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO server_secret (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&self.writer)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM server_secret WHERE name = ?")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn licence_of(&self, citizen_id: i64) -> Result<Option<LicenceRecord>, StoreError> {
        let row = sqlx::query("SELECT document_number, expiry_date, suspension_reason, elements AS elements FROM licence WHERE citizen_id = ?")
            .bind(citizen_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| -> Result<LicenceRecord, StoreError> {
            let elements: String = row.try_get("elements")?;
            Ok(LicenceRecord {
                document_number: row.try_get("document_number")?,
                expiry_date: row.try_get("expiry_date")?,
                suspension: row.try_get("suspension_reason")?,
                elements: serde_json::from_str(&elements)
                    .map_err(|e| StoreError::Corrupt(format!("licence elements: {e}")))?,
            })
        })
        .transpose()
    }

    async fn no_shows_of(&self, citizen_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT s.starts_at FROM appointment a JOIN slot s ON s.id = a.slot_id WHERE a.citizen_id = ? AND a.status = 'no_show'",
        )
        .bind(citizen_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn idempotency_begin(
        &self,
        owner: IdempotencyOwner,
        key: &str,
        request_hash: &str,
        now: i64,
    ) -> Result<IdempotencyState, StoreError> {
        let mut connection = self.writer.acquire().await?;
        let claimed = claim_key(&mut connection, owner, key, request_hash, now).await?;
        if claimed {
            return Ok(IdempotencyState::Started);
        }
        let mut connection = self.pool.acquire().await?;
        // Released between the two statements: treat as still running; the client retries.
        Ok(read_key(&mut connection, owner, key, request_hash)
            .await?
            .unwrap_or(IdempotencyState::InProgress))
    }

    async fn idempotency_finish(
        &self,
        owner: IdempotencyOwner,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "UPDATE {table} SET status = ?, response_body = ? WHERE {column} = ? AND key = ?",
            table = owner.table(),
            column = owner.column()
        ))
        .bind(i32::from(status))
        .bind(body)
        .bind(owner.id())
        .bind(key)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn idempotency_abort(
        &self,
        owner: IdempotencyOwner,
        key: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE {column} = ? AND key = ? AND status IS NULL",
            table = owner.table(),
            column = owner.column()
        ))
        .bind(owner.id())
        .bind(key)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn idempotency_expire(&self, before: i64) -> Result<u64, StoreError> {
        let mut forgotten = 0;
        for table in ["idempotency_key", "staff_idempotency_key"] {
            forgotten += sqlx::query(&format!("DELETE FROM {table} WHERE created_at < ?"))
                .bind(before)
                .execute(&self.writer)
                .await?
                .rows_affected();
        }
        Ok(forgotten)
    }

    async fn slot(&self, slot_id: i64) -> Result<Option<Slot>, StoreError> {
        let row = sqlx::query("SELECT id, directorate_id, service, starts_at, capacity, booked FROM slot WHERE id = ?")
            .bind(slot_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| -> Result<Slot, StoreError> {
            let service: String = row.try_get("service")?;
            Ok(Slot {
                id: row.try_get("id")?,
                directorate_id: row.try_get("directorate_id")?,
                service: ServiceKind::from_code(&service)
                    .ok_or_else(|| StoreError::Corrupt(format!("service {service}")))?,
                starts_at: row.try_get("starts_at")?,
                capacity: row.try_get("capacity")?,
                booked: row.try_get("booked")?,
            })
        })
        .transpose()
    }

    async fn set_capacity(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        from: i64,
        to: i64,
        capacity: i64,
    ) -> Result<(u64, u64), StoreError> {
        let mut tx = self.write().await?;
        let changed = sqlx::query("UPDATE slot SET capacity = ?1 WHERE directorate_id = ?2 AND service = ?3 AND starts_at >= ?4 AND starts_at < ?5 AND booked <= ?1 \
             AND NOT EXISTS (SELECT 1 FROM closure z WHERE z.lifted_at IS NULL AND z.directorate_id = slot.directorate_id AND z.starts_at <= slot.starts_at AND z.ends_at > slot.starts_at)")
            .bind(capacity)
            .bind(directorate_id)
            .bind(service.code())
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM slot WHERE directorate_id = ? AND service = ? AND starts_at >= ? AND starts_at < ?")
            .bind(directorate_id)
            .bind(service.code())
            .bind(from)
            .bind(to)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((
            changed,
            u64::try_from(total).unwrap_or(0).saturating_sub(changed),
        ))
    }

    async fn create_staff(
        &self,
        username: &str,
        password_hash: &str,
        role: StaffRole,
        directorate_id: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff (username, password_hash, role, directorate_id, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.code())
        .bind(directorate_id)
        .bind(now)
        .fetch_one(&self.writer)
        .await?;
        Ok(id)
    }

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, role, directorate_id, disabled_at FROM staff WHERE username = ?",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(staff_record).transpose()
    }

    async fn create_staff_session(
        &self,
        token_hash: &str,
        staff_id: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staff_session (token_hash, staff_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(staff_id)
        .bind(now)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn staff_session(&self, token_hash: &str) -> Result<Option<StaffSession>, StoreError> {
        let row = sqlx::query(
            "SELECT s.id, s.username, s.password_hash, s.role, s.directorate_id, s.disabled_at, z.created_at, z.last_seen_at, z.revoked_at FROM staff_session z JOIN staff s ON s.id = z.staff_id WHERE z.token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| -> Result<StaffSession, StoreError> {
            Ok(StaffSession {
                staff: staff_record(&row)?,
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                revoked_at: row.try_get("revoked_at")?,
            })
        })
        .transpose()
    }

    async fn touch_staff_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE staff_session SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn revoke_staff_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE staff_session SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn day_list(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<DayEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.reference, a.service, a.status, s.starts_at, t.area, t.number, t.status AS ticket_status, t.counter FROM appointment a JOIN slot s ON s.id = a.slot_id LEFT JOIN ticket t ON t.appointment_id = a.id WHERE s.directorate_id = ? AND s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, a.reference",
        )
        .bind(directorate_id)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| -> Result<DayEntry, StoreError> {
                let reference: String = row.try_get("reference")?;
                let service: String = row.try_get("service")?;
                let status: String = row.try_get("status")?;
                let area: Option<String> = row.try_get("area")?;
                let ticket = match area {
                    Some(area) => Some(TicketState {
                        area,
                        number: row.try_get("number")?,
                        status: row.try_get("ticket_status")?,
                        counter: row.try_get("counter")?,
                    }),
                    None => None,
                };
                Ok(DayEntry {
                    reference: Reference::parse(&reference)
                        .map_err(|_| StoreError::Corrupt(format!("reference {reference}")))?,
                    service: ServiceKind::from_code(&service)
                        .ok_or_else(|| StoreError::Corrupt(format!("service {service}")))?,
                    starts_at: row.try_get("starts_at")?,
                    status: AppointmentStatus::from_code(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
                    ticket,
                })
            })
            .collect()
    }

    async fn call_next(
        &self,
        directorate_id: &str,
        day: &str,
        area: &str,
        counter: &str,
        now: i64,
    ) -> Result<Option<CalledTicket>, StoreError> {
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "SELECT t.id, t.area, t.number, a.reference, a.service FROM ticket t JOIN appointment a ON a.id = t.appointment_id WHERE t.directorate_id = ? AND t.day = ? AND t.area = ? AND t.status = 'waiting' ORDER BY t.number LIMIT 1",
        )
        .bind(directorate_id)
        .bind(day)
        .bind(area)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        sqlx::query("UPDATE ticket SET status = 'called', called_at = ?, counter = ? WHERE id = ?")
            .bind(now)
            .bind(counter)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let reference: String = row.try_get("reference")?;
        let service: String = row.try_get("service")?;
        Ok(Some(CalledTicket {
            area: row.try_get("area")?,
            number: row.try_get("number")?,
            reference: Reference::parse(&reference)
                .map_err(|_| StoreError::Corrupt(format!("reference {reference}")))?,
            service: ServiceKind::from_code(&service)
                .ok_or_else(|| StoreError::Corrupt(format!("service {service}")))?,
            counter: counter.to_owned(),
            called_at: now,
        }))
    }

    async fn called_tickets(
        &self,
        directorate_id: &str,
        day: &str,
        limit: u32,
    ) -> Result<Vec<CalledTicket>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.area, t.number, a.reference, a.service, t.counter, t.called_at FROM ticket t JOIN appointment a ON a.id = t.appointment_id WHERE t.directorate_id = ? AND t.day = ? AND t.called_at IS NOT NULL ORDER BY t.called_at DESC, t.id DESC LIMIT ?",
        )
        .bind(directorate_id)
        .bind(day)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| -> Result<CalledTicket, StoreError> {
                let reference: String = row.try_get("reference")?;
                let service: String = row.try_get("service")?;
                let counter: Option<String> = row.try_get("counter")?;
                Ok(CalledTicket {
                    area: row.try_get("area")?,
                    number: row.try_get("number")?,
                    reference: Reference::parse(&reference)
                        .map_err(|_| StoreError::Corrupt(format!("reference {reference}")))?,
                    service: ServiceKind::from_code(&service)
                        .ok_or_else(|| StoreError::Corrupt(format!("service {service}")))?,
                    counter: counter.unwrap_or_default(),
                    called_at: row.try_get("called_at")?,
                })
            })
            .collect()
    }

    async fn record_attendance(
        &self,
        directorate_id: &str,
        reference: &Reference,
        attended: bool,
        now: i64,
    ) -> Result<(), AttendanceError> {
        let mut tx = self.write().await?;
        let row = sqlx::query(&format!(
            "SELECT a.id, {APPOINTMENT_COLUMNS} FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.reference = ?"
        ))
        .bind(reference.code())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AttendanceError::NotFound)?;
        let id: i64 = row.try_get("id")?;
        let found = appointment(&row)?;
        if found.directorate_id != directorate_id {
            return Err(AttendanceError::NotFound);
        }
        if !found.status.is_active() {
            return Err(AttendanceError::NotChangeable);
        }
        let status = if attended { "attended" } else { "no_show" };
        sqlx::query("UPDATE appointment SET status = ?, updated_at = ? WHERE id = ?")
            .bind(status)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE ticket SET status = 'done' WHERE appointment_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn enrol_kiosk(
        &self,
        directorate_id: &str,
        label: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO kiosk_device (directorate_id, label, token_hash, enrolled_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(directorate_id)
        .bind(label)
        .bind(token_hash)
        .bind(now)
        .fetch_one(&self.writer)
        .await?;
        Ok(id)
    }

    async fn kiosk(&self, token_hash: &str) -> Result<Option<KioskDevice>, StoreError> {
        let row = sqlx::query(
            "SELECT id, directorate_id, label FROM kiosk_device WHERE token_hash = ? AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| -> Result<KioskDevice, StoreError> {
            Ok(KioskDevice {
                id: row.try_get("id")?,
                directorate_id: row.try_get("directorate_id")?,
                label: row.try_get("label")?,
            })
        })
        .transpose()
    }

    async fn kiosks_of(
        &self,
        directorate_id: &str,
    ) -> Result<Vec<(KioskDevice, i64, Option<i64>)>, StoreError> {
        let rows = sqlx::query("SELECT id, directorate_id, label, enrolled_at, revoked_at FROM kiosk_device WHERE directorate_id = ? ORDER BY id DESC")
            .bind(directorate_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(
                |row| -> Result<(KioskDevice, i64, Option<i64>), StoreError> {
                    Ok((
                        KioskDevice {
                            id: row.try_get("id")?,
                            directorate_id: row.try_get("directorate_id")?,
                            label: row.try_get("label")?,
                        },
                        row.try_get("enrolled_at")?,
                        row.try_get("revoked_at")?,
                    ))
                },
            )
            .collect()
    }

    async fn revoke_kiosk(
        &self,
        kiosk_id: i64,
        directorate_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let revoked = sqlx::query(
            "UPDATE kiosk_device SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL AND (?3 IS NULL OR directorate_id = ?3)",
        )
        .bind(now)
        .bind(kiosk_id)
        .bind(directorate_id)
        .execute(&self.writer)
        .await?
        .rows_affected();
        Ok(revoked == 1)
    }

    async fn check_in(
        &self,
        directorate_id: &str,
        reference: &Reference,
        now: i64,
        rules: &crate::domain::rules::BookingRules,
    ) -> Result<Ticket, CheckInError> {
        use crate::domain::check_in::{CheckInRefusal, window};
        let mut tx = self.write().await?;
        let row = sqlx::query(&format!(
            "SELECT a.id, {APPOINTMENT_COLUMNS} FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.reference = ?"
        ))
        .bind(reference.code())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(CheckInError::Refused(CheckInRefusal::NotFound))?;
        let appointment_id: i64 = row.try_get("id")?;
        let found = appointment(&row)?;
        if found.directorate_id != directorate_id {
            return Err(CheckInError::Refused(CheckInRefusal::WrongDirectorate));
        }
        let day = rega_api::time::LocalDateTime::from_unix(found.starts_at)
            .date
            .to_string();
        let area = found.service.area();
        let (number, again) = match found.status {
            AppointmentStatus::Cancelled => {
                return Err(CheckInError::Refused(CheckInRefusal::Cancelled));
            }
            AppointmentStatus::Attended => {
                return Err(CheckInError::Refused(CheckInRefusal::AlreadyServed));
            }
            AppointmentStatus::NoShow => {
                return Err(CheckInError::Refused(CheckInRefusal::TooLate));
            }
            AppointmentStatus::CheckedIn => {
                let number: i64 =
                    sqlx::query_scalar("SELECT number FROM ticket WHERE appointment_id = ?")
                        .bind(appointment_id)
                        .fetch_one(&mut *tx)
                        .await?;
                (number, true)
            }
            AppointmentStatus::Booked => {
                window(rules, found.starts_at, now).map_err(CheckInError::Refused)?;
                let number: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM ticket WHERE directorate_id = ? AND day = ? AND area = ?",
                )
                .bind(directorate_id)
                .bind(&day)
                .bind(area)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO ticket (appointment_id, directorate_id, day, area, number, status, issued_at) VALUES (?, ?, ?, ?, ?, 'waiting', ?)",
                )
                .bind(appointment_id)
                .bind(directorate_id)
                .bind(&day)
                .bind(area)
                .bind(number)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE appointment SET status = 'checked_in', updated_at = ? WHERE id = ?",
                )
                .bind(now)
                .bind(appointment_id)
                .execute(&mut *tx)
                .await?;
                (number, false)
            }
        };
        let ahead: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM ticket WHERE directorate_id = ? AND day = ? AND area = ? AND status = 'waiting' AND number < ?",
        )
        .bind(directorate_id)
        .bind(&day)
        .bind(area)
        .bind(number)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ticket {
            area: area.to_owned(),
            number,
            service: found.service,
            starts_at: found.starts_at,
            ahead,
            again,
        })
    }

    async fn close(&self, closure: &NewClosure<'_>) -> Result<(i64, u64), StoreError> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO closure (directorate_id, day, starts_at, ends_at, note, staff_id, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(closure.directorate_id)
        .bind(closure.day)
        .bind(closure.starts_at)
        .bind(closure.ends_at)
        .bind(closure.note)
        .bind(closure.staff_id)
        .bind(closure.now)
        .fetch_one(&mut *tx)
        .await?;
        let cancelled = sqlx::query(
            "UPDATE appointment SET status = 'cancelled', closure_id = ?1, updated_at = ?2 \
             WHERE status IN ('booked', 'checked_in') AND slot_id IN \
               (SELECT id FROM slot WHERE directorate_id = ?3 AND starts_at >= ?4 AND starts_at < ?5)",
        )
        .bind(id)
        .bind(closure.now)
        .bind(closure.directorate_id)
        .bind(closure.starts_at)
        .bind(closure.ends_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE ticket SET status = 'done' WHERE status = 'waiting' \
             AND appointment_id IN (SELECT id FROM appointment WHERE closure_id = ?)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE slot SET capacity = 0, booked = booked - \
               (SELECT COUNT(*) FROM appointment a WHERE a.slot_id = slot.id AND a.closure_id = ?1) \
             WHERE directorate_id = ?2 AND starts_at >= ?3 AND starts_at < ?4",
        )
        .bind(id)
        .bind(closure.directorate_id)
        .bind(closure.starts_at)
        .bind(closure.ends_at)
        .execute(&mut *tx)
        .await?;
        // The booking the closure cancelled does not count against the citizen's limit.
        let citizens: Vec<i64> =
            sqlx::query_scalar("SELECT citizen_id FROM appointment WHERE closure_id = ?")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        for citizen_id in citizens {
            sqlx::query(
                "DELETE FROM booking_change WHERE rowid = \
                   (SELECT rowid FROM booking_change WHERE citizen_id = ? ORDER BY at DESC LIMIT 1)",
            )
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((id, cancelled))
    }

    async fn lift_closure(
        &self,
        directorate_id: &str,
        closure_id: i64,
        staff_id: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let period = sqlx::query(
            "UPDATE closure SET lifted_at = ?, lifted_by = ? \
             WHERE id = ? AND directorate_id = ? AND lifted_at IS NULL RETURNING starts_at, ends_at",
        )
        .bind(now)
        .bind(staff_id)
        .bind(closure_id)
        .bind(directorate_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(period) = period else {
            return Ok(false);
        };
        let (from, to): (i64, i64) = (period.try_get("starts_at")?, period.try_get("ends_at")?);
        sqlx::query(
            "UPDATE slot SET capacity = MAX(booked, (SELECT c.counters FROM counter c \
               WHERE c.directorate_id = slot.directorate_id AND c.service = slot.service)) \
             WHERE directorate_id = ?1 AND starts_at >= ?2 AND starts_at < ?3 \
             AND NOT EXISTS (SELECT 1 FROM closure z WHERE z.lifted_at IS NULL AND z.directorate_id = slot.directorate_id \
               AND z.starts_at <= slot.starts_at AND z.ends_at > slot.starts_at)",
        )
        .bind(directorate_id)
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn closures_of(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ClosureRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT z.id, z.day, z.starts_at, z.ends_at, z.note, st.username, \
               (SELECT COUNT(*) FROM appointment a WHERE a.closure_id = z.id) AS cancelled \
             FROM closure z JOIN staff st ON st.id = z.staff_id \
             WHERE z.lifted_at IS NULL AND z.directorate_id = ? AND z.ends_at > ? AND z.starts_at < ? ORDER BY z.starts_at, z.id",
        )
        .bind(directorate_id)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(closure_record).collect()
    }

    async fn claim_closure_notices(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "SELECT a.id, a.reference, c.phone, s.starts_at, s.directorate_id FROM appointment a \
             JOIN slot s ON s.id = a.slot_id JOIN citizen c ON c.id = a.citizen_id \
             WHERE a.closure_id IS NOT NULL AND a.closure_sms_at IS NULL ORDER BY a.id LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            sqlx::query("UPDATE appointment SET closure_sms_at = ? WHERE id = ?")
                .bind(now)
                .bind(row.try_get::<i64, _>("id")?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        rows.iter().map(reminder).collect()
    }

    async fn claim_reminders(
        &self,
        from: i64,
        to: i64,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError> {
        let mut tx = self.write().await?;
        let rows = sqlx::query(
            "SELECT a.id, a.reference, c.phone, s.starts_at, s.directorate_id FROM appointment a \
             JOIN slot s ON s.id = a.slot_id JOIN citizen c ON c.id = a.citizen_id \
             WHERE a.status = 'booked' AND a.reminded_at IS NULL AND s.starts_at >= ? AND s.starts_at < ? \
             ORDER BY a.id LIMIT ?",
        )
        .bind(from)
        .bind(to)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            sqlx::query("UPDATE appointment SET reminded_at = ? WHERE id = ?")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            claimed.push(reminder(row)?);
        }
        tx.commit().await?;
        Ok(claimed)
    }
}
