//! A supervisor's planning: the places of a day's slots, closing a period (its appointments
//! cancelled in the same transaction, and the change each cost given back) and lifting a
//! closure.

use async_trait::async_trait;
use rega_api::service::ServiceKind;

use super::outcomes::record_outcomes_in;
use crate::store::engine::{Linked, Lock, Tx, sql};
use crate::store::rows::{self, Columns};
use crate::store::{ClosureRecord, Closures, NewClosure, SqlStore, StoreError};

/// True for a slot inside a closure in force (the SQL of `slot`'s row).
const CLOSED: &str = "EXISTS (SELECT 1 FROM closure z WHERE z.lifted_at IS NULL \
     AND z.directorate_id = slot.directorate_id \
     AND z.starts_at <= slot.starts_at AND z.ends_at > slot.starts_at)";

/// The appointments a closure of `[$n+1, $n+2)` at directorate `$n` cancels: booked or checked
/// in, in a slot starting in the period (`n` is the first of the three parameters).
fn active_in_period(n: usize) -> String {
    format!(
        "status IN ('booked', 'checked_in') AND slot_id IN (SELECT id FROM slot \
         WHERE directorate_id = ${n} AND starts_at >= ${} AND starts_at < ${})",
        n + 1,
        n + 2
    )
}

#[async_trait]
impl Closures for SqlStore {
    async fn closure_preview(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<u64, StoreError> {
        let statement = format!(
            "SELECT COUNT(*) FROM appointment WHERE {}",
            active_in_period(1)
        );
        let mut c = self.engine.read("closure_preview").await?;
        let count = sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(&statement)
            .bind(directorate_id)
            .bind(from)
            .bind(to)
            .fetch_one(c)
            .await?);
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn set_capacity(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        from: i64,
        to: i64,
        capacity: i64,
    ) -> Result<(u64, u64), StoreError> {
        let mut tx = self.engine.begin("set_capacity").await?;
        let planned = set_capacity_in(&mut tx, directorate_id, service, from, to, capacity).await?;
        tx.commit().await?;
        Ok(planned)
    }

    async fn close(&self, closure: &NewClosure<'_>) -> Result<(i64, u64), StoreError> {
        let mut tx = self.engine.begin("close").await?;
        let closed = close_in(&mut tx, closure).await?;
        tx.commit().await?;
        Ok(closed)
    }

    async fn lift_closure(
        &self,
        directorate_id: &str,
        closure_id: i64,
        staff_id: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.engine.begin("lift_closure").await?;
        let period = sql!(&mut tx, |c| sqlx::query(
            "UPDATE closure SET lifted_at = $1, lifted_by = $2 \
             WHERE id = $3 AND directorate_id = $4 AND lifted_at IS NULL \
             RETURNING starts_at, ends_at"
        )
        .bind(now)
        .bind(staff_id)
        .bind(closure_id)
        .bind(directorate_id)
        .fetch_optional(c)
        .await?
        .map(|row| Ok::<_, StoreError>((row.int("starts_at")?, row.int("ends_at")?)))
        .transpose()?);
        let Some((from, to)) = period else {
            return Ok(false);
        };
        // The counters' places again (never fewer than booked), unless another closure still
        // covers the slot.
        let reopen = format!(
            "UPDATE slot SET capacity = COALESCE((SELECT CASE WHEN slot.booked > c.counters \
               THEN slot.booked ELSE c.counters END FROM counter c \
               WHERE c.directorate_id = slot.directorate_id AND c.service = slot.service), slot.booked) \
             WHERE directorate_id = $1 AND starts_at >= $2 AND starts_at < $3 AND NOT {CLOSED}"
        );
        sql!(&mut tx, |c| sqlx::query(&reopen)
            .bind(directorate_id)
            .bind(from)
            .bind(to)
            .execute(c)
            .await?
            .rows_affected());
        tx.commit().await?;
        Ok(true)
    }

    async fn closures_of(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ClosureRecord>, StoreError> {
        let mut c = self.engine.read("closures_of").await?;
        closures_in(&mut c, directorate_id, from, to).await
    }
}

/// Sets the capacity of the directorate's slots of `service` in `[from, to)` (see
/// `Closures::set_capacity`), inside the caller's transaction: (changed, kept).
pub(crate) async fn set_capacity_in(
    tx: &mut Tx,
    directorate_id: &str,
    service: ServiceKind,
    from: i64,
    to: i64,
    capacity: i64,
) -> Result<(u64, u64), StoreError> {
    let set = format!(
        "UPDATE slot SET capacity = $1 WHERE directorate_id = $2 AND service = $3 \
             AND starts_at >= $4 AND starts_at < $5 AND booked <= $1 AND NOT {CLOSED}"
    );
    let changed = sql!(tx, |c| sqlx::query(&set)
        .bind(capacity)
        .bind(directorate_id)
        .bind(service.code())
        .bind(from)
        .bind(to)
        .execute(c)
        .await?
        .rows_affected());
    let total = sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM slot WHERE directorate_id = $1 AND service = $2 \
             AND starts_at >= $3 AND starts_at < $4"
    )
    .bind(directorate_id)
    .bind(service.code())
    .bind(from)
    .bind(to)
    .fetch_one(c)
    .await?);
    Ok((
        changed,
        u64::try_from(total).unwrap_or(0).saturating_sub(changed),
    ))
}

/// Closes a period (see `Closures::close`), inside the caller's transaction: the closure's id
/// and how many appointments it cancelled.
pub(crate) async fn close_in(
    tx: &mut Tx,
    closure: &NewClosure<'_>,
) -> Result<(i64, u64), StoreError> {
    // The period's slots first: a booking in flight finishes before (and is then cancelled
    // here) or waits and finds the slot closed, in the lock order bookings use.
    tx.lock(Lock::Period {
        directorate_id: closure.directorate_id,
        from: closure.starts_at,
        to: closure.ends_at,
    })
    .await?;
    let id = sql!(tx, |c| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO closure (directorate_id, day, starts_at, ends_at, note, staff_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(closure.directorate_id)
        .bind(closure.day)
        .bind(closure.starts_at)
        .bind(closure.ends_at)
        .bind(closure.note)
        .bind(closure.staff_id)
        .bind(closure.now)
        .fetch_one(c)
        .await?
    });
    let cancel = format!(
        "UPDATE appointment SET status = 'cancelled', closure_id = $1, updated_at = $2 \
             WHERE {}",
        active_in_period(3)
    );
    let cancelled = sql!(tx, |c| sqlx::query_scalar::<_, i64>(&format!(
        "{cancel} RETURNING id"
    ))
    .bind(id)
    .bind(closure.now)
    .bind(closure.directorate_id)
    .bind(closure.starts_at)
    .bind(closure.ends_at)
    .fetch_all(c)
    .await?);
    sql!(tx, |c| sqlx::query(
        "UPDATE ticket SET status = 'done' WHERE status = 'waiting' \
             AND appointment_id IN (SELECT id FROM appointment WHERE closure_id = $1)"
    )
    .bind(id)
    .execute(c)
    .await?
    .rows_affected());
    // Places held for the waitlist in the period go back; their entries keep their turn.
    super::waitlist::withdraw_offers_in(
        tx,
        closure.directorate_id,
        closure.starts_at,
        closure.ends_at,
    )
    .await?;
    sql!(tx, |c| {
        sqlx::query(
            "UPDATE slot SET capacity = 0, booked = booked - \
               (SELECT COUNT(*) FROM appointment a WHERE a.slot_id = slot.id AND a.closure_id = $1) \
             WHERE directorate_id = $2 AND starts_at >= $3 AND starts_at < $4"
        )
        .bind(id)
        .bind(closure.directorate_id)
        .bind(closure.starts_at)
        .bind(closure.ends_at)
        .execute(c)
        .await?
        .rows_affected()
    });
    super::outbox::closure_messages_in(tx, id, closure.now).await?;
    // The booking the closure cancelled does not count against the citizen's limit.
    let citizens = sql!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT citizen_id FROM appointment WHERE closure_id = $1"
    )
    .bind(id)
    .fetch_all(c)
    .await?);
    for citizen_id in citizens {
        sql!(tx, |c, d| sqlx::query(&format!(
            "DELETE FROM booking_change WHERE {row} = (SELECT {row} FROM booking_change \
                 WHERE citizen_id = $1 ORDER BY at DESC LIMIT 1)",
            row = d.row_id
        ))
        .bind(citizen_id)
        .execute(c)
        .await?
        .rows_affected());
    }
    // The feed's cursor last, after every other lock (see `outcomes`).
    record_outcomes_in(tx, &cancelled, closure.now).await?;
    Ok((id, cancelled.len() as u64))
}

/// The directorate's closures in force overlapping `[from, to)`, on the caller's connection.
pub(crate) async fn closures_in(
    link: &mut impl Linked,
    directorate_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<ClosureRecord>, StoreError> {
    Ok(sql!(link, |c| sqlx::query(
        "SELECT z.id, z.day, z.starts_at, z.ends_at, z.note, st.username, \
               (SELECT COUNT(*) FROM appointment a WHERE a.closure_id = z.id) AS cancelled \
             FROM closure z JOIN staff st ON st.id = z.staff_id \
             WHERE z.lifted_at IS NULL AND z.directorate_id = $1 AND z.ends_at > $2 \
               AND z.starts_at < $3 ORDER BY z.starts_at, z.id"
    )
    .bind(directorate_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?
    .iter()
    .map(rows::closure)
    .collect::<Result<Vec<_>, _>>()?))
}
