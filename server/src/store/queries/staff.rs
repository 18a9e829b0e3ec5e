//! Staff accounts, each bound to one directorate.

use async_trait::async_trait;

use crate::store::engine::sql;
use crate::store::rows::{self, staff_columns};
use crate::store::{SqlStore, StaffAccounts, StaffRecord, StaffRole, StoreError};

#[async_trait]
impl StaffAccounts for SqlStore {
    async fn create_staff(
        &self,
        username: &str,
        password_hash: &str,
        role: StaffRole,
        directorate_id: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let mut c = self.engine.write("create_staff").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "INSERT INTO staff (username, password_hash, role, directorate_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id"
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.code())
        .bind(directorate_id)
        .bind(now)
        .fetch_one(c)
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
}
