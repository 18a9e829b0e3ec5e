//! Storage: one trait, with SQLite (embedded default) and PostgreSQL (many instances) behind it.

pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;

/// Errors of the storage layer. Callers turn them into 5xx problems; the detail goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed at start.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// Everything the server keeps. Both implementations pass one conformance suite
/// (`server/tests/api/store.rs`).
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A short description for the log: which database, never a password.
    fn describe(&self) -> String;

    /// Proves the database answers a query; `/readyz` uses it.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The newest migration applied, to show that start-up migrated the schema.
    async fn schema_version(&self) -> Result<i64, StoreError>;
}
