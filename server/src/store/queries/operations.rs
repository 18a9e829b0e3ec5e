//! The database itself: its description, liveness, schema version and shared secrets.

use async_trait::async_trait;

use crate::store::engine::{Engine, sql};
use crate::store::{Operations, SqlStore, StoreError};

#[async_trait]
impl Operations for SqlStore {
    fn describe(&self) -> String {
        match &self.engine {
            Engine::Sqlite(sqlite) => sqlite.describe(),
            Engine::Postgres(postgres) => postgres.describe(),
        }
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let mut c = self.engine.read("ping").await?;
        sql!(&mut c, |c| sqlx::query("SELECT 1")
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    async fn schema_version(&self) -> Result<i64, StoreError> {
        let mut c = self.engine.read("schema_version").await?;
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations"
        )
        .fetch_one(c)
        .await?))
    }

    async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        let mut c = self.engine.write("shared_secret").await?;
        sql!(&mut c, |c| sqlx::query(
            "INSERT INTO server_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"
        )
        .bind(name)
        .bind(candidate)
        .execute(c)
        .await?
        .rows_affected());
        Ok(sql!(&mut c, |c| sqlx::query_scalar::<_, String>(
            "SELECT value FROM server_secret WHERE name = $1"
        )
        .bind(name)
        .fetch_one(c)
        .await?))
    }
}
