//! Events the rate limits count (codes asked for, wrong codes, failed staff sign-ins,
//! check-ins), by key.

use async_trait::async_trait;

use crate::store::engine::{Linked, Lock, sql};
use crate::store::{EventLimit, RateEvents, SqlStore, StoreError};

#[async_trait]
impl RateEvents for SqlStore {
    async fn count_events(&self, key: &str, since: i64) -> Result<u32, StoreError> {
        let mut c = self.engine.read("count_events").await?;
        let count = count_in(&mut c, key, since).await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn latest_event(&self, key: &str, since: i64) -> Result<Option<i64>, StoreError> {
        let mut c = self.engine.read("latest_event").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(at) FROM rate_event WHERE key = $1 AND at > $2"
        )
        .bind(key)
        .bind(since)
        .fetch_one(c)
        .await?))
    }

    async fn take_event(
        &self,
        limits: &[EventLimit<'_>],
        at: i64,
    ) -> Result<Option<usize>, StoreError> {
        let keys: Vec<&str> = limits.iter().map(|l| l.key).collect();
        // SQLite: `BEGIN IMMEDIATE` on the one writer already runs these one at a time.
        let mut tx = self.engine.begin("take_event").await?;
        tx.lock(Lock::RateKeys(&keys)).await?;
        for (index, limit) in limits.iter().enumerate() {
            if count_in(&mut tx, limit.key, limit.since).await? >= i64::from(limit.max) {
                return Ok(Some(index));
            }
        }
        let mut recorded: Vec<&str> = Vec::with_capacity(keys.len());
        for key in keys {
            if recorded.contains(&key) {
                continue;
            }
            sql!(&mut tx, |c| sqlx::query(
                "INSERT INTO rate_event (key, at) VALUES ($1, $2)"
            )
            .bind(key)
            .bind(at)
            .execute(c)
            .await?
            .rows_affected());
            recorded.push(key);
        }
        tx.commit().await?;
        Ok(None)
    }

    async fn give_back_event(&self, key: &str, at: i64) -> Result<(), StoreError> {
        let mut c = self.engine.write("give_back_event").await?;
        sql!(&mut c, |c, d| sqlx::query(&format!(
            "DELETE FROM rate_event WHERE {row} = (SELECT {row} FROM rate_event \
             WHERE key = $1 AND at = $2 LIMIT 1)",
            row = d.row_id
        ))
        .bind(key)
        .bind(at)
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }
}

/// How many events with this key happened after `since`, on the caller's connection.
async fn count_in(link: &mut impl Linked, key: &str, since: i64) -> Result<i64, StoreError> {
    Ok(sql!(link, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM rate_event WHERE key = $1 AND at > $2"
    )
    .bind(key)
    .bind(since)
    .fetch_one(c)
    .await?))
}
