//! The desk's day: the list with its tickets, calling the next ticket in the queue's order
//! (`domain::queue_order`; each exactly once, also when counters or instances call at the same
//! moment), the tickets called, attendance.

use async_trait::async_trait;
use rega_api::ids::Reference;
use rega_api::staff::TicketStatus;

use super::kiosks::locked_appointment;
use super::outbox::message_in;
use super::outcomes::record_outcomes_in;
use crate::domain::messages::MessageKind;
use crate::domain::queue_figures::QueueEntry;
use crate::domain::queue_order::PRIORITY_HEAD_START_SECONDS;
use crate::store::engine::{Tx, sql};
use crate::store::rows::{self, Columns};
use crate::store::{
    AttendanceError, CalledTicket, DayEntry, HeldTicket, Queue, SqlStore, StoreError, TicketKey,
    WalkInEntry,
};

#[async_trait]
impl Queue for SqlStore {
    async fn queue_entries(
        &self,
        directorate_id: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        let mut c = self.engine.read("queue_entries").await?;
        // Walk-ins count as checked in while their ticket waits or is called, then as served
        // (done with a time) or missed.
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT s.directorate_id, a.service, a.status, t.status AS ticket_status, \
             t.queue_area, t.issued_at, t.called_at, t.done_at \
             FROM appointment a JOIN slot s ON s.id = a.slot_id \
             LEFT JOIN ticket t ON t.appointment_id = a.id \
             WHERE s.starts_at >= $1 AND s.starts_at < $2 \
             AND ($3 = '' OR s.directorate_id = $3) \
             UNION ALL \
             SELECT t.directorate_id, t.service, \
             CASE WHEN t.status <> 'done' THEN 'checked_in' \
               WHEN t.done_at IS NULL THEN 'no_show' ELSE 'attended' END, \
             t.status, t.queue_area, t.issued_at, t.called_at, t.done_at \
             FROM ticket t WHERE t.appointment_id IS NULL \
             AND t.issued_at >= $1 AND t.issued_at < $2 \
             AND ($3 = '' OR t.directorate_id = $3)"
        )
        .bind(from)
        .bind(to)
        .bind(directorate_id.unwrap_or(""))
        .fetch_all(c)
        .await?
        .iter()
        .map(queue_entry)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn day_list(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<DayEntry>, StoreError> {
        let mut c = self.engine.read("day_list").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT a.reference, a.service, a.status, s.starts_at, t.area, t.number, \
               t.status AS ticket_status, t.counter, t.recalls, t.queue_area, t.priority, \
               o.passed AS test_passed \
             FROM appointment a JOIN slot s ON s.id = a.slot_id \
             LEFT JOIN ticket t ON t.appointment_id = a.id \
             LEFT JOIN outcome o ON o.reference = a.reference AND o.kind = 'test_result' \
             WHERE s.directorate_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3 \
             ORDER BY s.starts_at, a.reference"
        )
        .bind(directorate_id)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::day_entry)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn walk_ins(
        &self,
        directorate_id: &str,
        day: &str,
    ) -> Result<Vec<WalkInEntry>, StoreError> {
        let mut c = self.engine.read("walk_ins").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT t.area, t.number, t.status AS ticket_status, t.counter, t.recalls, \
             t.queue_area, t.priority, t.service, t.issued_at, t.done_at, t.national_id \
             FROM ticket t WHERE t.directorate_id = $1 AND t.day = $2 \
             AND t.appointment_id IS NULL ORDER BY t.issued_at, t.id"
        )
        .bind(directorate_id)
        .bind(day)
        .fetch_all(c)
        .await?
        .iter()
        .map(|row| {
            Ok(WalkInEntry {
                ticket: rows::ticket_state(row)?,
                service: rows::service(row)?,
                issued_at: row.int("issued_at")?,
                done_at: row.int_or_null("done_at")?,
                national_id: row.text_or_null("national_id")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?))
    }

    async fn call_next(
        &self,
        directorate_id: &str,
        day: &str,
        area: &str,
        counter: &str,
        now: i64,
    ) -> Result<Option<CalledTicket>, StoreError> {
        let mut tx = self.engine.begin("call_next").await?;
        let called = call_next_in(&mut tx, directorate_id, day, area, counter, now).await?;
        tx.commit().await?;
        Ok(called)
    }

    async fn recall(
        &self,
        directorate_id: &str,
        reference: &Reference,
        now: i64,
    ) -> Result<Option<CalledTicket>, StoreError> {
        let mut tx = self.engine.begin("recall").await?;
        let called = super::tickets::recall_in(&mut tx, directorate_id, reference, now).await?;
        tx.commit().await?;
        Ok(called)
    }

    async fn held_ticket(
        &self,
        key: TicketKey<'_>,
        day: &str,
    ) -> Result<Option<HeldTicket>, StoreError> {
        let (link, citizen, reference) = match key {
            TicketKey::Link(hash) => (Some(hash), None, None),
            TicketKey::Citizen(id, reference) => (None, Some(id), Some(reference.code())),
        };
        let mut c = self.engine.read("held_ticket").await?;
        Ok(sql!(&mut c, |c| sqlx::query(&format!(
            "SELECT t.directorate_id, t.area, t.number, t.service, t.status, t.counter, \
             {} AS ahead \
             FROM ticket t LEFT JOIN appointment a ON a.id = t.appointment_id \
             WHERE t.day = $1 AND (t.link_hash = $2 OR (a.citizen_id = $3 AND a.reference = $4))",
            ahead_of("t")
        ))
        .bind(day)
        .bind(link)
        .bind(citizen)
        .bind(reference)
        .fetch_optional(c)
        .await?
        .map(|row| {
            Ok::<_, StoreError>(HeldTicket {
                directorate_id: row.text("directorate_id")?,
                area: row.text("area")?,
                number: row.int("number")?,
                service: rows::service(&row)?,
                status: row.text("status")?,
                ahead: row.int("ahead")?,
                counter: row.text_or_null("counter")?,
            })
        })
        .transpose()?))
    }

    async fn called_tickets(
        &self,
        directorate_id: &str,
        day: &str,
        limit: u32,
    ) -> Result<Vec<CalledTicket>, StoreError> {
        let mut c = self.engine.read("called_tickets").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT t.area, t.number, a.reference, t.service, t.counter, t.called_at \
             FROM ticket t LEFT JOIN appointment a ON a.id = t.appointment_id \
             WHERE t.directorate_id = $1 AND t.day = $2 AND t.called_at IS NOT NULL \
             ORDER BY t.called_at DESC, t.id DESC LIMIT $3"
        )
        .bind(directorate_id)
        .bind(day)
        .bind(i64::from(limit))
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::called_ticket)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn record_attendance(
        &self,
        directorate_id: &str,
        reference: &Reference,
        attended: bool,
        now: i64,
    ) -> Result<(), AttendanceError> {
        let mut tx = self.engine.begin("record_attendance").await?;
        record_attendance_in(&mut tx, directorate_id, reference, attended, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn queue_entry(row: &impl Columns) -> Result<QueueEntry, StoreError> {
    Ok(QueueEntry {
        directorate_id: row.text("directorate_id")?,
        service: rows::service(row)?,
        status: rows::status(row)?,
        ticket: row
            .text_or_null("ticket_status")?
            .and_then(|t| TicketStatus::from_code(&t)),
        queue_area: row.text_or_null("queue_area")?,
        issued_at: row.int_or_null("issued_at")?,
        called_at: row.int_or_null("called_at")?,
        done_at: row.int_or_null("done_at")?,
    })
}

/// Calls the next waiting ticket of the area to `counter`, inside the caller's transaction.
pub(crate) async fn call_next_in(
    tx: &mut Tx,
    directorate_id: &str,
    day: &str,
    area: &str,
    counter: &str,
    now: i64,
) -> Result<Option<CalledTicket>, StoreError> {
    let next = sql!(tx, |c, d| sqlx::query(&format!(
        "SELECT t.id, t.area, t.number, a.reference, t.service \
             FROM ticket t LEFT JOIN appointment a ON a.id = t.appointment_id \
             WHERE t.directorate_id = $1 AND t.day = $2 AND t.queue_area = $3 \
             AND t.status = 'waiting' ORDER BY {} LIMIT 1{}",
        queue_order("t"),
        d.skip_locked_ticket
    ))
    .bind(directorate_id)
    .bind(day)
    .bind(area)
    .fetch_optional(c)
    .await?
    .map(|row| {
        Ok::<_, StoreError>((
            row.int("id")?,
            CalledTicket {
                area: row.text("area")?,
                number: row.int("number")?,
                reference: rows::reference_or_null(&row)?,
                service: rows::service(&row)?,
                counter: counter.to_owned(),
                called_at: now,
            },
        ))
    })
    .transpose()?);
    let Some((id, called)) = next else {
        return Ok(None);
    };
    sql!(tx, |c| sqlx::query(
        "UPDATE ticket SET status = 'called', called_at = $1, counter = $2 WHERE id = $3"
    )
    .bind(now)
    .bind(counter)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected());
    // The citizen now with two waiting before them is told their turn is near, once (a walk-in
    // has no phone on record).
    let third = sql!(tx, |c| sqlx::query(&format!(
        "SELECT a.reference FROM ticket t LEFT JOIN appointment a ON a.id = t.appointment_id \
         WHERE t.directorate_id = $1 AND t.day = $2 AND t.queue_area = $3 \
         AND t.status = 'waiting' ORDER BY {} LIMIT 1 OFFSET 2",
        queue_order("t")
    ))
    .bind(directorate_id)
    .bind(day)
    .bind(area)
    .fetch_optional(c)
    .await?
    .map(|row| rows::reference_or_null(&row))
    .transpose()?
    .flatten());
    if let Some(reference) = third {
        message_in(
            tx,
            MessageKind::TurnNear,
            &format!("turn_near:{reference}"),
            &reference,
            now,
        )
        .await?;
    }
    Ok(Some(called))
}

/// Records attended or no-show, inside the caller's transaction.
pub(crate) async fn record_attendance_in(
    tx: &mut Tx,
    directorate_id: &str,
    reference: &Reference,
    attended: bool,
    now: i64,
) -> Result<(), AttendanceError> {
    let found = locked_appointment(tx, reference).await?;
    let (id, found) = found.ok_or(AttendanceError::NotFound)?;
    if found.directorate_id != directorate_id {
        return Err(AttendanceError::NotFound);
    }
    if !found.status.is_active() {
        return Err(AttendanceError::NotChangeable);
    }
    if !attended {
        let stage = super::tickets::ticket_stage(tx, id).await?;
        crate::domain::recall::no_show(stage).map_err(AttendanceError::NoShowTooSoon)?;
    }
    let status = if attended { "attended" } else { "no_show" };
    sql!(tx, |c| sqlx::query(
        "UPDATE appointment SET status = $1, updated_at = $2 WHERE id = $3"
    )
    .bind(status)
    .bind(now)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected());
    super::tickets::finish_in(tx, (None, Some(id)), attended, now).await?;
    record_outcomes_in(tx, &[id], now).await?;
    Ok(())
}

/// A ticket's place in its queue (`domain::queue_order::place`), in SQL, for the alias `t`.
fn place(t: &str) -> String {
    format!(
        "({t}.issued_at - CASE WHEN {t}.priority IS NULL THEN 0 ELSE {} END)",
        PRIORITY_HEAD_START_SECONDS
    )
}

/// The order a queue's waiting tickets are called in, for `ORDER BY`.
fn queue_order(t: &str) -> String {
    format!("{}, {t}.id", place(t))
}

/// How many waiting tickets will be called before the ticket `t` (a subquery).
fn ahead_of(t: &str) -> String {
    let (before, mine) = (place("w"), place(t));
    format!(
        "(SELECT COUNT(*) FROM ticket w WHERE w.directorate_id = {t}.directorate_id \
         AND w.day = {t}.day AND w.queue_area = {t}.queue_area AND w.status = 'waiting' \
         AND ({before} < {mine} OR ({before} = {mine} AND w.id < {t}.id)))"
    )
}

/// How many waiting tickets will be called before the ticket with row id `id`, inside the
/// caller's transaction.
pub(crate) async fn ahead_in(tx: &mut Tx, id: i64) -> Result<i64, StoreError> {
    Ok(sql!(tx, |c| sqlx::query_scalar::<_, i64>(&format!(
        "SELECT {} FROM ticket t WHERE t.id = $1",
        ahead_of("t")
    ))
    .bind(id)
    .fetch_one(c)
    .await?))
}
