//! The PostgreSQL store, for several stateless server instances sharing one database.
//! Capacity is enforced by a conditional update (row-locked by PostgreSQL); a citizen's row is
//! locked first in every booking transaction, so one citizen's concurrent requests serialize;
//! a reschedule locks both slots in id order, so crossing reschedules cannot deadlock.

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use super::{
    Appointment, AppointmentStatus, AuditRecord, BookError, BookRequest, CitizenRecord,
    Directorate, IdempotencyState, LicenceRecord, Localized, NewCitizen, OnceOutcome, OnceWrite,
    OtpRecord, Reminder, Respond, SessionRecord, Slot, SmsRecord, Store, StoreError, new_reference,
};
use super::{
    AttendanceError, CalledTicket, CheckInError, ClosureRecord, DayEntry, IdempotencyOwner,
    KioskDevice, NewClosure, StaffRecord, StaffRole, StaffSession, Ticket, TicketState,
};

/// The PostgreSQL store.
pub struct PgStore {
    pool: PgPool,
    target: String,
}

impl PgStore {
    /// Connects and migrates. Several instances may start at once: sqlx takes an advisory lock
    /// around migrations.
    pub async fn connect(url: &str) -> anyhow::Result<PgStore> {
        let options: PgConnectOptions = url
            .parse()
            .context("DATABASE_URL is not a valid postgres:// URL")?;
        let target = format!(
            "postgres://{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        );
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .with_context(|| {
                format!("cannot connect to PostgreSQL at {target}; is it running, and are the user and password right?")
            })?;
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .with_context(|| format!("cannot migrate the PostgreSQL database at {target}"))?;
        Ok(PgStore { pool, target })
    }
}

const APPOINTMENT_COLUMNS: &str = "a.reference, a.citizen_id, a.slot_id, a.service, a.status, s.directorate_id, s.starts_at, \
     a.created_at, a.updated_at, a.closure_id";

fn appointment(row: &PgRow) -> Result<Appointment, StoreError> {
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

fn closure_record(row: &PgRow) -> Result<ClosureRecord, StoreError> {
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

/// Takes a place and inserts the appointment, inside the caller's transaction; `None` when the
/// new reference collided (one in billions), which aborts the transaction: the caller rolls back
/// and tries again.
async fn insert_booking(
    tx: &mut Transaction<'static, Postgres>,
    request: &BookRequest,
) -> Result<Option<Appointment>, BookError> {
    lock_citizen(tx, request.citizen_id).await?;
    take_place(tx, request).await?;
    let reference = new_reference()?;
    let inserted = sqlx::query(
        "INSERT INTO appointment (reference, citizen_id, slot_id, service, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'booked', $5, $5)",
    )
    .bind(reference.code())
    .bind(request.citizen_id)
    .bind(request.slot_id)
    .bind(request.service.code())
    .bind(request.now)
    .execute(&mut **tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if violates(&e, "appointment_one_active_per_service") => {
            return Err(BookError::AlreadyBooked);
        }
        Err(e) if violates(&e, "appointment_reference_key") => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    Ok(Some(
        fetch_appointment(tx, request.citizen_id, &reference).await?,
    ))
}

/// Claims an Idempotency-Key for a request on the caller's connection (or transaction): true
/// if it was new.
async fn claim_key(
    connection: &mut PgConnection,
    owner: IdempotencyOwner,
    key: &str,
    request_hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let claimed = sqlx::query(&format!(
        "INSERT INTO {table} ({column}, key, request_hash, created_at) VALUES ($1, $2, $3, $4) \
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
    connection: &mut PgConnection,
    owner: IdempotencyOwner,
    key: &str,
    request_hash: &str,
) -> Result<Option<IdempotencyState>, StoreError> {
    let row = sqlx::query(&format!("SELECT request_hash, CAST(status AS BIGINT) AS status, response_body FROM {table} WHERE {column} = $1 AND key = $2", table = owner.table(), column = owner.column()))
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
    connection: &mut PgConnection,
    record: &AuditRecord,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_log (at_utc, actor, action, object, result) VALUES (to_timestamp($1), $2, $3, $4, $5)")
        .bind(record.at as f64)
        .bind(&record.actor)
        .bind(&record.action)
        .bind(&record.object)
        .bind(&record.result)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

fn violates(error: &sqlx::Error, constraint: &str) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation() && db.constraint() == Some(constraint))
}

async fn lock_citizen(
    tx: &mut Transaction<'static, Postgres>,
    citizen_id: i64,
) -> Result<(), BookError> {
    sqlx::query("SELECT id FROM citizen WHERE id = $1 FOR UPDATE")
        .bind(citizen_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(BookError::NotFound)?;
    Ok(())
}

async fn take_place(
    tx: &mut Transaction<'static, Postgres>,
    request: &BookRequest,
) -> Result<(), BookError> {
    let taken = sqlx::query(
        "UPDATE slot SET booked = booked + 1 WHERE id = $1 AND service = $2 AND booked < capacity",
    )
    .bind(request.slot_id)
    .bind(request.service.code())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if taken == 0 {
        let exists = sqlx::query("SELECT 1 FROM slot WHERE id = $1 AND service = $2")
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
        sqlx::query_scalar("SELECT COUNT(*) FROM booking_change WHERE citizen_id = $1 AND at > $2")
            .bind(request.citizen_id)
            .bind(request.changes_since)
            .fetch_one(&mut **tx)
            .await?;
    if changes >= i64::from(request.max_changes) {
        return Err(BookError::TooManyChanges);
    }
    sqlx::query("INSERT INTO booking_change (citizen_id, at) VALUES ($1, $2)")
        .bind(request.citizen_id)
        .bind(request.now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn fetch_appointment(
    tx: &mut Transaction<'static, Postgres>,
    citizen_id: i64,
    reference: &Reference,
) -> Result<Appointment, BookError> {
    let row = sqlx::query(&format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM appointment a JOIN slot s ON s.id = a.slot_id \
         WHERE a.reference = $1 AND a.citizen_id = $2"
    ))
    .bind(reference.code())
    .bind(citizen_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(BookError::NotFound)?;
    Ok(appointment(&row)?)
}

fn citizen_record(row: &PgRow) -> Result<CitizenRecord, StoreError> {
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

fn reminder(row: &PgRow) -> Result<Reminder, StoreError> {
    let reference: String = row.try_get("reference")?;
    Ok(Reminder {
        reference: Reference::parse(&reference)
            .map_err(|_| StoreError::Corrupt(format!("reference {reference}")))?,
        phone: row.try_get("phone")?,
        starts_at: row.try_get("starts_at")?,
        directorate_id: row.try_get("directorate_id")?,
    })
}

fn staff_record(row: &PgRow) -> Result<StaffRecord, StoreError> {
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
impl Store for PgStore {
    fn describe(&self) -> String {
        self.target.clone()
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
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO directorate (id, name_en, name_ckb, name_ar, address_en, address_ckb, address_ar, phone) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, \
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
                "INSERT INTO counter (directorate_id, service, counters) VALUES ($1, $2, $3) \
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
                let count: i64 = i64::from(c.try_get::<i32, _>("counters")?);
                services.push((service, u32::try_from(count).unwrap_or(0)));
            }
            out.push((directorate, services));
        }
        Ok(out)
    }

    async fn insert_citizen(&self, c: &NewCitizen) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO citizen (national_id, phone, birth_date, theory_test_passed) VALUES ($1, $2, $3, $4) \
             RETURNING id",
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
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&licence.document_number)
            .bind(&licence.expiry_date)
            .bind(licence.suspension.is_some())
            .bind(&licence.suspension)
            .bind(&licence.elements)
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
        let created = sqlx::query(
            "INSERT INTO slot (directorate_id, service, starts_at, capacity) \
             SELECT c.directorate_id, c.service, s.start, \
               CASE WHEN EXISTS (SELECT 1 FROM closure z WHERE z.lifted_at IS NULL AND z.directorate_id = c.directorate_id \
                 AND z.starts_at <= s.start AND z.ends_at > s.start) THEN 0 ELSE c.counters END \
             FROM counter c CROSS JOIN UNNEST($3::BIGINT[]) AS s(start) \
             WHERE c.directorate_id = $1 AND c.service = $2 \
             ON CONFLICT (directorate_id, service, starts_at) DO NOTHING",
        )
        .bind(directorate_id)
        .bind(service.code())
        .bind(starts)
        .execute(&self.pool)
        .await?
        .rows_affected();
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
             WHERE directorate_id = $1 AND service = $2 AND starts_at >= $3 AND starts_at < $4 ORDER BY starts_at",
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
                    capacity: i64::from(row.try_get::<i32, _>("capacity")?),
                    booked: i64::from(row.try_get::<i32, _>("booked")?),
                })
            })
            .collect()
    }

    async fn book(&self, request: &BookRequest) -> Result<Appointment, BookError> {
        loop {
            let mut tx = self.pool.begin().await?;
            // A reference collision aborted the transaction: start again with a new one.
            let Some(booked) = insert_booking(&mut tx, request).await? else {
                continue;
            };
            tx.commit().await?;
            return Ok(booked);
        }
    }

    async fn book_once(
        &self,
        request: &BookRequest,
        write: &OnceWrite<'_>,
        respond: Respond,
    ) -> Result<OnceOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        // A request with the same key in flight holds the row: this waits for its answer.
        let claimed = claim_key(
            &mut tx,
            write.owner,
            write.key,
            write.request_hash,
            request.now,
        )
        .await?;
        if !claimed {
            let seen = read_key(&mut tx, write.owner, write.key, write.request_hash).await?;
            return Ok(OnceOutcome::Seen(
                seen.unwrap_or(IdempotencyState::InProgress),
            ));
        }
        // The booking under a savepoint: a refusal undoes it, and the key, the answer and the
        // audit record are still stored.
        let outcome = loop {
            sqlx::query("SAVEPOINT booking").execute(&mut *tx).await?;
            match insert_booking(&mut tx, request).await {
                Ok(Some(booked)) => {
                    sqlx::query("RELEASE SAVEPOINT booking")
                        .execute(&mut *tx)
                        .await?;
                    break Ok(booked);
                }
                Ok(None) => {
                    sqlx::query("ROLLBACK TO SAVEPOINT booking")
                        .execute(&mut *tx)
                        .await?;
                }
                Err(BookError::Store(e)) => return Err(e),
                Err(refused) => {
                    sqlx::query("ROLLBACK TO SAVEPOINT booking")
                        .execute(&mut *tx)
                        .await?;
                    break Err(refused);
                }
            }
        };
        let (status, body) = respond(outcome.as_ref());
        sqlx::query(&format!(
            "UPDATE {table} SET status = $1, response_body = $2 WHERE {column} = $3 AND key = $4",
            table = write.owner.table(),
            column = write.owner.column()
        ))
        .bind(i32::from(status))
        .bind(&body)
        .bind(write.owner.id())
        .bind(write.key)
        .execute(&mut *tx)
        .await?;
        let audit = AuditRecord {
            result: super::audit_result(status),
            ..write.audit.clone()
        };
        insert_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(OnceOutcome::Answered { status, body })
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
        let mut tx = self.pool.begin().await?;
        lock_citizen(&mut tx, citizen_id).await?;
        let current = fetch_appointment(&mut tx, citizen_id, reference).await?;
        sqlx::query("SELECT id FROM slot WHERE id = ANY($1) ORDER BY id FOR UPDATE")
            .bind([current.slot_id, new_slot_id])
            .fetch_all(&mut *tx)
            .await?;
        // Read again under the slot's lock: a closure of the directorate that held it may have
        // cancelled the appointment meanwhile.
        let current = fetch_appointment(&mut tx, citizen_id, reference).await?;
        if current.status != AppointmentStatus::Booked {
            return Err(BookError::NotChangeable);
        }
        let request = BookRequest {
            slot_id: new_slot_id,
            service: current.service,
            ..request.clone()
        };
        take_place(&mut tx, &request).await?;
        sqlx::query("UPDATE slot SET booked = booked - 1 WHERE id = $1 AND booked > 0")
            .bind(current.slot_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE appointment SET slot_id = $1, updated_at = $2 WHERE reference = $3")
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
        let mut tx = self.pool.begin().await?;
        lock_citizen(&mut tx, citizen_id).await?;
        let current = fetch_appointment(&mut tx, citizen_id, reference).await?;
        sqlx::query("SELECT id FROM slot WHERE id = $1 FOR UPDATE")
            .bind(current.slot_id)
            .fetch_all(&mut *tx)
            .await?;
        // Read again under the slot's lock (slots before appointments, the order a closure of
        // the directorate takes them in): the closure may have cancelled it meanwhile.
        let current = fetch_appointment(&mut tx, citizen_id, reference).await?;
        if current.status != AppointmentStatus::Booked {
            return Err(BookError::NotChangeable);
        }
        sqlx::query(
            "UPDATE appointment SET status = 'cancelled', updated_at = $1 WHERE reference = $2",
        )
        .bind(now)
        .bind(reference.code())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE slot SET booked = booked - 1 WHERE id = $1 AND booked > 0")
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
             WHERE a.citizen_id = $1 ORDER BY s.starts_at DESC"
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
        let row = sqlx::query("SELECT id, national_id, phone, birth_date, theory_test_passed FROM citizen WHERE national_id = $1")
            .bind(national_id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(citizen_record).transpose()
    }

    async fn citizen(&self, citizen_id: i64) -> Result<Option<CitizenRecord>, StoreError> {
        let row = sqlx::query("SELECT id, national_id, phone, birth_date, theory_test_passed FROM citizen WHERE id = $1")
            .bind(citizen_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(citizen_record).transpose()
    }

    async fn count_events(&self, key: &str, since: i64) -> Result<u32, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM rate_event WHERE key = $1 AND at > $2")
                .bind(key)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn record_event(&self, key: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO rate_event (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(at)
            .execute(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE otp_code SET revoked = $1 WHERE citizen_id = $2 AND used_at IS NULL")
            .bind(true)
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO otp_code (citizen_id, code_hmac, created_at, expires_at) VALUES ($1, $2, $3, $4)")
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
             WHERE citizen_id = $1 AND used_at IS NULL AND revoked = $2 ORDER BY id DESC LIMIT 1",
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
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE otp_code SET failed_attempts = failed_attempts + 1 WHERE id = $1")
            .bind(otp_id)
            .execute(&mut *tx)
            .await?;
        let failed: i64 = sqlx::query_scalar(
            "SELECT CAST(failed_attempts AS BIGINT) FROM otp_code WHERE id = $1",
        )
        .bind(otp_id)
        .fetch_one(&mut *tx)
        .await?;
        if failed >= i64::from(max_failures) {
            sqlx::query("UPDATE otp_code SET revoked = $1 WHERE id = $2")
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
            "UPDATE otp_code SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND revoked = $3",
        )
        .bind(now)
        .bind(otp_id)
        .bind(false)
        .execute(&self.pool)
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
        sqlx::query("INSERT INTO session (token_hash, citizen_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(citizen_id)
            .bind(now)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query("SELECT citizen_id, created_at, last_seen_at, revoked_at FROM session WHERE token_hash = $1")
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
            "UPDATE session SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $3",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE session SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn push_sms(&self, phone: &str, body: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sms_outbox (phone, body, created_at) VALUES ($1, $2, $3)")
            .bind(phone)
            .bind(body)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn sms_to(&self, phone: &str, limit: u32) -> Result<Vec<SmsRecord>, StoreError> {
        let rows = sqlx::query("SELECT phone, body, created_at FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT $2")
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
        let mut connection = self.pool.acquire().await?;
        insert_audit(&mut connection, record).await
    }

    async fn audit_records(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query("SELECT CAST(EXTRACT(EPOCH FROM at_utc) AS BIGINT) AS at, actor, action, object, result FROM audit_log ORDER BY id DESC LIMIT $1")
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
            "INSERT INTO server_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM server_secret WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn licence_of(&self, citizen_id: i64) -> Result<Option<LicenceRecord>, StoreError> {
        let row = sqlx::query("SELECT document_number, expiry_date, suspension_reason, elements::TEXT AS elements FROM licence WHERE citizen_id = $1")
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
            "SELECT s.starts_at FROM appointment a JOIN slot s ON s.id = a.slot_id WHERE a.citizen_id = $1 AND a.status = 'no_show'",
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
        let mut connection = self.pool.acquire().await?;
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
            "UPDATE {table} SET status = $1, response_body = $2 WHERE {column} = $3 AND key = $4",
            table = owner.table(),
            column = owner.column()
        ))
        .bind(i32::from(status))
        .bind(body)
        .bind(owner.id())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn idempotency_abort(
        &self,
        owner: IdempotencyOwner,
        key: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE {column} = $1 AND key = $2 AND status IS NULL",
            table = owner.table(),
            column = owner.column()
        ))
        .bind(owner.id())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn idempotency_expire(&self, before: i64) -> Result<u64, StoreError> {
        let mut forgotten = 0;
        for table in ["idempotency_key", "staff_idempotency_key"] {
            forgotten += sqlx::query(&format!("DELETE FROM {table} WHERE created_at < $1"))
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(forgotten)
    }

    async fn slot(&self, slot_id: i64) -> Result<Option<Slot>, StoreError> {
        let row = sqlx::query("SELECT id, directorate_id, service, starts_at, capacity, booked FROM slot WHERE id = $1")
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
                capacity: i64::from(row.try_get::<i32, _>("capacity")?),
                booked: i64::from(row.try_get::<i32, _>("booked")?),
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
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE slot SET capacity = $1 WHERE directorate_id = $2 AND service = $3 AND starts_at >= $4 AND starts_at < $5 AND booked <= $1 \
             AND NOT EXISTS (SELECT 1 FROM closure z WHERE z.lifted_at IS NULL AND z.directorate_id = slot.directorate_id AND z.starts_at <= slot.starts_at AND z.ends_at > slot.starts_at)")
            .bind(i32::try_from(capacity).unwrap_or(i32::MAX))
            .bind(directorate_id)
            .bind(service.code())
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM slot WHERE directorate_id = $1 AND service = $2 AND starts_at >= $3 AND starts_at < $4")
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
            "INSERT INTO staff (username, password_hash, role, directorate_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.code())
        .bind(directorate_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, username, password_hash, role, directorate_id, disabled_at FROM staff WHERE username = $1",
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
            "INSERT INTO staff_session (token_hash, staff_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(staff_id)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn staff_session(&self, token_hash: &str) -> Result<Option<StaffSession>, StoreError> {
        let row = sqlx::query(
            "SELECT s.id, s.username, s.password_hash, s.role, s.directorate_id, s.disabled_at, z.created_at, z.last_seen_at, z.revoked_at FROM staff_session z JOIN staff s ON s.id = z.staff_id WHERE z.token_hash = $1",
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
        sqlx::query("UPDATE staff_session SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $3")
            .bind(now)
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn revoke_staff_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE staff_session SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
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
            "SELECT a.reference, a.service, a.status, s.starts_at, t.area, t.number, t.status AS ticket_status, t.counter FROM appointment a JOIN slot s ON s.id = a.slot_id LEFT JOIN ticket t ON t.appointment_id = a.id WHERE s.directorate_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3 ORDER BY s.starts_at, a.reference",
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
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "SELECT t.id, t.area, t.number, a.reference, a.service FROM ticket t JOIN appointment a ON a.id = t.appointment_id WHERE t.directorate_id = $1 AND t.day = $2 AND t.area = $3 AND t.status = 'waiting' ORDER BY t.number LIMIT 1 FOR UPDATE OF t SKIP LOCKED",
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
        sqlx::query(
            "UPDATE ticket SET status = 'called', called_at = $1, counter = $2 WHERE id = $3",
        )
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
            "SELECT t.area, t.number, a.reference, a.service, t.counter, t.called_at FROM ticket t JOIN appointment a ON a.id = t.appointment_id WHERE t.directorate_id = $1 AND t.day = $2 AND t.called_at IS NOT NULL ORDER BY t.called_at DESC, t.id DESC LIMIT $3",
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
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT a.id, {APPOINTMENT_COLUMNS} FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.reference = $1 FOR UPDATE OF a"
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
        sqlx::query("UPDATE appointment SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE ticket SET status = 'done' WHERE appointment_id = $1")
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
            "INSERT INTO kiosk_device (directorate_id, label, token_hash, enrolled_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(directorate_id)
        .bind(label)
        .bind(token_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn kiosk(&self, token_hash: &str) -> Result<Option<KioskDevice>, StoreError> {
        let row = sqlx::query(
            "SELECT id, directorate_id, label FROM kiosk_device WHERE token_hash = $1 AND revoked_at IS NULL",
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
        let rows = sqlx::query("SELECT id, directorate_id, label, enrolled_at, revoked_at FROM kiosk_device WHERE directorate_id = $1 ORDER BY id DESC")
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
            "UPDATE kiosk_device SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND ($3::text IS NULL OR directorate_id = $3)",
        )
        .bind(now)
        .bind(kiosk_id)
        .bind(directorate_id)
        .execute(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT a.id, {APPOINTMENT_COLUMNS} FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.reference = $1 FOR UPDATE OF a"
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
                    sqlx::query_scalar("SELECT number FROM ticket WHERE appointment_id = $1")
                        .bind(appointment_id)
                        .fetch_one(&mut *tx)
                        .await?;
                (number, true)
            }
            AppointmentStatus::Booked => {
                window(rules, found.starts_at, now).map_err(CheckInError::Refused)?;
                // One check-in at a time per directorate: ticket numbers never collide.
                sqlx::query("SELECT id FROM directorate WHERE id = $1 FOR UPDATE")
                    .bind(directorate_id)
                    .execute(&mut *tx)
                    .await?;
                let number: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM ticket WHERE directorate_id = $1 AND day = $2 AND area = $3",
                )
                .bind(directorate_id)
                .bind(&day)
                .bind(area)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO ticket (appointment_id, directorate_id, day, area, number, status, issued_at) VALUES ($1, $2, $3, $4, $5, 'waiting', $6)",
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
                    "UPDATE appointment SET status = 'checked_in', updated_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(appointment_id)
                .execute(&mut *tx)
                .await?;
                (number, false)
            }
        };
        let ahead: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM ticket WHERE directorate_id = $1 AND day = $2 AND area = $3 AND status = 'waiting' AND number < $4",
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
        let mut tx = self.pool.begin().await?;
        // The period's slots first: a booking in flight finishes before (and is then cancelled
        // here) or waits and finds the slot closed, in the lock order bookings use.
        sqlx::query(
            "SELECT id FROM slot WHERE directorate_id = $1 AND starts_at >= $2 AND starts_at < $3 \
             ORDER BY id FOR UPDATE",
        )
        .bind(closure.directorate_id)
        .bind(closure.starts_at)
        .bind(closure.ends_at)
        .fetch_all(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO closure (directorate_id, day, starts_at, ends_at, note, staff_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
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
            "UPDATE appointment SET status = 'cancelled', closure_id = $1, updated_at = $2 \
             WHERE status IN ('booked', 'checked_in') AND slot_id IN \
               (SELECT id FROM slot WHERE directorate_id = $3 AND starts_at >= $4 AND starts_at < $5)",
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
             AND appointment_id IN (SELECT id FROM appointment WHERE closure_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE slot SET capacity = 0, booked = booked - \
               (SELECT COUNT(*) FROM appointment a WHERE a.slot_id = slot.id AND a.closure_id = $1) \
             WHERE directorate_id = $2 AND starts_at >= $3 AND starts_at < $4",
        )
        .bind(id)
        .bind(closure.directorate_id)
        .bind(closure.starts_at)
        .bind(closure.ends_at)
        .execute(&mut *tx)
        .await?;
        // The booking the closure cancelled does not count against the citizen's limit.
        let citizens: Vec<i64> =
            sqlx::query_scalar("SELECT citizen_id FROM appointment WHERE closure_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        for citizen_id in citizens {
            sqlx::query(
                "DELETE FROM booking_change WHERE ctid = \
                   (SELECT ctid FROM booking_change WHERE citizen_id = $1 ORDER BY at DESC LIMIT 1)",
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
        let mut tx = self.pool.begin().await?;
        let period = sqlx::query(
            "UPDATE closure SET lifted_at = $1, lifted_by = $2 \
             WHERE id = $3 AND directorate_id = $4 AND lifted_at IS NULL RETURNING starts_at, ends_at",
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
            "UPDATE slot SET capacity = GREATEST(booked, (SELECT c.counters FROM counter c \
               WHERE c.directorate_id = slot.directorate_id AND c.service = slot.service)) \
             WHERE directorate_id = $1 AND starts_at >= $2 AND starts_at < $3 \
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
             WHERE z.lifted_at IS NULL AND z.directorate_id = $1 AND z.ends_at > $2 AND z.starts_at < $3 ORDER BY z.starts_at, z.id",
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
        // SKIP LOCKED: instances running this at the same moment each take other rows.
        let rows = sqlx::query(
            "WITH due AS ( \
                 SELECT a.id FROM appointment a \
                 WHERE a.closure_id IS NOT NULL AND a.closure_sms_at IS NULL \
                 ORDER BY a.id LIMIT $1 FOR UPDATE OF a SKIP LOCKED) \
             UPDATE appointment a SET closure_sms_at = $2 FROM due, slot s, citizen c \
             WHERE a.id = due.id AND s.id = a.slot_id AND c.id = a.citizen_id \
             RETURNING a.reference, c.phone, s.starts_at, s.directorate_id",
        )
        .bind(i64::from(limit))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(reminder).collect()
    }

    async fn claim_reminders(
        &self,
        from: i64,
        to: i64,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError> {
        // SKIP LOCKED: instances running this at the same moment each take other rows.
        let rows = sqlx::query(
            "WITH due AS ( \
                 SELECT a.id FROM appointment a JOIN slot s ON s.id = a.slot_id \
                 WHERE a.status = 'booked' AND a.reminded_at IS NULL AND s.starts_at >= $1 AND s.starts_at < $2 \
                 ORDER BY a.id LIMIT $3 FOR UPDATE OF a SKIP LOCKED) \
             UPDATE appointment a SET reminded_at = $4 FROM due, slot s, citizen c \
             WHERE a.id = due.id AND s.id = a.slot_id AND c.id = a.citizen_id \
             RETURNING a.reference, c.phone, s.starts_at, s.directorate_id",
        )
        .bind(from)
        .bind(to)
        .bind(i64::from(limit))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(reminder).collect()
    }
}
