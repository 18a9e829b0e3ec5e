//! Idempotency-Keys, scoped to their owner (a citizen's or a staff account's, each in its own
//! table): one implementation for both owners. The booking transaction claims, answers and
//! audits its key itself (`bookings::change_once_in`, SQLite's group commit) with the helpers here.

use async_trait::async_trait;

use crate::store::engine::{Linked, sql};
use crate::store::rows;
use crate::store::{Idempotency, IdempotencyOwner, IdempotencyState, SqlStore, StoreError};

#[async_trait]
impl Idempotency for SqlStore {
    async fn idempotency_seen(
        &self,
        owner: IdempotencyOwner,
        key: &str,
        request_hash: &str,
    ) -> Result<Option<IdempotencyState>, StoreError> {
        let mut c = self.engine.read("idempotency_seen").await?;
        read_key(&mut c, owner, key, request_hash).await
    }

    async fn idempotency_expire(&self, before: i64) -> Result<u64, StoreError> {
        let mut forgotten = 0;
        let mut c = self.engine.write("idempotency_expire").await?;
        for owner in [IdempotencyOwner::Citizen(0), IdempotencyOwner::Staff(0)] {
            let statement = format!("DELETE FROM {} WHERE created_at < $1", owner.table());
            forgotten += sql!(&mut c, |c| sqlx::query(&statement)
                .bind(before)
                .execute(c)
                .await?
                .rows_affected());
        }
        Ok(forgotten)
    }
}

/// Claims an Idempotency-Key for a request on the caller's connection or transaction: true if
/// it was new.
pub(crate) async fn claim_key(
    link: &mut impl Linked,
    owner: IdempotencyOwner,
    key: &str,
    request_hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let statement = format!(
        "INSERT INTO {table} ({column}, key, request_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT ({column}, key) DO NOTHING",
        table = owner.table(),
        column = owner.column()
    );
    let claimed = sql!(link, |c| sqlx::query(&statement)
        .bind(owner.id())
        .bind(key)
        .bind(request_hash)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected());
    Ok(claimed == 1)
}

/// What a key has seen, read on the caller's connection: `None` if it is not stored.
pub(crate) async fn read_key(
    link: &mut impl Linked,
    owner: IdempotencyOwner,
    key: &str,
    request_hash: &str,
) -> Result<Option<IdempotencyState>, StoreError> {
    let statement = format!(
        "SELECT request_hash, status, response_body FROM {table} WHERE {column} = $1 AND key = $2",
        table = owner.table(),
        column = owner.column()
    );
    Ok(sql!(link, |c| sqlx::query(&statement)
        .bind(owner.id())
        .bind(key)
        .fetch_optional(c)
        .await?
        .map(|row| rows::key_state(&row, request_hash))
        .transpose()?))
}

/// Stores the answer of a request whose key was claimed.
pub(crate) async fn finish_key(
    link: &mut impl Linked,
    owner: IdempotencyOwner,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), StoreError> {
    let statement = format!(
        "UPDATE {table} SET status = $1, response_body = $2 WHERE {column} = $3 AND key = $4",
        table = owner.table(),
        column = owner.column()
    );
    sql!(link, |c| sqlx::query(&statement)
        .bind(i64::from(status))
        .bind(body)
        .bind(owner.id())
        .bind(key)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}
