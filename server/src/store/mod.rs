//! Storage: one store, [`SqlStore`], on SQLite (embedded, the default) or PostgreSQL (several
//! instances).
//!
//! - `areas/` — what the store does, one trait per area (the citizens' side, the
//!   directorates'), and [`Store`], all of them;
//! - `records/` — the records it reads and writes, one file per area; `error.rs` — its errors;
//! - `queries/` — the statements, written once for both engines, one file per area;
//! - `rows.rs` — rows into records, written once;
//! - `engine.rs` — the two engines behind one store, and `sql!`, which runs a statement on
//!   whichever is open; `sqlite.rs` and `postgres.rs` — only what each engine does its own way
//!   (SQLite's single writer and group commit; PostgreSQL's row locks and `SKIP LOCKED`).
//!
//! The rules a write must respect are decided in `domain/` from what the SQL counts (the change
//! limit, the check-in decision); the database itself guarantees what no burst may pass (a
//! slot's places, one active appointment per service, a key claimed once).

mod areas;
pub(crate) mod engine;
mod error;
pub mod postgres;
mod queries;
mod records;
mod rows;
pub mod sqlite;

pub use areas::*;
pub use error::{AttendanceError, BookError, CheckInError, StoreError};
pub use records::*;

/// The store, on the engine it was opened with (`sqlite::open`, `postgres::connect`).
pub struct SqlStore {
    engine: engine::Engine,
}

impl SqlStore {
    fn new(engine: engine::Engine) -> SqlStore {
        SqlStore { engine }
    }
}
