//! The outbox of messages owed to citizens: written inside the transaction of the change a
//! message tells of (so a change is never without its message, nor a message without its
//! change), claimed by one sender at a time for a lease — SQLite by its one writer, PostgreSQL
//! with `SKIP LOCKED` — and ended as sent, given up or obsolete.

use rega_api::Locale;
use rega_api::ids::Reference;
use rega_api::service::ServiceKind;

use crate::domain::messages::MessageKind;
use crate::store::engine::{Tx, sql};
use crate::store::rows::Columns;
use crate::store::{OutboxMessage, SqlStore, StoreError};

/// Writes the message of `kind` about the appointment `reference` (its citizen's phone, its
/// service, directorate and start as they are now), once per `key`.
pub(crate) async fn message_in(
    tx: &mut Tx,
    kind: MessageKind,
    key: &str,
    reference: &Reference,
    now: i64,
) -> Result<(), StoreError> {
    sql!(&mut *tx, |c| sqlx::query(
        "INSERT INTO message_outbox (dedupe_key, kind, phone, citizen_id, reference, service, \
         directorate_id, starts_at, created_at, next_attempt_at) \
         SELECT $1, $2, c.phone, c.id, a.reference, a.service, s.directorate_id, s.starts_at, \
         $3, $3 FROM appointment a JOIN slot s ON s.id = a.slot_id \
         JOIN citizen c ON c.id = a.citizen_id WHERE a.reference = $4 \
         ON CONFLICT (dedupe_key) DO NOTHING"
    )
    .bind(key)
    .bind(kind.code())
    .bind(now)
    .bind(reference.code())
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// Writes a message that names no appointment (a changed phone, told to the old number).
pub(crate) async fn phone_message_in(
    tx: &mut Tx,
    kind: MessageKind,
    key: &str,
    phone: &str,
    citizen_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    sql!(&mut *tx, |c| sqlx::query(
        "INSERT INTO message_outbox (dedupe_key, kind, phone, citizen_id, created_at, \
         next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (dedupe_key) DO NOTHING"
    )
    .bind(key)
    .bind(kind.code())
    .bind(phone)
    .bind(citizen_id)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// Writes the closure's message to every citizen whose appointment it cancelled.
pub(crate) async fn closure_messages_in(
    tx: &mut Tx,
    closure_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    sql!(&mut *tx, |c| sqlx::query(
        "INSERT INTO message_outbox (dedupe_key, kind, phone, citizen_id, reference, service, \
         directorate_id, starts_at, created_at, next_attempt_at) \
         SELECT 'closure:' || a.reference, 'closure', c.phone, c.id, a.reference, a.service, \
         s.directorate_id, s.starts_at, $2, $2 FROM appointment a \
         JOIN slot s ON s.id = a.slot_id JOIN citizen c ON c.id = a.citizen_id \
         WHERE a.closure_id = $1 ON CONFLICT (dedupe_key) DO NOTHING"
    )
    .bind(closure_id)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}

/// Claims the due messages (`Messages::claim_messages`).
pub(crate) async fn claim(
    store: &SqlStore,
    now: i64,
    lease_until: i64,
    limit: u32,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let mut tx = store.engine.begin("claim_messages").await?;
    // `t`: the alias the dialect's skip-locked clause names.
    let due = sql!(&mut tx, |c, d| sqlx::query_scalar::<_, i64>(&format!(
        "SELECT t.id FROM message_outbox t WHERE t.done_at IS NULL AND t.next_attempt_at <= $1 \
         AND (t.claimed_until IS NULL OR t.claimed_until <= $1) ORDER BY t.id LIMIT $2{}",
        d.skip_locked_ticket
    ))
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(c)
    .await?);
    let mut claimed = Vec::with_capacity(due.len());
    for id in due {
        sql!(&mut tx, |c| sqlx::query(
            "UPDATE message_outbox SET claimed_until = $2, attempts = attempts + 1 WHERE id = $1"
        )
        .bind(id)
        .bind(lease_until)
        .execute(c)
        .await?
        .rows_affected());
        let message = sql!(&mut tx, |c| {
            outbox_message(
            &sqlx::query(
            "SELECT o.id, o.kind, o.phone, COALESCE(c.locale, 'ckb') AS locale, o.reference, \
             COALESCE(o.service, a.service) AS service, \
             COALESCE(o.directorate_id, s.directorate_id) AS directorate_id, o.starts_at, \
             o.created_at, o.attempts, o.hold_until, \
             CAST(CASE WHEN a.status = 'booked' AND s.starts_at = o.starts_at THEN 1 ELSE 0 END \
               AS BIGINT) AS still_booked_then \
             FROM message_outbox o LEFT JOIN citizen c ON c.id = o.citizen_id \
             LEFT JOIN appointment a ON a.reference = o.reference \
             LEFT JOIN slot s ON s.id = a.slot_id WHERE o.id = $1"
        )
            .bind(id)
            .fetch_one(c)
            .await?
        )?
        });
        claimed.push(message);
    }
    tx.commit().await?;
    Ok(claimed)
}

fn outbox_message(row: &impl Columns) -> Result<OutboxMessage, StoreError> {
    let kind = row.text("kind")?;
    Ok(OutboxMessage {
        id: row.int("id")?,
        kind: MessageKind::from_code(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("message kind {kind}")))?,
        phone: row.text("phone")?,
        locale: Locale::from_tag(&row.text("locale")?).unwrap_or_default(),
        // Shown as citizens read it, `RG-XXXX-XXXX`.
        reference: row
            .text_or_null("reference")?
            .map(|r| Reference::parse(&r).map_or(r, |r| r.to_string())),
        service: row
            .text_or_null("service")?
            .and_then(|s| ServiceKind::from_code(&s)),
        directorate_id: row.text_or_null("directorate_id")?,
        starts_at: row.int_or_null("starts_at")?,
        created_at: row.int("created_at")?,
        attempts: row.int("attempts")?,
        still_booked_then: row.int("still_booked_then")? == 1,
        hold_until: row.int_or_null("hold_until")?,
    })
}
