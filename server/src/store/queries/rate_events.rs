//! Events the rate limits count (codes asked for, wrong codes, failed staff sign-ins,
//! check-ins), by key.

use async_trait::async_trait;

use crate::store::engine::sql;
use crate::store::{RateEvents, SqlStore, StoreError};

#[async_trait]
impl RateEvents for SqlStore {
    async fn count_events(&self, key: &str, since: i64) -> Result<u32, StoreError> {
        let mut c = self.engine.read("count_events").await?;
        let count = sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM rate_event WHERE key = $1 AND at > $2"
        )
        .bind(key)
        .bind(since)
        .fetch_one(c)
        .await?);
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn record_event(&self, key: &str, at: i64) -> Result<(), StoreError> {
        let mut c = self.engine.write("record_event").await?;
        sql!(&mut c, |c| sqlx::query(
            "INSERT INTO rate_event (key, at) VALUES ($1, $2)"
        )
        .bind(key)
        .bind(at)
        .execute(c)
        .await?
        .rows_affected());
        Ok(())
    }
}
