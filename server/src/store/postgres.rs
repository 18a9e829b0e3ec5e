//! The PostgreSQL engine, for several stateless server instances sharing one database. What it
//! does its own way: row locks taken before a transaction decides ([`lock`], in one order:
//! citizen, slots by id, directorate, appointment), and `SKIP LOCKED`, so that instances
//! claiming messages or calling tickets at the same moment each take other rows.

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use super::SqlStore;
use super::engine::{Dialect, Engine, Lock};

/// The statements PostgreSQL writes its own way.
pub(crate) const DIALECT: Dialect = Dialect {
    insert_audit: "INSERT INTO audit_log (at_utc, actor, action, object, result, seq, hash) \
                   VALUES (to_timestamp($1), $2, $3, $4, $5, $6, $7)",
    audit_records: "SELECT CAST(EXTRACT(EPOCH FROM at_utc) AS BIGINT) AS at, actor, action, object, \
                    result FROM audit_log ORDER BY id DESC LIMIT $1",
    audit_chain: "SELECT seq, hash, CAST(EXTRACT(EPOCH FROM at_utc) AS BIGINT) AS at, actor, action, object, \
                  result FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    audit_at_unix: "CAST(EXTRACT(EPOCH FROM a.at_utc) AS BIGINT)",
    audit_unix_at: "to_timestamp($)",
    insert_licence: "INSERT INTO licence (citizen_id, document_number, expiry_date, suspended, \
                     suspension_reason, elements) VALUES ($1, $2, $3, $4, $5, CAST($6 AS JSONB))",
    row_id: "ctid",
    for_update: " FOR UPDATE",
    rows_per_statement: 1000,
    json_cast: "::jsonb",
    skip_locked_ticket: " FOR UPDATE OF t SKIP LOCKED",
    skip_locked_entry: " FOR UPDATE OF w SKIP LOCKED",
};

/// The PostgreSQL engine's pool.
pub(crate) struct PgEngine {
    pub(crate) pool: PgPool,
    target: String,
}

/// Connects and migrates. Several instances may start at once: sqlx takes an advisory lock
/// around migrations.
pub async fn connect(url: &str) -> anyhow::Result<SqlStore> {
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
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .with_context(|| {
            format!("cannot connect to PostgreSQL at {target}; is it running, and are the user and password right?")
        })?;
    sqlx::migrate!("migrations/postgres")
        .run(&pool)
        .await
        .with_context(|| format!("cannot migrate the PostgreSQL database at {target}"))?;
    Ok(SqlStore::new(Engine::Postgres(PgEngine { pool, target })))
}

/// Locks rows for the rest of the transaction.
pub(crate) async fn lock(
    tx: &mut Transaction<'static, Postgres>,
    lock: Lock<'_>,
) -> Result<(), sqlx::Error> {
    let query = match lock {
        Lock::Citizen(id) => {
            sqlx::query("SELECT id FROM citizen WHERE id = $1 FOR UPDATE").bind(id)
        }
        Lock::Slots(ids) => {
            sqlx::query("SELECT id FROM slot WHERE id = ANY($1) ORDER BY id FOR UPDATE").bind(ids)
        }
        Lock::Period {
            directorate_id,
            from,
            to,
        } => sqlx::query(
            "SELECT id FROM slot WHERE directorate_id = $1 AND starts_at >= $2 AND starts_at < $3 \
             ORDER BY id FOR UPDATE",
        )
        .bind(directorate_id)
        .bind(from)
        .bind(to),
        Lock::Directorate(id) => {
            sqlx::query("SELECT id FROM directorate WHERE id = $1 FOR UPDATE").bind(id)
        }
        Lock::RateKeys(keys) => {
            let mut keys = keys.to_vec();
            keys.sort_unstable();
            keys.dedup();
            sqlx::query(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) \
                 FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n",
            )
            .bind(keys)
        }
        Lock::Appointment(reference) => {
            sqlx::query("SELECT id FROM appointment WHERE reference = $1 FOR UPDATE")
                .bind(reference)
        }
    };
    query.fetch_all(&mut **tx).await?;
    Ok(())
}

impl PgEngine {
    /// Which server and database, for the log (never the password).
    pub(crate) fn describe(&self) -> String {
        self.target.clone()
    }
}
