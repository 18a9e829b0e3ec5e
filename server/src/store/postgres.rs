//! The PostgreSQL store, for several stateless server instances sharing one database.

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::{Store, StoreError};

/// The PostgreSQL store.
pub struct PgStore {
    pool: PgPool,
    target: String,
}

impl PgStore {
    /// Connects and migrates. Several instances may start at once: sqlx takes an advisory lock
    /// around migrations.
    pub async fn connect(url: &str) -> anyhow::Result<PgStore> {
        let options: PgConnectOptions = url
            .parse()
            .context("DATABASE_URL is not a valid postgres:// URL")?;
        let target = format!(
            "postgres://{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        );
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .with_context(|| format!("cannot connect to PostgreSQL at {target}; is it running, and are the user and password right?"))?;
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .with_context(|| format!("cannot migrate the PostgreSQL database at {target}"))?;
        Ok(PgStore { pool, target })
    }
}

#[async_trait]
impl Store for PgStore {
    fn describe(&self) -> String {
        self.target.clone()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn schema_version(&self) -> Result<i64, StoreError> {
        let version: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
                .fetch_one(&self.pool)
                .await?;
        Ok(version)
    }
}
