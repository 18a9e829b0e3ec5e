//! The SMS outbox, and the messages owed about appointments (the day-before reminder, the notice
//! that the directorate closed at their time), each claimed by exactly one caller, also across
//! instances — SQLite by its one writer, PostgreSQL with `SKIP LOCKED`.

use async_trait::async_trait;

use crate::store::engine::{Engine, sql};
use crate::store::rows::{self, Columns};
use crate::store::{CitizenNotice, Messages, Reminder, SmsRecord, SqlStore, StoreError};

/// What an appointment's message needs, from `appointment a`, its slot and its citizen.
const OWED: &str = "SELECT a.id, a.reference, c.phone, s.starts_at, s.directorate_id \
     FROM appointment a JOIN slot s ON s.id = a.slot_id JOIN citizen c ON c.id = a.citizen_id";

#[async_trait]
impl Messages for SqlStore {
    async fn push_sms(&self, phone: &str, body: &str, now: i64) -> Result<(), StoreError> {
        let mut c = self.engine.write("push_sms").await?;
        sql!(&mut c, |c| sqlx::query(
            "INSERT INTO sms_outbox (phone, body, created_at) VALUES ($1, $2, $3)"
        )
        .bind(phone)
        .bind(body)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn sms_to(&self, phone: &str, limit: u32) -> Result<Vec<SmsRecord>, StoreError> {
        let mut c = self.engine.read("sms_to").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT phone, body, created_at FROM sms_outbox WHERE phone = $1 \
             ORDER BY id DESC LIMIT $2"
        )
        .bind(phone)
        .bind(i64::from(limit))
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::sms)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn claim_reminders(
        &self,
        from: i64,
        to: i64,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError> {
        let due = format!(
            "{OWED} WHERE a.status = 'booked' AND a.reminded_at IS NULL \
             AND s.starts_at >= $1 AND s.starts_at < $2 ORDER BY a.id LIMIT $3"
        );
        let binds = [from, to, i64::from(limit)];
        self.claim("claim_reminders", &due, "reminded_at", &binds, now)
            .await
    }

    async fn claim_closure_notices(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError> {
        let due = format!(
            "{OWED} WHERE a.closure_id IS NOT NULL AND a.closure_sms_at IS NULL \
             ORDER BY a.id LIMIT $1"
        );
        let binds = [i64::from(limit)];
        self.claim("claim_closure_notices", &due, "closure_sms_at", &binds, now)
            .await
    }

    async fn claim_citizen_notices(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<CitizenNotice>, StoreError> {
        let mut tx = self.engine.begin("claim_citizen_notices").await?;
        // `t`: the alias the dialect's skip-locked clause names.
        let due = sql!(&mut tx, |c, d| sqlx::query(&format!(
            "SELECT t.id, t.phone, t.kind, t.reference, t.starts_at FROM citizen_notice t \
             WHERE t.claimed_at IS NULL ORDER BY t.id LIMIT $1{}",
            d.skip_locked_ticket
        ))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await?
        .iter()
        .map(|row| {
            Ok::<_, StoreError>((
                row.int("id")?,
                CitizenNotice {
                    phone: row.text("phone")?,
                    kind: row.text("kind")?,
                    reference: row.text_or_null("reference")?,
                    starts_at: row.int_or_null("starts_at")?,
                },
            ))
        })
        .collect::<Result<Vec<_>, _>>()?);
        let mut claimed = Vec::with_capacity(due.len());
        for (id, notice) in due {
            sql!(&mut tx, |c| sqlx::query(
                "UPDATE citizen_notice SET claimed_at = $1 WHERE id = $2"
            )
            .bind(now)
            .bind(id)
            .execute(c)
            .await?
            .rows_affected());
            claimed.push(notice);
        }
        tx.commit().await?;
        Ok(claimed)
    }
}

impl SqlStore {
    /// Claims the appointments `due` selects by setting `column` to `now`, on the engine's way.
    async fn claim(
        &self,
        operation: &'static str,
        due: &str,
        column: &str,
        binds: &[i64],
        now: i64,
    ) -> Result<Vec<Reminder>, StoreError> {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.claim(operation, due, column, binds, now).await,
            Engine::Postgres(postgres) => postgres.claim(operation, due, column, binds, now).await,
        }
    }
}
