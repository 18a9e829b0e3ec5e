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

    async fn announce_change(&self, payload: &str) -> Result<bool, StoreError> {
        match &self.engine {
            Engine::Sqlite(_) => Ok(false),
            Engine::Postgres(postgres) => {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANGES_CHANNEL)
                    .bind(payload)
                    .execute(&postgres.pool)
                    .await
                    .map_err(StoreError::from)?;
                Ok(true)
            }
        }
    }

    async fn relay_changes(
        &self,
        deliver: Box<dyn Fn(Option<String>) + Send + Sync>,
    ) -> Result<bool, StoreError> {
        let Engine::Postgres(postgres) = &self.engine else {
            return Ok(false);
        };
        let pool = postgres.pool.clone();
        let mut listener = listen(&pool).await.map_err(StoreError::from)?;
        tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => deliver(Some(notification.payload().to_owned())),
                    // The connection was lost (`Ok(None)`) or broke: listen again on a new one,
                    // then tell every listener that something may have changed meanwhile.
                    Ok(None) | Err(_) => {
                        tracing::warn!("the change relay lost its connection; listening again");
                        listener = loop {
                            match listen(&pool).await {
                                Ok(listener) => break listener,
                                Err(error) => {
                                    tracing::warn!(%error, "the change relay cannot listen yet");
                                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                                }
                            }
                        };
                        deliver(None);
                    }
                }
            }
        });
        Ok(true)
    }
}

/// The PostgreSQL channel of [`crate::changes`].
const CHANGES_CHANNEL: &str = "rega_changes";

/// A connection of its own that listens on [`CHANGES_CHANNEL`].
async fn listen(pool: &sqlx::PgPool) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    Ok(listener)
}
