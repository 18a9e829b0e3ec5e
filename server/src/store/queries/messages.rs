//! The development SMS outbox (what demo mode "sends"), and the outbox of messages owed to
//! citizens (`outbox`).

use async_trait::async_trait;

use rega_api::Locale;

use crate::store::engine::sql;
use crate::store::rows;
use crate::store::{MessageOutcome, Messages, OutboxMessage, SmsRecord, SqlStore, StoreError};

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

    async fn claim_messages(
        &self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        super::outbox::claim(self, now, lease_until, limit).await
    }

    async fn finish_message(
        &self,
        id: i64,
        outcome: MessageOutcome,
        error: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut c = self.engine.write("finish_message").await?;
        sql!(&mut c, |c| sqlx::query(
            "UPDATE message_outbox SET done_at = $2, outcome = $3, claimed_until = NULL, \
             last_error = COALESCE($4, last_error) WHERE id = $1"
        )
        .bind(id)
        .bind(now)
        .bind(outcome.code())
        .bind(error)
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn retry_message(
        &self,
        id: i64,
        next_attempt_at: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        let mut c = self.engine.write("retry_message").await?;
        sql!(&mut c, |c| sqlx::query(
            "UPDATE message_outbox SET next_attempt_at = $2, claimed_until = NULL, \
             last_error = $3 WHERE id = $1"
        )
        .bind(id)
        .bind(next_attempt_at)
        .bind(error)
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }

    async fn enqueue_reminders(
        &self,
        from: i64,
        to: i64,
        changed_before: i64,
        now: i64,
    ) -> Result<u64, StoreError> {
        let mut c = self.engine.write("enqueue_reminders").await?;
        Ok(sql!(&mut c, |c| {
            sqlx::query(
            "INSERT INTO message_outbox (dedupe_key, kind, phone, citizen_id, reference, service, \
             directorate_id, starts_at, created_at, next_attempt_at) \
             SELECT 'reminder:' || a.reference || ':' || s.starts_at, 'reminder', c.phone, c.id, \
             a.reference, a.service, s.directorate_id, s.starts_at, $4, $4 \
             FROM appointment a JOIN slot s ON s.id = a.slot_id JOIN citizen c ON c.id = a.citizen_id \
             WHERE a.status = 'booked' AND s.starts_at >= $1 AND s.starts_at < $2 \
             AND a.updated_at < $3 \
             ON CONFLICT (dedupe_key) DO NOTHING"
        )
        .bind(from)
        .bind(to)
        .bind(changed_before)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()
        }))
    }

    async fn set_citizen_locale(&self, citizen_id: i64, locale: Locale) -> Result<(), StoreError> {
        let mut c = self.engine.write("set_citizen_locale").await?;
        sql!(&mut c, |c| sqlx::query(
            "UPDATE citizen SET locale = $2 WHERE id = $1 AND locale <> $2"
        )
        .bind(citizen_id)
        .bind(locale.tag())
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }
}
