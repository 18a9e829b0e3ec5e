//! Slots and bookings. One booking transaction ([`book_in`]) serves a booking with or without an
//! Idempotency-Key, on both engines and inside SQLite's group commit: a place is taken only if
//! one is free (a conditional `UPDATE`, never read-check-write), the change limit is counted here
//! and decided by `domain::limits`, one active appointment per service is the database's unique
//! index, and a refusal gives back what it took, so that the transaction around it stays usable.

use async_trait::async_trait;
use rega_api::ids::Reference;
use rega_api::service::ServiceKind;

use super::audit::insert_audit;
use super::idempotency::{claim_key, finish_key, read_key};
use super::outbox::message_in;
use super::outcomes::record_outcomes_in;
use super::waitlist::{end_waiting_in, free_place_in, take_offer_in, untake_offer_in};
use crate::domain::appointment::lapses_before;
use crate::domain::limits::within_change_limit;
use crate::domain::messages::MessageKind;
use crate::store::engine::{Engine, Linked, Lock, Tx, sql};
use crate::store::rows::{self, Columns, appointment_columns, slot_columns};
use crate::store::{
    Appointment, AppointmentStatus, AuditRecord, BookError, BookRequest, BookingChange, Bookings,
    IdempotencyState, OfferTerms, OnceOutcome, OnceWrite, Respond, Slot, SqlStore, StoreError,
    audit_result, new_reference,
};

/// Slots one statement creates at most (both engines' limits on parameters are far above).
const SLOTS_PER_STATEMENT: usize = 500;

#[async_trait]
impl Bookings for SqlStore {
    async fn ensure_slots(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        starts: &[i64],
    ) -> Result<u64, StoreError> {
        let mut tx = self.engine.begin("ensure_slots").await?;
        let created = ensure_slots_in(&mut tx, directorate_id, service, starts).await?;
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
        let mut c = self.engine.read("slots_between").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            slot_columns!(),
            " FROM slot WHERE directorate_id = $1 AND service = $2 \
             AND starts_at >= $3 AND starts_at < $4 ORDER BY starts_at"
        ))
        .bind(directorate_id)
        .bind(service.code())
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::slot)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn slot(&self, slot_id: i64) -> Result<Option<Slot>, StoreError> {
        let mut c = self.engine.read("slot").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            slot_columns!(),
            " FROM slot WHERE id = $1"
        ))
        .bind(slot_id)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::slot)
        .transpose()?))
    }

    async fn book(&self, request: &BookRequest) -> Result<Appointment, BookError> {
        let mut tx = self.engine.begin("book").await?;
        tx.lock(Lock::Citizen(request.citizen_id)).await?;
        let booked = book_in(&mut tx, request).await??;
        tx.commit().await?;
        Ok(booked)
    }

    async fn change_once(
        &self,
        change: &BookingChange,
        write: &OnceWrite<'_>,
        respond: Respond,
    ) -> Result<OnceOutcome, StoreError> {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.change_once(change, write, respond).await,
            Engine::Postgres(_) => {
                let mut tx = self.engine.begin("change_once").await?;
                let outcome = change_once_in(&mut tx, change, write, respond).await?;
                tx.commit().await?;
                Ok(outcome)
            }
        }
    }

    async fn reschedule(
        &self,
        citizen_id: i64,
        reference: &Reference,
        new_slot_id: i64,
        request: &BookRequest,
    ) -> Result<Appointment, BookError> {
        let mut tx = self.engine.begin("reschedule").await?;
        tx.lock(Lock::Citizen(citizen_id)).await?;
        let request = BookRequest {
            citizen_id,
            slot_id: new_slot_id,
            ..request.clone()
        };
        let moved = reschedule_in(&mut tx, reference, &request).await??;
        tx.commit().await?;
        Ok(moved)
    }

    async fn cancel(
        &self,
        citizen_id: i64,
        reference: &Reference,
        now: i64,
    ) -> Result<Appointment, BookError> {
        let mut tx = self.engine.begin("cancel").await?;
        tx.lock(Lock::Citizen(citizen_id)).await?;
        let cancelled = cancel_in(
            &mut tx,
            citizen_id,
            reference,
            now,
            Some(OfferTerms::default()),
        )
        .await??;
        tx.commit().await?;
        Ok(cancelled)
    }

    async fn appointments_of(&self, citizen_id: i64) -> Result<Vec<Appointment>, StoreError> {
        let mut c = self.engine.read("appointments_of").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            appointment_columns!(),
            " FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.citizen_id = $1 ORDER BY s.starts_at DESC"
        ))
        .bind(citizen_id)
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::appointment)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn close_lapsed(&self, now: i64) -> Result<u64, StoreError> {
        let mut tx = self.engine.begin("close_lapsed").await?;
        let closed = close_lapsed_in(&mut tx, now, None).await?;
        tx.commit().await?;
        Ok(closed)
    }

    async fn no_shows_of(&self, citizen_id: i64, now: i64) -> Result<Vec<i64>, StoreError> {
        let mut c = self.engine.read("no_shows_of").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "SELECT s.starts_at FROM appointment a JOIN slot s ON s.id = a.slot_id \
             WHERE a.citizen_id = $1 \
               AND (a.status = 'no_show' OR (a.status = 'booked' AND s.starts_at < $2))"
        )
        .bind(citizen_id)
        .bind(lapses_before(now))
        .fetch_all(c)
        .await?))
    }
}

/// A booking change's audit record, once answered: its result, and for a new booking the
/// appointment it made, so the trail finds it by reference.
pub(crate) fn booking_audit(
    audit: &AuditRecord,
    outcome: &Result<Appointment, BookError>,
    status: u16,
) -> AuditRecord {
    let object = match outcome {
        Ok(appointment) if audit.object == "appointment:new" => {
            format!("appointment:{}", appointment.reference)
        }
        _ => audit.object.clone(),
    };
    AuditRecord {
        result: audit_result(status),
        object,
        ..audit.clone()
    }
}

/// A change under its key, inside the caller's transaction: the citizen's row is locked first
/// (PostgreSQL), then the key claimed (a key seen before changes nothing), the change made, its
/// answer stored with the key and the audit record written.
async fn change_once_in(
    tx: &mut Tx,
    change: &BookingChange,
    write: &OnceWrite<'_>,
    respond: Respond,
) -> Result<OnceOutcome, StoreError> {
    tx.lock(Lock::Citizen(change.citizen_id())).await?;
    if !claim_key(tx, write.owner, write.key, write.request_hash, change.now()).await? {
        let seen = read_key(tx, write.owner, write.key, write.request_hash).await?;
        return Ok(OnceOutcome::Seen(
            seen.unwrap_or(IdempotencyState::InProgress),
        ));
    }
    let outcome = change_in(tx, change).await?;
    let (status, body) = respond(outcome.as_ref());
    finish_key(tx, write.owner, write.key, status, &body).await?;
    let audit = booking_audit(&write.audit, &outcome, status);
    insert_audit(tx, &audit).await?;
    Ok(OnceOutcome::Answered { status, body })
}

/// A change's steps inside the caller's transaction, which holds the citizen's row lock
/// (PostgreSQL). A refusal (`Ok(Err(…))`) leaves nothing of itself behind: the transaction may
/// go on (the SQLite group commit runs the next change in it).
pub(crate) async fn change_in(
    tx: &mut Tx,
    change: &BookingChange,
) -> Result<Result<Appointment, BookError>, StoreError> {
    let outcome = match change {
        BookingChange::Book(request) => book_in(tx, request).await?,
        BookingChange::Reschedule { reference, request } => {
            reschedule_in(tx, reference, request).await?
        }
        BookingChange::Cancel {
            citizen_id,
            reference,
            now,
            offers,
        } => cancel_in(tx, *citizen_id, reference, *now, Some(*offers)).await?,
        BookingChange::Accept {
            entry_id,
            moving,
            request,
        } => accept_in(tx, *entry_id, moving.as_ref(), request).await?,
    };
    // The citizen's message, in the change's own transaction.
    if let Ok(appointment) = &outcome {
        let reference = &appointment.reference;
        let (kind, key) = match change {
            BookingChange::Book(_) => (MessageKind::Booked, format!("booked:{reference}")),
            BookingChange::Reschedule { request, .. } => (
                MessageKind::Moved,
                format!("moved:{reference}:{}:{}", request.slot_id, request.now),
            ),
            BookingChange::Cancel { .. } => {
                (MessageKind::Cancelled, format!("cancelled:{reference}"))
            }
            BookingChange::Accept {
                moving: Some(_),
                request,
                ..
            } => (
                MessageKind::Moved,
                format!("moved:{reference}:{}:{}", request.slot_id, request.now),
            ),
            BookingChange::Accept { moving: None, .. } => {
                (MessageKind::Booked, format!("booked:{reference}"))
            }
        };
        message_in(tx, kind, &key, reference, change.now()).await?;
    }
    Ok(outcome)
}

/// Moves the citizen's booked appointment to `request.slot_id`: the new place first (if it
/// cannot be taken, the old one is kept), the change limit, then the old place released.
async fn reschedule_in(
    tx: &mut Tx,
    reference: &Reference,
    request: &BookRequest,
) -> Result<Result<Appointment, BookError>, StoreError> {
    let Some(mut current) = appointment_of(tx, request.citizen_id, reference).await? else {
        return Ok(Err(BookError::NotFound));
    };
    if tx.shares_rows() {
        let mut slots = [current.slot_id, request.slot_id];
        slots.sort_unstable();
        tx.lock(Lock::Slots(&slots)).await?;
        // Read again under the slots' locks: a closure of the directorate that held it may
        // have cancelled the appointment meanwhile.
        match appointment_of(tx, request.citizen_id, reference).await? {
            Some(again) => current = again,
            None => return Ok(Err(BookError::NotFound)),
        }
    }
    if current.status != AppointmentStatus::Booked {
        return Ok(Err(BookError::NotChangeable));
    }
    let moved = BookRequest {
        service: current.service,
        ..request.clone()
    };
    if let Err(refused) = take_place(tx, &moved).await? {
        return Ok(Err(refused));
    }
    if let Err(refused) = changes_allowed(tx, &moved).await? {
        release_place(tx, moved.slot_id).await?;
        return Ok(Err(refused));
    }
    record_change(tx, &moved).await?;
    move_to_in(tx, &current, &moved).await?;
    Ok(appointment_of(tx, request.citizen_id, reference)
        .await?
        .ok_or(BookError::NotFound))
}

/// Moves the booked appointment `current` to the place `moved.slot_id` (taken already): its
/// old place is freed (to the waitlist first), and a wait for an earlier place of it ends.
async fn move_to_in(
    tx: &mut Tx,
    current: &Appointment,
    moved: &BookRequest,
) -> Result<(), StoreError> {
    sql!(tx, |c| sqlx::query(
        "UPDATE appointment SET slot_id = $1, updated_at = $2 WHERE reference = $3"
    )
    .bind(moved.slot_id)
    .bind(moved.now)
    .bind(current.reference.code())
    .execute(c)
    .await?
    .rows_affected());
    let (citizen, service, now) = (current.citizen_id, current.service, moved.now);
    end_waiting_in(tx, citizen, service, Some(&current.reference), now).await?;
    free_place_in(tx, current.slot_id, now, moved.offers).await
}

/// Takes the place a waitlist offer holds for the citizen (`request.slot_id`, counted in the
/// slot already): a new booking, or the booking `moving` moved there. The same limits as any
/// booking; a refusal puts the offer back as it was (the transaction may go on).
async fn accept_in(
    tx: &mut Tx,
    entry_id: i64,
    moving: Option<&Reference>,
    request: &BookRequest,
) -> Result<Result<Appointment, BookError>, StoreError> {
    let current = match moving {
        Some(reference) => match appointment_of(tx, request.citizen_id, reference).await? {
            Some(current) => Some(current),
            None => return Ok(Err(BookError::NotFound)),
        },
        None => None,
    };
    if tx.shares_rows() {
        // Slots before entries, in id order.
        let mut slots: Vec<i64> = current.iter().map(|c| c.slot_id).collect();
        slots.push(request.slot_id);
        slots.sort_unstable();
        tx.lock(Lock::Slots(&slots)).await?;
    }
    let held = (entry_id, request.citizen_id, request.slot_id);
    if !take_offer_in(tx, held, moving, request.now).await? {
        return Ok(Err(BookError::OfferGone));
    }
    if let Err(refused) = changes_allowed(tx, request).await? {
        untake_offer_in(tx, entry_id).await?;
        return Ok(Err(refused));
    }
    if let Some(reference) = moving {
        // Read again under the slots' locks (a closure may have cancelled it meanwhile).
        let current = match appointment_of(tx, request.citizen_id, reference).await? {
            Some(current) if current.status == AppointmentStatus::Booked => current,
            _ => {
                untake_offer_in(tx, entry_id).await?;
                return Ok(Err(BookError::NotChangeable));
            }
        };
        record_change(tx, request).await?;
        move_to_in(tx, &current, request).await?;
        return Ok(appointment_of(tx, request.citizen_id, reference)
            .await?
            .ok_or(BookError::NotFound));
    }
    let Some(reference) = insert_appointment(tx, request).await? else {
        untake_offer_in(tx, entry_id).await?;
        return Ok(Err(BookError::AlreadyBooked));
    };
    record_change(tx, request).await?;
    Ok(appointment_of(tx, request.citizen_id, &reference)
        .await?
        .ok_or(BookError::NotFound))
}

/// Cancels the citizen's booked appointment, releasing its place.
///
/// With `offers`, the freed place goes to the waitlist first; without, back to everyone (a
/// configuration or registry change cancelling it).
pub(crate) async fn cancel_in(
    tx: &mut Tx,
    citizen_id: i64,
    reference: &Reference,
    now: i64,
    offers: Option<OfferTerms>,
) -> Result<Result<Appointment, BookError>, StoreError> {
    let Some(mut current) = appointment_of(tx, citizen_id, reference).await? else {
        return Ok(Err(BookError::NotFound));
    };
    if tx.shares_rows() {
        tx.lock(Lock::Slots(&[current.slot_id])).await?;
        // Read again under the slot's lock (slots before appointments, the order a closure of
        // the directorate takes them in): the closure may have cancelled it meanwhile.
        match appointment_of(tx, citizen_id, reference).await? {
            Some(again) => current = again,
            None => return Ok(Err(BookError::NotFound)),
        }
    }
    if current.status != AppointmentStatus::Booked {
        return Ok(Err(BookError::NotChangeable));
    }
    sql!(tx, |c| sqlx::query(
        "UPDATE appointment SET status = 'cancelled', updated_at = $1 WHERE reference = $2"
    )
    .bind(now)
    .bind(reference.code())
    .execute(c)
    .await?
    .rows_affected());
    end_waiting_in(tx, citizen_id, current.service, Some(reference), now).await?;
    match offers {
        Some(offers) => free_place_in(tx, current.slot_id, now, offers).await?,
        None => release_place(tx, current.slot_id).await?,
    }
    Ok(appointment_of(tx, citizen_id, reference)
        .await?
        .ok_or(BookError::NotFound))
}

/// The one booking transaction's steps, inside the caller's transaction, which holds the
/// citizen's row lock (PostgreSQL; [`Lock::Citizen`], taken first so that one citizen's bookings
/// run one at a time): take a place, check the change limit, insert the appointment, record the
/// change. A refusal (`Ok(Err(…))`) gives back the place it took: the transaction may go on.
pub(crate) async fn book_in(
    tx: &mut Tx,
    request: &BookRequest,
) -> Result<Result<Appointment, BookError>, StoreError> {
    let (directorate_id, starts_at) = match take_place(tx, request).await? {
        Ok(place) => place,
        Err(refused) => return Ok(Err(refused)),
    };
    if let Err(refused) = changes_allowed(tx, request).await? {
        release_place(tx, request.slot_id).await?;
        return Ok(Err(refused));
    }
    let Some(reference) = insert_appointment(tx, request).await? else {
        release_place(tx, request.slot_id).await?;
        return Ok(Err(BookError::AlreadyBooked));
    };
    record_change(tx, request).await?;
    // Booked another way: waiting for a place of the service is over.
    end_waiting_in(tx, request.citizen_id, request.service, None, request.now).await?;
    Ok(Ok(Appointment {
        reference,
        citizen_id: request.citizen_id,
        slot_id: request.slot_id,
        service: request.service,
        directorate_id,
        starts_at,
        status: AppointmentStatus::Booked,
        created_at: request.now,
        closed_at: None,
    }))
}

/// Takes a place in the request's slot if one is free: the slot's directorate and start.
async fn take_place(
    tx: &mut Tx,
    request: &BookRequest,
) -> Result<Result<(String, i64), BookError>, StoreError> {
    let place = sql!(tx, |c| sqlx::query(
        "UPDATE slot SET booked = booked + 1 \
         WHERE id = $1 AND service = $2 AND booked < capacity RETURNING directorate_id, starts_at"
    )
    .bind(request.slot_id)
    .bind(request.service.code())
    .fetch_optional(c)
    .await?
    .map(|row| Ok::<_, StoreError>((row.text("directorate_id")?, row.int("starts_at")?)))
    .transpose()?);
    if let Some(place) = place {
        return Ok(Ok(place));
    }
    let exists = sql!(tx, |c| sqlx::query(
        "SELECT 1 FROM slot WHERE id = $1 AND service = $2"
    )
    .bind(request.slot_id)
    .bind(request.service.code())
    .fetch_optional(c)
    .await?
    .is_some());
    Ok(Err(if exists {
        BookError::SlotFull
    } else {
        BookError::SlotNotFound
    }))
}

/// Gives a place of a slot back.
pub(crate) async fn release_place(tx: &mut Tx, slot_id: i64) -> Result<(), StoreError> {
    sql!(tx, |c| sqlx::query(
        "UPDATE slot SET booked = booked - 1 WHERE id = $1 AND booked > 0"
    )
    .bind(slot_id)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// Whether the citizen's bookings and reschedules in the limit's period leave room for one more.
async fn changes_allowed(
    tx: &mut Tx,
    request: &BookRequest,
) -> Result<Result<(), BookError>, StoreError> {
    let changes = sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT at FROM booking_change WHERE citizen_id = $1 AND at > $2"
    )
    .bind(request.citizen_id)
    .bind(request.limit.since)
    .fetch_all(c)
    .await?);
    Ok(within_change_limit(request.limit, &changes).map_err(|_| BookError::TooManyChanges))
}

/// Records a booking or reschedule against the citizen's change limit.
async fn record_change(tx: &mut Tx, request: &BookRequest) -> Result<(), StoreError> {
    sql!(tx, |c| sqlx::query(
        "INSERT INTO booking_change (citizen_id, at) VALUES ($1, $2)"
    )
    .bind(request.citizen_id)
    .bind(request.now)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// Inserts a booked appointment with a new reference: `None` when the citizen has an active
/// one of the service (the unique index says so; nothing is inserted). A reference collision,
/// one in billions, is retried with another.
async fn insert_appointment(
    tx: &mut Tx,
    request: &BookRequest,
) -> Result<Option<Reference>, StoreError> {
    loop {
        let reference = new_reference()?;
        let inserted = sql!(tx, |c| sqlx::query(
            "INSERT INTO appointment \
               (reference, citizen_id, slot_id, service, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'booked', $5, $5) ON CONFLICT DO NOTHING"
        )
        .bind(reference.code())
        .bind(request.citizen_id)
        .bind(request.slot_id)
        .bind(request.service.code())
        .bind(request.now)
        .execute(c)
        .await?
        .rows_affected());
        if inserted == 1 {
            return Ok(Some(reference));
        }
        // An active appointment of a day that is over does not hold the citizen back: it lapses
        // here (as the day-end job would have), and the insert is tried again.
        if close_lapsed_in(tx, request.now, Some((request.citizen_id, request.service))).await? > 0
        {
            continue;
        }
        let active = sql!(tx, |c| sqlx::query(
            "SELECT 1 FROM appointment WHERE citizen_id = $1 AND service = $2 \
             AND status IN ('booked', 'checked_in')"
        )
        .bind(request.citizen_id)
        .bind(request.service.code())
        .fetch_optional(c)
        .await?
        .is_some());
        if active {
            return Ok(None);
        }
    }
}

/// Closes the active appointments of the days that are over ([`lapses_before`]) with their
/// lapsed status (`AppointmentStatus::lapsed`): all of them, or only one citizen's of one service.
/// Returns how many.
pub(crate) async fn close_lapsed_in(
    tx: &mut Tx,
    now: i64,
    only: Option<(i64, ServiceKind)>,
) -> Result<u64, StoreError> {
    let lapsed = |status: AppointmentStatus| status.lapsed().map(AppointmentStatus::code);
    let ids = sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "UPDATE appointment SET updated_at = $1, \
           status = CASE status WHEN 'booked' THEN $2 ELSE $3 END \
         WHERE status IN ('booked', 'checked_in') \
           AND EXISTS (SELECT 1 FROM slot s WHERE s.id = appointment.slot_id AND s.starts_at < $4) \
           AND ($5 IS NULL OR (citizen_id = $5 AND service = $6)) \
         RETURNING id"
    )
    .bind(now)
    .bind(lapsed(AppointmentStatus::Booked))
    .bind(lapsed(AppointmentStatus::CheckedIn))
    .bind(lapses_before(now))
    .bind(only.map(|(citizen, _)| citizen))
    .bind(only.map(|(_, service)| service.code()))
    .fetch_all(c)
    .await?);
    record_outcomes_in(tx, &ids, now).await?;
    Ok(ids.len() as u64)
}

/// One of the citizen's appointments, read on the caller's connection.
async fn appointment_of(
    link: &mut impl Linked,
    citizen_id: i64,
    reference: &Reference,
) -> Result<Option<Appointment>, StoreError> {
    let found = sql!(link, |c| sqlx::query(concat!(
        "SELECT ",
        appointment_columns!(),
        " FROM appointment a JOIN slot s ON s.id = a.slot_id \
         WHERE a.reference = $1 AND a.citizen_id = $2"
    ))
    .bind(reference.code())
    .bind(citizen_id)
    .fetch_optional(c)
    .await?
    .as_ref()
    .map(rows::appointment)
    .transpose()?);
    Ok(found)
}

/// Creates the slots that do not exist yet (see `Bookings::ensure_slots`), inside the caller's
/// transaction: how many.
pub(crate) async fn ensure_slots_in(
    tx: &mut Tx,
    directorate_id: &str,
    service: ServiceKind,
    starts: &[i64],
) -> Result<u64, StoreError> {
    let mut created = 0;
    for chunk in starts.chunks(SLOTS_PER_STATEMENT) {
        // Both engines name a VALUES list's column `column1`.
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${})", i + 3)).collect();
        let statement = format!(
            "INSERT INTO slot (directorate_id, service, starts_at, capacity) \
                 SELECT c.directorate_id, c.service, s.column1, \
                   CASE WHEN EXISTS (SELECT 1 FROM closure z WHERE z.lifted_at IS NULL \
                     AND z.directorate_id = c.directorate_id \
                     AND z.starts_at <= s.column1 AND z.ends_at > s.column1) \
                   THEN 0 ELSE c.counters END \
                 FROM counter c CROSS JOIN (VALUES {}) AS s \
                 WHERE c.directorate_id = $1 AND c.service = $2 \
                 ON CONFLICT (directorate_id, service, starts_at) DO NOTHING",
            values.join(", ")
        );
        created += sql!(tx, |c| {
            let mut query = sqlx::query(&statement)
                .bind(directorate_id)
                .bind(service.code());
            for start in chunk {
                query = query.bind(*start);
            }
            query.execute(c).await?.rows_affected()
        });
    }
    Ok(created)
}
