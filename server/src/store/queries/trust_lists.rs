//! The published trust lists: the newest wins, and an older one is never published over it.

use async_trait::async_trait;

use crate::store::engine::sql;
use crate::store::{SqlStore, StoreError, TrustLists};

#[async_trait]
impl TrustLists for SqlStore {
    async fn publish_trust_list(
        &self,
        signed_at: i64,
        expires_at: i64,
        jws: &str,
        at: i64,
        by: &str,
    ) -> Result<bool, StoreError> {
        let mut c = self.engine.write("publish_trust_list").await?;
        // One statement; two lists published at once are both kept, and the newer is served.
        let inserted = sql!(&mut c, |c| sqlx::query(
            "INSERT INTO trust_list (signed_at, expires_at, jws, published_at, published_by) \
             SELECT $1, $2, $3, $4, $5 \
             WHERE NOT EXISTS (SELECT 1 FROM trust_list WHERE signed_at >= $1) \
             ON CONFLICT (signed_at) DO NOTHING"
        )
        .bind(signed_at)
        .bind(expires_at)
        .bind(jws)
        .bind(at)
        .bind(by)
        .execute(c)
        .await?
        .rows_affected());
        Ok(inserted == 1)
    }

    async fn trust_list(&self) -> Result<Option<String>, StoreError> {
        let mut c = self.engine.read("trust_list").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, String>(
            "SELECT jws FROM trust_list ORDER BY signed_at DESC LIMIT 1"
        )
        .fetch_optional(c)
        .await?))
    }
}
