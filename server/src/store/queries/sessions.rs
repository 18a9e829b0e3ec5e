//! Sessions, one implementation for citizens and staff: each kind in its own table (by
//! `SessionKind`), stored by the hash of its token.

use async_trait::async_trait;

use crate::store::engine::sql;
use crate::store::rows::{self, staff_columns};
use crate::store::{
    SessionKind, SessionOwner, SessionRecord, Sessions, SqlStore, StaffSession, StoreError,
};

#[async_trait]
impl Sessions for SqlStore {
    async fn create_session(
        &self,
        owner: SessionOwner,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let kind = owner.kind();
        // Only citizens' sessions say whether the phone is shared.
        let statement = match owner {
            SessionOwner::Staff(_) => format!(
                "INSERT INTO {table} (token_hash, {column}, created_at, last_seen_at) \
                 VALUES ($1, $2, $3, $3)",
                table = kind.table(),
                column = kind.column()
            ),
            SessionOwner::Citizen(_) | SessionOwner::SharedPhone(_) => format!(
                "INSERT INTO {table} (token_hash, {column}, created_at, last_seen_at, \
                 shared_device) VALUES ($1, $2, $3, $3, {shared})",
                table = kind.table(),
                column = kind.column(),
                shared = if matches!(owner, SessionOwner::SharedPhone(_)) {
                    "TRUE"
                } else {
                    "FALSE"
                }
            ),
        };
        let mut c = self.engine.write("create_session").await?;
        sql!(&mut c, |c| sqlx::query(&statement)
            .bind(token_hash)
            .bind(owner.id())
            .bind(now)
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let mut c = self.engine.read("session").await?;
        Ok(sql!(&mut c, |c| sqlx::query(
            "SELECT citizen_id, created_at, last_seen_at, revoked_at, shared_device FROM session \
             WHERE token_hash = $1"
        )
        .bind(token_hash)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::session)
        .transpose()?))
    }

    async fn staff_session(&self, token_hash: &str) -> Result<Option<StaffSession>, StoreError> {
        let mut c = self.engine.read("staff_session").await?;
        Ok(sql!(&mut c, |c| sqlx::query(concat!(
            "SELECT ",
            staff_columns!(),
            ", z.created_at, z.last_seen_at, z.revoked_at \
             FROM staff_session z JOIN staff s ON s.id = z.staff_id WHERE z.token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(c)
        .await?
        .as_ref()
        .map(rows::staff_session)
        .transpose()?))
    }

    async fn touch_session(
        &self,
        kind: SessionKind,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let set = "last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1";
        self.update_session("touch_session", kind, set, token_hash, now)
            .await
    }

    async fn revoke_session(
        &self,
        kind: SessionKind,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let set = "revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL";
        self.update_session("revoke_session", kind, set, token_hash, now)
            .await
    }
}

impl SqlStore {
    /// `UPDATE <the kind's table> SET <set>` with `$1` now and `$2` the token's hash.
    async fn update_session(
        &self,
        operation: &'static str,
        kind: SessionKind,
        set: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let statement = format!("UPDATE {} SET {set}", kind.table());
        let mut c = self.engine.write(operation).await?;
        sql!(&mut c, |c| sqlx::query(&statement)
            .bind(now)
            .bind(token_hash)
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }
}
