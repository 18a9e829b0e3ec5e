//! The staff's second factor: the enrolment, the last code used, the recovery codes.

use async_trait::async_trait;

use crate::store::engine::{Tx, sql};
use crate::store::{SecondFactors, SqlStore, StoreError};

#[async_trait]
impl SecondFactors for SqlStore {
    async fn begin_second_factor(&self, staff_id: i64, secret: &str) -> Result<bool, StoreError> {
        let mut c = self.engine.write("begin_second_factor").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "UPDATE staff SET totp_pending_secret = $2 WHERE id = $1 AND totp_secret IS NULL"
        )
        .bind(staff_id)
        .bind(secret)
        .execute(c)
        .await?
        .rows_affected())
            == 1)
    }

    async fn confirm_second_factor(
        &self,
        staff_id: i64,
        secret: &str,
        step: i64,
        recovery_hashes: &[String],
        keep_session: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.engine.begin("confirm_second_factor").await?;
        let confirmed = sql!(&mut tx, |c| sqlx::query(
            "UPDATE staff SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
             totp_enabled_at = $3, totp_last_step = $4 \
             WHERE id = $1 AND totp_secret IS NULL AND totp_pending_secret = $2"
        )
        .bind(staff_id)
        .bind(secret)
        .bind(now)
        .bind(step)
        .execute(c)
        .await?
        .rows_affected());
        if confirmed != 1 {
            return Ok(false);
        }
        forget_recovery_codes(&mut tx, staff_id).await?;
        for hash in recovery_hashes {
            sql!(&mut tx, |c| sqlx::query(
                "INSERT INTO staff_recovery_code (staff_id, code_hash) VALUES ($1, $2)"
            )
            .bind(staff_id)
            .bind(hash)
            .execute(c)
            .await?
            .rows_affected());
        }
        sql!(&mut tx, |c| sqlx::query(
            "UPDATE staff_session SET revoked_at = $2 WHERE staff_id = $1 \
             AND revoked_at IS NULL AND token_hash <> $3"
        )
        .bind(staff_id)
        .bind(now)
        .bind(keep_session)
        .execute(c)
        .await?
        .rows_affected());
        tx.commit().await?;
        Ok(true)
    }

    async fn use_second_factor_step(&self, staff_id: i64, step: i64) -> Result<bool, StoreError> {
        let mut c = self.engine.write("use_second_factor_step").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "UPDATE staff SET totp_last_step = $2 WHERE id = $1 AND totp_secret IS NOT NULL \
             AND (totp_last_step IS NULL OR totp_last_step < $2)"
        )
        .bind(staff_id)
        .bind(step)
        .execute(c)
        .await?
        .rows_affected())
            == 1)
    }

    async fn use_recovery_code(
        &self,
        staff_id: i64,
        code_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut c = self.engine.write("use_recovery_code").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "UPDATE staff_recovery_code SET used_at = $3 \
             WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL"
        )
        .bind(staff_id)
        .bind(code_hash)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected())
            == 1)
    }

    async fn recovery_codes_left(&self, staff_id: i64) -> Result<i64, StoreError> {
        let mut c = self.engine.read("recovery_codes_left").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM staff_recovery_code WHERE staff_id = $1 AND used_at IS NULL"
        )
        .bind(staff_id)
        .fetch_one(c)
        .await?))
    }
}

/// Clears an account's second factor: its secret, any setup in progress, its last step and its
/// recovery codes (an administrator's reset).
pub(crate) async fn clear_second_factor(tx: &mut Tx, staff_id: i64) -> Result<(), StoreError> {
    sql!(&mut *tx, |c| sqlx::query(
        "UPDATE staff SET totp_secret = NULL, totp_pending_secret = NULL, \
         totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1"
    )
    .bind(staff_id)
    .execute(c)
    .await?
    .rows_affected());
    forget_recovery_codes(tx, staff_id).await
}

async fn forget_recovery_codes(tx: &mut Tx, staff_id: i64) -> Result<(), StoreError> {
    sql!(&mut *tx, |c| sqlx::query(
        "DELETE FROM staff_recovery_code WHERE staff_id = $1"
    )
    .bind(staff_id)
    .execute(c)
    .await?
    .rows_affected());
    Ok(())
}
