//! One ticket at a time: issuing one (a kiosk's check-in or a desk's walk-in, numbered per
//! directorate, day and area), and what a desk does with one by its label: call it again, move
//! it to another area's queue keeping its place, give it priority, finish it.
//!
//! Locks are taken in one order by every writer of a ticket: the appointment's (if the ticket has
//! one), then the ticket's row. A call takes only the ticket's row.

use rega_api::ids::Reference;
use rega_api::service::ServiceKind;
use rega_api::staff::Priority;

use super::kiosks::locked_appointment;
use super::queue::{ahead_in, record_attendance_in};
use crate::domain::recall::{TicketStage, can_recall, no_show, stage};
use crate::store::engine::{Lock, Tx, sql};
use crate::store::rows::{self, Columns};
use crate::store::{AttendanceError, CalledTicket, StaffOutcome, StoreError, TicketAction};

/// A ticket to issue.
pub(crate) struct NewTicket<'a> {
    /// The checked-in appointment's row id; none for a walk-in.
    pub appointment_id: Option<i64>,
    /// The directorate.
    pub directorate_id: &'a str,
    /// Its day, `YYYY-MM-DD`.
    pub day: &'a str,
    /// The service (its area numbers the ticket).
    pub service: ServiceKind,
    /// Why it is called before others, if it is.
    pub priority: Option<Priority>,
    /// A walk-in's national ID, if given.
    pub national_id: Option<&'a str>,
    /// `domain::ticket_link::digest` of its code.
    pub link_hash: &'a str,
    /// Now: its time of arrival.
    pub now: i64,
}

/// Issues the next ticket of the service's area: its row id and number. One issue at a time per
/// directorate, so numbers never collide.
pub(crate) async fn issue_in(
    tx: &mut Tx,
    ticket: &NewTicket<'_>,
) -> Result<(i64, i64), StoreError> {
    tx.lock(Lock::Directorate(ticket.directorate_id)).await?;
    let area = ticket.service.area();
    let number = sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM ticket \
         WHERE directorate_id = $1 AND day = $2 AND area = $3"
    )
    .bind(ticket.directorate_id)
    .bind(ticket.day)
    .bind(area)
    .fetch_one(c)
    .await?);
    let id = sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO ticket (appointment_id, directorate_id, day, area, number, status, \
           issued_at, link_hash, service, queue_area, priority, national_id) \
         VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $7, $8, $4, $9, $10) RETURNING id"
    )
    .bind(ticket.appointment_id)
    .bind(ticket.directorate_id)
    .bind(ticket.day)
    .bind(area)
    .bind(number)
    .bind(ticket.now)
    .bind(ticket.link_hash)
    .bind(ticket.service.code())
    .bind(ticket.priority.map(|p| p.word()))
    .bind(ticket.national_id)
    .fetch_one(c)
    .await?);
    Ok((id, number))
}

/// A walk-in's ticket, inside the caller's transaction.
pub(crate) async fn walk_in_in(
    tx: &mut Tx,
    ticket: &NewTicket<'_>,
) -> Result<StaffOutcome, StoreError> {
    let (id, number) = issue_in(tx, ticket).await?;
    Ok(StaffOutcome::WalkIn {
        area: ticket.service.area().to_owned(),
        number,
        ahead: ahead_in(tx, id).await?,
    })
}

/// Where the appointment's ticket is (`domain::recall`), inside the caller's transaction.
pub(crate) async fn ticket_stage(
    tx: &mut Tx,
    appointment_id: i64,
) -> Result<TicketStage, StoreError> {
    let found = sql!(tx, |c| sqlx::query(
        "SELECT status, recalls FROM ticket WHERE appointment_id = $1"
    )
    .bind(appointment_id)
    .fetch_optional(c)
    .await?
    .map(|row| Ok::<_, StoreError>((row.text("status")?, row.int("recalls")?)))
    .transpose()?);
    Ok(match found {
        Some((status, recalls)) => stage(Some(&status), recalls),
        None => stage(None, 0),
    })
}

/// Calls the appointment's called ticket again, to the counter that called it. `None` if it has
/// no ticket of this directorate that was called and is not done.
pub(crate) async fn recall_in(
    tx: &mut Tx,
    directorate_id: &str,
    reference: &Reference,
    now: i64,
) -> Result<Option<CalledTicket>, StoreError> {
    let Some((id, found)) = locked_appointment(tx, reference).await? else {
        return Ok(None);
    };
    if found.directorate_id != directorate_id {
        return Ok(None);
    }
    // The ticket and where it is, in one read.
    let ticket = sql!(tx, |c| sqlx::query(
        "SELECT id, status, recalls FROM ticket WHERE appointment_id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await?
    .map(|row| {
        Ok::<_, StoreError>((
            row.int("id")?,
            stage(Some(&row.text("status")?), row.int("recalls")?),
        ))
    })
    .transpose()?);
    match ticket {
        Some((ticket, at)) if can_recall(at) => {
            recall_ticket_in(tx, ticket, Some(reference.clone()), now).await
        }
        _ => Ok(None),
    }
}

/// Calls a called ticket again: it is the latest call on the board once more, later than the
/// call before also within the same second. `None` if it is not called (waiting or done).
async fn recall_ticket_in(
    tx: &mut Tx,
    id: i64,
    reference: Option<Reference>,
    now: i64,
) -> Result<Option<CalledTicket>, StoreError> {
    Ok(sql!(tx, |c| sqlx::query(
        "UPDATE ticket SET recalls = recalls + 1, \
         called_at = CASE WHEN called_at >= $1 THEN called_at + 1 ELSE $1 END \
         WHERE id = $2 AND status = 'called' \
         RETURNING area, number, service, counter, called_at"
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
            service: rows::service(&row)?,
            counter: row.text_or_null("counter")?.unwrap_or_default(),
            called_at: row.int("called_at")?,
        })
    })
    .transpose()?))
}

/// One of today's tickets, by its label.
pub(crate) struct Label<'a> {
    /// The desk's directorate.
    pub directorate_id: &'a str,
    /// Today.
    pub day: &'a str,
    /// The label's area.
    pub area: &'a str,
    /// The label's number.
    pub number: i64,
}

/// What a desk does with one of today's tickets, inside the caller's transaction.
pub(crate) async fn ticket_action_in(
    tx: &mut Tx,
    label: &Label<'_>,
    action: TicketAction<'_>,
    now: i64,
) -> Result<StaffOutcome, StoreError> {
    let found = sql!(tx, |c| {
        sqlx::query(
        "SELECT t.id, a.reference FROM ticket t LEFT JOIN appointment a ON a.id = t.appointment_id \
         WHERE t.directorate_id = $1 AND t.day = $2 AND t.area = $3 AND t.number = $4"
    )
    .bind(label.directorate_id)
    .bind(label.day)
    .bind(label.area)
    .bind(label.number)
    .fetch_optional(c)
    .await?
    .map(|row| Ok::<_, StoreError>((row.int("id")?, rows::reference_or_null(&row)?)))
    .transpose()?
    });
    let Some((id, reference)) = found else {
        return Ok(StaffOutcome::TicketNotFound);
    };
    if let Some(reference) = &reference {
        tx.lock(Lock::Appointment(reference.code())).await?;
    }
    let (status, recalls) = sql!(tx, |c, d| sqlx::query(&format!(
        "SELECT status, recalls FROM ticket WHERE id = $1{}",
        d.for_update
    ))
    .bind(id)
    .fetch_optional(c)
    .await?
    .map(|row| Ok::<_, StoreError>((row.text("status")?, row.int("recalls")?)))
    .transpose()?)
    .ok_or_else(|| StoreError::Corrupt(format!("ticket {id} went away")))?;
    let now_at = stage(Some(&status), recalls);
    if now_at == TicketStage::Done && !matches!(action, TicketAction::Recall) {
        return Ok(StaffOutcome::TicketDone);
    }
    Ok(match action {
        TicketAction::Recall => match recall_ticket_in(tx, id, reference, now).await? {
            Some(called) => StaffOutcome::Called(Some(called)),
            None => StaffOutcome::NotCalled,
        },
        TicketAction::Transfer(to) => {
            sql!(tx, |c| sqlx::query(
                "UPDATE ticket SET queue_area = $2, status = 'waiting', called_at = NULL, \
                 counter = NULL, recalls = 0 WHERE id = $1"
            )
            .bind(id)
            .bind(to)
            .execute(c)
            .await?
            .rows_affected());
            StaffOutcome::Recorded
        }
        TicketAction::Priority(priority) => {
            sql!(tx, |c| sqlx::query(
                "UPDATE ticket SET priority = $2 WHERE id = $1"
            )
            .bind(id)
            .bind(priority.map(|p| p.word()))
            .execute(c)
            .await?
            .rows_affected());
            StaffOutcome::Recorded
        }
        TicketAction::Finish(attended) => match reference {
            Some(reference) => {
                match record_attendance_in(tx, label.directorate_id, &reference, attended, now)
                    .await
                {
                    Ok(()) => StaffOutcome::Recorded,
                    Err(AttendanceError::NotFound) => StaffOutcome::TicketNotFound,
                    Err(AttendanceError::NotChangeable) => StaffOutcome::NotChangeable,
                    Err(AttendanceError::NoShowTooSoon(why)) => StaffOutcome::NoShowTooSoon(why),
                    Err(AttendanceError::Store(e)) => return Err(e),
                }
            }
            None => {
                if let (false, Err(why)) = (attended, no_show(now_at)) {
                    return Ok(StaffOutcome::NoShowTooSoon(why));
                }
                finish_in(tx, (Some(id), None), attended, now).await?;
                StaffOutcome::Recorded
            }
        },
    })
}

/// Marks a ticket done — by its row id, or the appointment's — keeping when a served citizen's
/// was done (the day's average service time), inside the caller's transaction.
pub(crate) async fn finish_in(
    tx: &mut Tx,
    (ticket_id, appointment_id): (Option<i64>, Option<i64>),
    served: bool,
    now: i64,
) -> Result<(), StoreError> {
    sql!(tx, |c| sqlx::query(
        "UPDATE ticket SET status = 'done', done_at = CASE WHEN $3 THEN $4 ELSE NULL END \
         WHERE id = $1 OR appointment_id = $2"
    )
    .bind(ticket_id)
    .bind(appointment_id)
    .bind(served)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}
