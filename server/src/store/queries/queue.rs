//! The desk's day: the list with its tickets, calling the next ticket (each exactly once, also
//! when counters or instances call at the same moment), the tickets called, attendance.

use async_trait::async_trait;
use rega_api::ids::Reference;
use rega_api::staff::TicketStatus;

use super::kiosks::locked_appointment;
use super::outbox::message_in;
use super::outcomes::record_outcomes_in;
use crate::domain::messages::MessageKind;
use crate::domain::queue_figures::QueueEntry;
use crate::store::engine::{Tx, sql};
use crate::store::rows::{self, Columns};
use crate::store::{
    AttendanceError, CalledTicket, DayEntry, HeldTicket, Queue, SqlStore, StoreError, TicketKey,
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
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT s.directorate_id, a.service, a.status, t.status AS ticket_status, \
             t.issued_at, t.called_at, t.done_at \
             FROM appointment a JOIN slot s ON s.id = a.slot_id \
             LEFT JOIN ticket t ON t.appointment_id = a.id \
             WHERE s.starts_at >= $1 AND s.starts_at < $2 \
             AND ($3 = '' OR s.directorate_id = $3)"
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
               t.status AS ticket_status, t.counter, t.recalls, o.passed AS test_passed \
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
        let called = recall_in(&mut tx, directorate_id, reference, now).await?;
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
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT t.directorate_id, t.area, t.number, a.service, t.status, t.counter, \
             (SELECT COUNT(*) FROM ticket w WHERE w.directorate_id = t.directorate_id \
               AND w.day = t.day AND w.area = t.area AND w.status = 'waiting' \
               AND w.number < t.number) AS ahead \
             FROM ticket t JOIN appointment a ON a.id = t.appointment_id \
             WHERE t.day = $1 AND (t.link_hash = $2 OR (a.citizen_id = $3 AND a.reference = $4))"
        )
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
            "SELECT t.area, t.number, a.reference, a.service, t.counter, t.called_at \
             FROM ticket t JOIN appointment a ON a.id = t.appointment_id \
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
        "SELECT t.id, t.area, t.number, a.reference, a.service \
             FROM ticket t JOIN appointment a ON a.id = t.appointment_id \
             WHERE t.directorate_id = $1 AND t.day = $2 AND t.area = $3 AND t.status = 'waiting' \
             ORDER BY t.number LIMIT 1{}",
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
                reference: rows::reference(&row)?,
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
    // The citizen now with two waiting before them is told their turn is near, once.
    let third = sql!(tx, |c| sqlx::query(
        "SELECT a.reference FROM ticket t JOIN appointment a ON a.id = t.appointment_id \
         WHERE t.directorate_id = $1 AND t.day = $2 AND t.area = $3 AND t.status = 'waiting' \
         ORDER BY t.number LIMIT 1 OFFSET 2"
    )
    .bind(directorate_id)
    .bind(day)
    .bind(area)
    .fetch_optional(c)
    .await?
    .map(|row| rows::reference(&row))
    .transpose()?);
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
        let stage = ticket_stage(tx, id).await?;
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
    // A served citizen's ticket keeps when it was done (the day's average service time).
    sql!(tx, |c| sqlx::query(
        "UPDATE ticket SET status = 'done', \
         done_at = CASE WHEN $2 THEN $3 ELSE NULL END WHERE appointment_id = $1"
    )
    .bind(id)
    .bind(attended)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected());
    record_outcomes_in(tx, &[id], now).await?;
    Ok(())
}

/// Where the appointment's ticket is (`domain::recall`), inside the caller's transaction.
async fn ticket_stage(
    tx: &mut Tx,
    appointment_id: i64,
) -> Result<crate::domain::recall::TicketStage, StoreError> {
    let found = sql!(tx, |c| sqlx::query(
        "SELECT status, recalls FROM ticket WHERE appointment_id = $1"
    )
    .bind(appointment_id)
    .fetch_optional(c)
    .await?
    .map(|row| Ok::<_, StoreError>((row.text("status")?, row.int("recalls")?)))
    .transpose()?);
    Ok(match found {
        Some((status, recalls)) => crate::domain::recall::stage(Some(&status), recalls),
        None => crate::domain::recall::stage(None, 0),
    })
}

/// Calls the appointment's called ticket again, to the counter that called it: it is the latest
/// call on the board once more. `None` if it has no ticket of this directorate that was called
/// and is not done.
pub(crate) async fn recall_in(
    tx: &mut Tx,
    directorate_id: &str,
    reference: &Reference,
    now: i64,
) -> Result<Option<CalledTicket>, StoreError> {
    let Some((id, found)) = locked_appointment(tx, reference).await? else {
        return Ok(None);
    };
    if found.directorate_id != directorate_id
        || !crate::domain::recall::can_recall(ticket_stage(tx, id).await?)
    {
        return Ok(None);
    }
    Ok(sql!(tx, |c| sqlx::query(
        "UPDATE ticket SET recalls = recalls + 1, \
         called_at = CASE WHEN called_at >= $1 THEN called_at + 1 ELSE $1 END \
         WHERE appointment_id = $2 RETURNING area, number, counter, called_at"
    )
    .bind(now)
    .bind(id)
    .fetch_optional(c)
    .await?
    .map(|row| {
        Ok::<_, StoreError>(CalledTicket {
            area: row.text("area")?,
            number: row.int("number")?,
            reference: reference.clone(),
            service: found.service,
            counter: row.text_or_null("counter")?.unwrap_or_default(),
            // Later than the call before, also within the same second: a new call on the board.
            called_at: row.int("called_at")?,
        })
    })
    .transpose()?))
}
