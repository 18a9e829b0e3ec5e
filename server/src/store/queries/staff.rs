//! Staff accounts: desks and supervisors bound to one directorate, administrators to none.

use async_trait::async_trait;

use crate::store::engine::sql;
use crate::store::rows::{self, staff_columns};
use crate::store::{
    NewStaff, SqlStore, StaffAccounts, StaffChangeOutcome, StaffRecord, StaffRole, StoreError,
};

#[async_trait]
impl StaffAccounts for SqlStore {
    async fn create_staff(
        &self,
        account: &NewStaff<'_>,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut c = self.engine.write("create_staff").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "INSERT INTO staff (username, password_hash, role, directorate_id, created_at, \
             one_time_password_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (username) DO NOTHING RETURNING id"
        )
        .bind(account.username)
        .bind(account.password_hash)
        .bind(account.role.code())
        .bind(account.directorate_id)
        .bind(now)
        .bind(account.one_time.then_some(now))
        .fetch_optional(c)
        .await?))
    }

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError> {
        let mut c = self.engine.read("staff_by_username").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            staff_columns!(),
            " FROM staff s WHERE s.username = $1"
        ))
        .bind(username)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::staff)
        .transpose()?))
    }

    async fn staff_by_id(&self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        let mut c = self.engine.read("staff_by_id").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            staff_columns!(),
            " FROM staff s WHERE s.id = $1"
        ))
        .bind(id)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::staff)
        .transpose()?))
    }

    async fn staff_accounts(&self) -> Result<Vec<StaffRecord>, StoreError> {
        let mut c = self.engine.read("staff_accounts").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            staff_columns!(),
            " FROM staff s ORDER BY s.username"
        ))
        .fetch_all(c)
        .await?
        .iter()
        .map(rows::staff)
        .collect::<Result<Vec<_>, _>>()?))
    }

    async fn set_staff(
        &self,
        id: i64,
        role: StaffRole,
        directorate_id: Option<&str>,
        active: bool,
        now: i64,
    ) -> Result<StaffChangeOutcome, StoreError> {
        let mut tx = self.engine.begin("set_staff").await?;
        // The active administrators, locked in id order (PostgreSQL; SQLite's writer is alone).
        let admins: Vec<i64> = sql!(&mut tx, |c, d| sqlx::query_scalar::<_, i64>(&format!(
            "SELECT id FROM staff WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id{}",
            d.for_update
        ))
        .fetch_all(c)
        .await?);
        let found = sql!(&mut tx, |c, d| sqlx::query(&format!(
            concat!(
                "SELECT ",
                staff_columns!(),
                " FROM staff s WHERE s.id = $1{}"
            ),
            d.for_update
        ))
        .bind(id)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::staff)
        .transpose()?);
        let Some(before) = found else {
            return Ok(StaffChangeOutcome::NotFound);
        };
        let stays_admin = role == StaffRole::Admin && active;
        if admins.contains(&id) && !stays_admin && admins.len() <= 1 {
            return Ok(StaffChangeOutcome::LastAdmin);
        }
        sql!(&mut tx, |c| sqlx::query(
            "UPDATE staff SET role = $2, directorate_id = $3, \
             disabled_at = CASE WHEN $4 THEN NULL ELSE COALESCE(disabled_at, $5) END \
             WHERE id = $1"
        )
        .bind(id)
        .bind(role.code())
        .bind(directorate_id)
        .bind(active)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected());
        let loses =
            !active || before.role != role || before.directorate_id.as_deref() != directorate_id;
        if loses {
            sql!(&mut tx, |c| sqlx::query(
                "UPDATE staff_session SET revoked_at = $2 \
                 WHERE staff_id = $1 AND revoked_at IS NULL"
            )
            .bind(id)
            .bind(now)
            .execute(c)
            .await?
            .rows_affected());
        }
        tx.commit().await?;
        Ok(StaffChangeOutcome::Changed)
    }

    async fn set_staff_password(
        &self,
        id: i64,
        password_hash: &str,
        one_time_at: Option<i64>,
        keep_session: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.engine.begin("set_staff_password").await?;
        let changed = sql!(&mut tx, |c| sqlx::query(
            "UPDATE staff SET password_hash = $2, one_time_password_at = $3 WHERE id = $1"
        )
        .bind(id)
        .bind(password_hash)
        .bind(one_time_at)
        .execute(c)
        .await?
        .rows_affected());
        if changed == 0 {
            return Ok(false);
        }
        if one_time_at.is_some() {
            super::second_factor::clear_second_factor(&mut tx, id).await?;
        }
        sql!(&mut tx, |c| sqlx::query(
            "UPDATE staff_session SET revoked_at = $2 WHERE staff_id = $1 \
             AND revoked_at IS NULL AND token_hash <> COALESCE(CAST($3 AS TEXT), '')"
        )
        .bind(id)
        .bind(now)
        .bind(keep_session)
        .execute(c)
        .await?
        .rows_affected());
        tx.commit().await?;
        Ok(true)
    }
}
