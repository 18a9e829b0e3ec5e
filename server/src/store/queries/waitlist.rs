//! The waitlist (docs/waitlist.md). A place that frees up inside a change's transaction is handed
//! to the first entry in line it matches ([`free_place_in`]): it stays counted in the slot's
//! `booked`, so nobody else sees or takes it, and the entry's citizen is told in the same
//! transaction. An offer ends taken (a booking change, `bookings::accept_in`), declined, left or
//! run out ([`Waitlist::expire_offers`]); the place then goes to the next, or back to everyone.
//!
//! Locks (PostgreSQL) are always taken slots first, then entries; an entry is picked for an
//! offer with `SKIP LOCKED`, so a transaction never waits for an entry while holding a slot that
//! another one, holding that entry, waits for.

use async_trait::async_trait;
use rega_api::ids::Reference;
use rega_api::service::ServiceKind;

use crate::domain::messages::MessageKind;
use crate::domain::waitlist::{earliest_offer, hold_until, part_of};
use crate::store::engine::{Lock, Tx, sql};
use crate::store::rows::Columns;
use crate::store::{
    EntryStatus, JoinRefusal, NewEntry, OfferTerms, SqlStore, StoreError, Waitlist, WaitlistEntry,
};
use rega_api::waitlist::DayPart;

/// An entry's columns, `w` its table and `s` its held slot (a left join).
macro_rules! entry_columns {
    () => {
        "w.id, w.citizen_id, w.directorate_id, w.service, w.window_from, w.window_to, w.part, \
         w.reference, w.status, w.joined_at, w.slot_id, s.starts_at AS slot_starts_at, \
         w.offered_until"
    };
}

#[async_trait]
impl Waitlist for SqlStore {
    async fn join_waitlist(
        &self,
        entry: &NewEntry,
    ) -> Result<Result<WaitlistEntry, JoinRefusal>, StoreError> {
        let mut tx = self.engine.begin("join_waitlist").await?;
        tx.lock(Lock::Citizen(entry.citizen_id)).await?;
        let booking_ok = match &entry.reference {
            // An earlier place: the booking is the citizen's, of this service, and booked.
            Some(reference) => sql!(&mut tx, |c| sqlx::query(
                "SELECT 1 FROM appointment WHERE reference = $1 AND citizen_id = $2 \
                 AND service = $3 AND status = 'booked'"
            )
            .bind(reference.code())
            .bind(entry.citizen_id)
            .bind(entry.service.code())
            .fetch_optional(c)
            .await?
            .is_some()),
            // A new place: none of the service is active.
            None => sql!(&mut tx, |c| sqlx::query(
                "SELECT 1 FROM appointment a JOIN slot s ON s.id = a.slot_id \
                 WHERE a.citizen_id = $1 AND a.service = $2 \
                 AND a.status IN ('booked', 'checked_in') AND s.starts_at >= $3"
            )
            .bind(entry.citizen_id)
            .bind(entry.service.code())
            .bind(crate::domain::appointment::lapses_before(entry.now))
            .fetch_optional(c)
            .await?
            .is_none()),
        };
        if !booking_ok {
            return Ok(Err(JoinRefusal::Booking));
        }
        let id = sql!(&mut tx, |c| sqlx::query_scalar::<_, i64>(
            "INSERT INTO waitlist_entry (citizen_id, directorate_id, service, window_from, \
             window_to, part, reference, status, joined_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting', $8) ON CONFLICT DO NOTHING RETURNING id"
        )
        .bind(entry.citizen_id)
        .bind(&entry.directorate_id)
        .bind(entry.service.code())
        .bind(entry.window_from)
        .bind(entry.window_to)
        .bind(entry.part.word())
        .bind(entry.reference.as_ref().map(Reference::code))
        .bind(entry.now)
        .fetch_optional(c)
        .await?);
        let Some(id) = id else {
            return Ok(Err(JoinRefusal::AlreadyWaiting));
        };
        tx.commit().await?;
        // A place free already is offered at once, to whoever is first in line for it.
        self.offer_free_places(entry.now, entry.offers).await?;
        let joined = self
            .waitlist_of(entry.citizen_id)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| StoreError::Corrupt(format!("waitlist entry {id} is gone")))?;
        Ok(Ok(joined))
    }

    async fn waitlist_of(&self, citizen_id: i64) -> Result<Vec<WaitlistEntry>, StoreError> {
        let mut c = self.engine.read("waitlist_of").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            entry_columns!(),
            " FROM waitlist_entry w LEFT JOIN slot s ON s.id = w.slot_id \
             WHERE w.citizen_id = $1 AND w.status IN ('waiting', 'offered') ORDER BY w.id"
        ))
        .bind(citizen_id)
        .fetch_all(c)
        .await?
        .iter()
        .map(entry)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn leave_waitlist(
        &self,
        citizen_id: i64,
        entry_id: i64,
        declined: bool,
        now: i64,
        offers: OfferTerms,
    ) -> Result<Option<EntryStatus>, StoreError> {
        // An entry offered a place between the look and the change (PostgreSQL) is looked at
        // again: its place must then be given on.
        for _ in 0..3 {
            if let Some(ended) =
                leave_once(self, citizen_id, entry_id, declined, now, offers).await?
            {
                return Ok(ended);
            }
        }
        Ok(None)
    }

    async fn expire_offers(&self, now: i64, offers: OfferTerms) -> Result<u64, StoreError> {
        let mut lapsed = 0;
        loop {
            let mut tx = self.engine.begin("expire_offers").await?;
            let due = sql!(&mut tx, |c| sqlx::query(
                "SELECT id, slot_id FROM waitlist_entry WHERE status = 'offered' \
                 AND offered_until <= $1 ORDER BY offered_until, id LIMIT 1"
            )
            .bind(now)
            .fetch_optional(c)
            .await?
            .map(|row| Ok::<_, StoreError>((row.int("id")?, row.int_or_null("slot_id")?)))
            .transpose()?);
            let Some((id, Some(slot))) = due else {
                return Ok(lapsed);
            };
            tx.lock(Lock::Slots(&[slot])).await?;
            // Another instance may have ended it meanwhile; only one ends it.
            let ended = sql!(&mut tx, |c| sqlx::query(
                "UPDATE waitlist_entry SET status = 'lapsed', ended_at = $1 \
                 WHERE id = $2 AND status = 'offered' AND slot_id = $3 AND offered_until <= $1"
            )
            .bind(now)
            .bind(id)
            .bind(slot)
            .execute(c)
            .await?
            .rows_affected());
            if ended == 1 {
                free_place_in(&mut tx, slot, now, offers).await?;
                lapsed += 1;
            }
            tx.commit().await?;
        }
    }

    async fn offer_free_places(&self, now: i64, offers: OfferTerms) -> Result<u64, StoreError> {
        // Free places that some entry in line waits for, earliest first.
        let mut c = self.engine.read("offer_free_places").await?;
        let candidates = sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "SELECT s.id FROM slot s WHERE s.booked < s.capacity AND s.starts_at >= $1 \
             AND EXISTS (SELECT 1 FROM waitlist_entry w WHERE w.status = 'waiting' \
               AND w.directorate_id = s.directorate_id AND w.service = s.service \
               AND s.starts_at >= w.window_from AND s.starts_at < w.window_to) \
             ORDER BY s.starts_at, s.id LIMIT 200"
        )
        .bind(earliest_offer(offers.hold_minutes, now))
        .fetch_all(c)
        .await?);
        drop(c);
        let mut offered = 0;
        for slot in candidates {
            // Each place in its own transaction, as long as the slot has one and someone takes it.
            loop {
                let mut tx = self.engine.begin("offer_free_places").await?;
                tx.lock(Lock::Slots(&[slot])).await?;
                let taken = sql!(&mut tx, |c| sqlx::query(
                    "UPDATE slot SET booked = booked + 1 WHERE id = $1 AND booked < capacity"
                )
                .bind(slot)
                .execute(c)
                .await?
                .rows_affected());
                if taken == 0 || offer_place_in(&mut tx, slot, now, offers).await?.is_none() {
                    // Dropped: rolled back, the place stays everyone's.
                    break;
                }
                tx.commit().await?;
                offered += 1;
            }
        }
        Ok(offered)
    }
}

/// One try of [`Waitlist::leave_waitlist`]: `None` when the entry was offered a place between
/// the look and the change.
async fn leave_once(
    store: &SqlStore,
    citizen_id: i64,
    entry_id: i64,
    declined: bool,
    now: i64,
    offers: OfferTerms,
) -> Result<Option<Option<EntryStatus>>, StoreError> {
    let mut tx = store.engine.begin("leave_waitlist").await?;
    tx.lock(Lock::Citizen(citizen_id)).await?;
    // The held place's slot is locked before the entry (the order every transaction takes).
    let held = sql!(&mut tx, |c| sqlx::query_scalar::<_, Option<i64>>(
        "SELECT slot_id FROM waitlist_entry WHERE id = $1 AND citizen_id = $2 \
         AND status = 'offered'"
    )
    .bind(entry_id)
    .bind(citizen_id)
    .fetch_optional(c)
    .await?)
    .flatten();
    if declined && held.is_none() {
        return Ok(Some(None));
    }
    if let Some(slot) = held {
        tx.lock(Lock::Slots(&[slot])).await?;
    }
    let status = if declined {
        EntryStatus::Declined
    } else {
        EntryStatus::Left
    };
    let ended = sql!(&mut tx, |c| sqlx::query(
        "UPDATE waitlist_entry SET status = $1, ended_at = $2 \
         WHERE id = $3 AND citizen_id = $4 \
         AND (($5 IS NULL AND status = 'waiting') OR (status = 'offered' AND slot_id = $5))"
    )
    .bind(status.code())
    .bind(now)
    .bind(entry_id)
    .bind(citizen_id)
    .bind(held)
    .execute(c)
    .await?
    .rows_affected());
    if ended == 0 {
        // Gone (or never the citizen's), or offered meanwhile: look again.
        let active = held.is_none()
            && sql!(&mut tx, |c| sqlx::query(
                "SELECT 1 FROM waitlist_entry WHERE id = $1 AND citizen_id = $2 \
                 AND status = 'offered'"
            )
            .bind(entry_id)
            .bind(citizen_id)
            .fetch_optional(c)
            .await?
            .is_some());
        return Ok((!active).then_some(None));
    }
    if let Some(slot) = held {
        free_place_in(&mut tx, slot, now, offers).await?;
    }
    tx.commit().await?;
    Ok(Some(Some(status)))
}

/// Gives back a place of `slot_id` that a change freed, inside its transaction (which holds the
/// slot's lock on PostgreSQL): to the first entry in line it matches, held for it, or else to
/// everyone.
pub(crate) async fn free_place_in(
    tx: &mut Tx,
    slot_id: i64,
    now: i64,
    offers: OfferTerms,
) -> Result<(), StoreError> {
    if offer_place_in(tx, slot_id, now, offers).await?.is_some() {
        return Ok(());
    }
    super::bookings::release_place(tx, slot_id).await
}

/// Offers a place of `slot_id`, already counted in its `booked`, to the first entry in line it
/// matches (the entry's days, part of the day and directorate; a place far enough ahead to be
/// answered for): the entry is marked offered and its citizen's message written. The entry's id,
/// or `None` when nobody waits for it.
async fn offer_place_in(
    tx: &mut Tx,
    slot_id: i64,
    now: i64,
    offers: OfferTerms,
) -> Result<Option<i64>, StoreError> {
    let starts_at = sql!(&mut *tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT starts_at FROM slot WHERE id = $1 AND capacity > 0"
    )
    .bind(slot_id)
    .fetch_optional(c)
    .await?);
    let Some(starts_at) = starts_at else {
        return Ok(None);
    };
    if starts_at < earliest_offer(offers.hold_minutes, now) {
        return Ok(None);
    }
    let part = part_of(starts_at);
    let until = hold_until(offers.hold_minutes, now);
    // `w`: the alias the dialect's skip-locked clause names.
    let chosen = sql!(&mut *tx, |c, d| sqlx::query(&format!(
        "UPDATE waitlist_entry SET status = 'offered', slot_id = $1, offered_until = $2 \
         WHERE id = (SELECT w.id FROM waitlist_entry w JOIN slot s ON s.id = $1 \
           WHERE w.status = 'waiting' AND w.directorate_id = s.directorate_id \
           AND w.service = s.service AND w.window_from <= s.starts_at \
           AND w.window_to > s.starts_at AND w.part IN ('any', $3) \
           ORDER BY w.joined_at, w.id LIMIT 1{}) \
         RETURNING id, citizen_id",
        d.skip_locked_entry
    ))
    .bind(slot_id)
    .bind(until)
    .bind(part.word())
    .fetch_optional(c)
    .await?
    .map(|row| Ok::<_, StoreError>((row.int("id")?, row.int("citizen_id")?)))
    .transpose()?);
    let Some((entry_id, citizen_id)) = chosen else {
        return Ok(None);
    };
    sql!(&mut *tx, |c| sqlx::query(
        "INSERT INTO message_outbox (dedupe_key, kind, phone, citizen_id, service, directorate_id, \
         starts_at, hold_until, created_at, next_attempt_at) \
         SELECT $1, $2, c.phone, c.id, s.service, s.directorate_id, s.starts_at, $3, $4, $4 \
         FROM citizen c CROSS JOIN slot s WHERE c.id = $5 AND s.id = $6 \
         ON CONFLICT (dedupe_key) DO NOTHING"
    )
    .bind(format!("offer:{entry_id}:{slot_id}:{now}"))
    .bind(MessageKind::Offer.code())
    .bind(until)
    .bind(now)
    .bind(citizen_id)
    .bind(slot_id)
    .execute(c)
    .await?
    .rows_affected());
    Ok(Some(entry_id))
}

/// Takes the offer `entry_id` of the citizen for the held `slot_id` (and, for an earlier place,
/// the booking `moving`), if it still holds: `false` when it was taken, declined or ran out.
pub(crate) async fn take_offer_in(
    tx: &mut Tx,
    (entry_id, citizen_id, slot_id): (i64, i64, i64),
    moving: Option<&Reference>,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(sql!(&mut *tx, |c| sqlx::query(
        "UPDATE waitlist_entry SET status = 'booked', ended_at = $1 \
         WHERE id = $2 AND citizen_id = $3 AND slot_id = $4 AND status = 'offered' \
         AND offered_until > $1 AND reference IS NOT DISTINCT FROM $5"
    )
    .bind(now)
    .bind(entry_id)
    .bind(citizen_id)
    .bind(slot_id)
    .bind(moving.map(Reference::code))
    .execute(c)
    .await?
    .rows_affected())
        == 1)
}

/// Puts back an offer [`take_offer_in`] took, when the booking it was for is refused (the
/// change leaves nothing of itself behind).
pub(crate) async fn untake_offer_in(tx: &mut Tx, entry_id: i64) -> Result<(), StoreError> {
    sql!(&mut *tx, |c| sqlx::query(
        "UPDATE waitlist_entry SET status = 'offered', ended_at = NULL WHERE id = $1"
    )
    .bind(entry_id)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// Ends the citizen's entries still waiting for the service (or, with `reference`, only the
/// earlier place's entry of that booking): a booking, move or cancellation made another way
/// makes them pointless. An offered entry keeps its hold until it is answered or runs out.
pub(crate) async fn end_waiting_in(
    tx: &mut Tx,
    citizen_id: i64,
    service: ServiceKind,
    reference: Option<&Reference>,
    now: i64,
) -> Result<(), StoreError> {
    sql!(&mut *tx, |c| sqlx::query(
        "UPDATE waitlist_entry SET status = 'left', ended_at = $1 \
         WHERE citizen_id = $2 AND service = $3 AND status = 'waiting' \
         AND ($4 IS NULL OR reference = $4)"
    )
    .bind(now)
    .bind(citizen_id)
    .bind(service.code())
    .bind(reference.map(Reference::code))
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// Sends the offers on the directorate's slots starting in `[from, to)` back into line (a
/// closure takes those places away; the entries keep their turn) and gives their places back
/// to the slots, inside the closure's transaction, which holds the slots' locks.
pub(crate) async fn withdraw_offers_in(
    tx: &mut Tx,
    directorate_id: &str,
    from: i64,
    to: i64,
) -> Result<(), StoreError> {
    let period = "status = 'offered' AND slot_id IN (SELECT id FROM slot \
                  WHERE directorate_id = $1 AND starts_at >= $2 AND starts_at < $3)";
    let slots = sql!(&mut *tx, |c| sqlx::query_scalar::<_, i64>(&format!(
        "SELECT slot_id FROM waitlist_entry WHERE {period}"
    ))
    .bind(directorate_id)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?);
    sql!(&mut *tx, |c| sqlx::query(&format!(
        "UPDATE waitlist_entry SET status = 'waiting', slot_id = NULL, offered_until = NULL \
         WHERE {period}"
    ))
    .bind(directorate_id)
    .bind(from)
    .bind(to)
    .execute(c)
    .await?
    .rows_affected());
    for slot in slots {
        super::bookings::release_place(tx, slot).await?;
    }
    Ok(())
}

fn entry(row: &impl Columns) -> Result<WaitlistEntry, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("waitlist {what} {value}"));
    let (service, part, status) = (row.text("service")?, row.text("part")?, row.text("status")?);
    Ok(WaitlistEntry {
        id: row.int("id")?,
        citizen_id: row.int("citizen_id")?,
        directorate_id: row.text("directorate_id")?,
        service: ServiceKind::from_code(&service).ok_or_else(|| corrupt("service", &service))?,
        window_from: row.int("window_from")?,
        window_to: row.int("window_to")?,
        part: DayPart::from_word(&part).ok_or_else(|| corrupt("part", &part))?,
        reference: row
            .text_or_null("reference")?
            .map(|r| Reference::parse(&r).map_err(|_| corrupt("reference", &r)))
            .transpose()?,
        status: EntryStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
        joined_at: row.int("joined_at")?,
        slot_id: row.int_or_null("slot_id")?,
        slot_starts_at: row.int_or_null("slot_starts_at")?,
        offered_until: row.int_or_null("offered_until")?,
    })
}
