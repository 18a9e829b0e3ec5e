//! Sign-in codes for citizens: issued (revoking the earlier one), counted when wrong, used once.

use async_trait::async_trait;

use crate::store::engine::sql;
use crate::store::rows;
use crate::store::{CitizenAuth, OtpRecord, SqlStore, StoreError};

#[async_trait]
impl CitizenAuth for SqlStore {
    async fn replace_otp(
        &self,
        citizen_id: i64,
        code_hmac: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.engine.begin("replace_otp").await?;
        sql!(&mut tx, |c| sqlx::query(
            "UPDATE otp_code SET revoked = $1 WHERE citizen_id = $2 AND used_at IS NULL"
        )
        .bind(true)
        .bind(citizen_id)
        .execute(c)
        .await?
        .rows_affected());
        sql!(&mut tx, |c| sqlx::query(
            "INSERT INTO otp_code (citizen_id, code_hmac, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)"
        )
        .bind(citizen_id)
        .bind(code_hmac)
        .bind(now)
        .bind(expires_at)
        .execute(c)
        .await?
        .rows_affected());
        tx.commit().await
    }

    async fn current_otp(&self, citizen_id: i64) -> Result<Option<OtpRecord>, StoreError> {
        let mut c = self.engine.read("current_otp").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT id, code_hmac, expires_at, failed_attempts FROM otp_code \
             WHERE citizen_id = $1 AND used_at IS NULL AND revoked = $2 ORDER BY id DESC LIMIT 1"
        )
        .bind(citizen_id)
        .bind(false)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::otp)
        .transpose()?))
    }

    async fn otp_failed(&self, otp_id: i64, max_failures: u32) -> Result<u32, StoreError> {
        let mut c = self.engine.write("otp_failed").await?;
        // One statement: the count and the revocation at the limit cannot be split by another
        // wrong try arriving at the same moment.
        let failed = sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "UPDATE otp_code SET failed_attempts = failed_attempts + 1, \
               revoked = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE revoked END \
             WHERE id = $1 RETURNING failed_attempts"
        )
        .bind(otp_id)
        .bind(i64::from(max_failures))
        .bind(true)
        .fetch_one(c)
        .await?);
        Ok(u32::try_from(failed).unwrap_or(u32::MAX))
    }

    async fn otp_consume(&self, otp_id: i64, now: i64) -> Result<bool, StoreError> {
        let mut c = self.engine.write("otp_consume").await?;
        let used = sql!(&mut c, |c| {
            sqlx::query(
            "UPDATE otp_code SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND revoked = $3"
        )
        .bind(now)
        .bind(otp_id)
        .bind(false)
        .execute(c)
        .await?
        .rows_affected()
        });
        Ok(used == 1)
    }
}
