//! What can go wrong in the store: its own failures, which callers turn into 5xx problems (the
//! detail goes to the log, naming the store operation), and the refusals of a booking, a
//! check-in and an attendance, which callers answer with their own problem codes.

use crate::domain::check_in::CheckInRefusal;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or answered with an error.
    #[error("database error in {operation}: {source}")]
    Database {
        /// The store operation, e.g. `change_once`.
        operation: &'static str,
        /// What the driver said.
        #[source]
        source: sqlx::Error,
    },
    /// A migration failed at start.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value that does not parse (a bug or manual tampering).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// No configuration was ever applied (`rega config apply FILE`).
    #[error("no configuration is applied: run `rega config apply FILE` (docs/configuration.md)")]
    NotConfigured,
    /// The system's random source failed.
    #[error("no randomness available")]
    NoRandomness,
    /// A group commit of bookings failed (the database's error is logged once for the batch),
    /// or the writer that runs them has stopped.
    #[error("the bookings' commit failed: {0}")]
    GroupCommit(String),
}

impl StoreError {
    /// A database error in `operation`.
    pub fn database(operation: &'static str, source: sqlx::Error) -> StoreError {
        StoreError::Database { operation, source }
    }

    /// Names the operation of a database error that does not name one yet.
    pub fn during(self, operation: &'static str) -> StoreError {
        match self {
            StoreError::Database {
                operation: "",
                source,
            } => StoreError::Database { operation, source },
            other => other,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    /// A database error whose operation [`StoreError::during`] names (the store's `sql!` does).
    fn from(source: sqlx::Error) -> StoreError {
        StoreError::database("", source)
    }
}

/// Why a booking or reschedule did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// No such slot for that service.
    #[error("no such slot")]
    SlotNotFound,
    /// The slot has no place left.
    #[error("the slot is full")]
    SlotFull,
    /// The citizen already has an active appointment for the service.
    #[error("already booked for this service")]
    AlreadyBooked,
    /// The citizen reached the limit of bookings and reschedules.
    #[error("too many bookings or reschedules")]
    TooManyChanges,
    /// No such appointment of this citizen.
    #[error("no such appointment")]
    NotFound,
    /// The appointment is not in a state that allows the change (not `booked`).
    #[error("the appointment cannot be changed")]
    NotChangeable,
    /// The waitlist offer is no longer held for the citizen (taken, declined or run out).
    #[error("the offer is no longer held")]
    OfferGone,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a check-in did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum CheckInError {
    /// The rules refuse it.
    #[error("check-in refused: {0:?}")]
    Refused(CheckInRefusal),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why attendance could not be recorded. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AttendanceError {
    /// No appointment with this reference at this directorate.
    #[error("no such appointment here")]
    NotFound,
    /// Already attended, no-show or cancelled.
    #[error("the appointment's attendance cannot change")]
    NotChangeable,
    /// A no-show refused for now (`domain::recall`).
    #[error("not yet a no-show: {0:?}")]
    NoShowTooSoon(crate::domain::recall::NoShowRefusal),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
