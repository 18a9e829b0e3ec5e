//! Storage: one trait, with SQLite (embedded default) and PostgreSQL (many instances) behind it.

pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;
use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;

/// Errors of the storage layer. Callers turn them into 5xx problems; the detail goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed at start.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value that does not parse (a bug or manual tampering).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// The system's random source failed.
    #[error("no randomness available")]
    NoRandomness,
    /// A group commit of bookings failed (the database's error is logged once for the batch),
    /// or the writer that runs them has stopped.
    #[error("the bookings' commit failed: {0}")]
    GroupCommit(String),
}

/// Text in the three interface languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    /// English.
    pub en: String,
    /// Sorani.
    pub ckb: String,
    /// Arabic.
    pub ar: String,
}

/// A traffic directorate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directorate {
    /// Stable identifier, e.g. `erbil`.
    pub id: String,
    /// Its name.
    pub name: Localized,
    /// Its street address.
    pub address: Localized,
    /// Its public phone number (E.164).
    pub phone: String,
}

/// A citizen as the registry knows them.
#[derive(Debug, Clone)]
pub struct NewCitizen {
    /// National card number.
    pub national_id: NationalId,
    /// The phone registered for sign-in codes (E.164).
    pub phone: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// Whether a theory test was passed.
    pub theory_test_passed: bool,
    /// The driving licence, if any.
    pub licence: Option<NewLicence>,
}

/// A licence in the registry.
#[derive(Debug, Clone)]
pub struct NewLicence {
    /// The licence number.
    pub document_number: String,
    /// Expiry date, `YYYY-MM-DD`.
    pub expiry_date: String,
    /// Suspended, and why (shown to the citizen).
    pub suspension: Option<String>,
    /// The ISO 18013-5 elements (the DL1 licence JSON).
    pub elements: serde_json::Value,
}

/// A bookable slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Row id.
    pub id: i64,
    /// Directorate.
    pub directorate_id: String,
    /// Service.
    pub service: ServiceKind,
    /// Start, Unix seconds.
    pub starts_at: i64,
    /// Places in total.
    pub capacity: i64,
    /// Places taken.
    pub booked: i64,
}

/// The status of an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentStatus {
    /// Booked, not yet at the directorate.
    Booked,
    /// Checked in at the kiosk.
    CheckedIn,
    /// Served at the counter.
    Attended,
    /// Did not come.
    NoShow,
    /// Cancelled by the citizen or the directorate.
    Cancelled,
}

impl AppointmentStatus {
    /// Whether the appointment still holds its place: booked or checked in (the statuses the
    /// one-active-appointment-per-service index covers).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Booked | AppointmentStatus::CheckedIn
        )
    }

    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::Attended => "attended",
            AppointmentStatus::NoShow => "no_show",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }

    /// Reads the stored form.
    pub fn from_code(code: &str) -> Option<AppointmentStatus> {
        [
            Self::Booked,
            Self::CheckedIn,
            Self::Attended,
            Self::NoShow,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// An appointment with its slot's time and place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// Its reference.
    pub reference: Reference,
    /// Whose it is.
    pub citizen_id: i64,
    /// Its slot.
    pub slot_id: i64,
    /// The service.
    pub service: ServiceKind,
    /// The directorate.
    pub directorate_id: String,
    /// Start, Unix seconds.
    pub starts_at: i64,
    /// Status.
    pub status: AppointmentStatus,
    /// Booked at, Unix seconds.
    pub created_at: i64,
    /// When the directorate closed at its time and so cancelled it, if it did.
    pub closed_at: Option<i64>,
}

/// A queue ticket, as the kiosk shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// The counter area's letter (`ServiceKind::area`).
    pub area: String,
    /// Its number within the area and day.
    pub number: i64,
    /// The appointment's service.
    pub service: ServiceKind,
    /// The appointment's start, Unix seconds.
    pub starts_at: i64,
    /// Tickets of the same area still waiting before it.
    pub ahead: i64,
    /// The appointment had been checked in before: the same ticket again.
    pub again: bool,
}

/// Why a check-in did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum CheckInError {
    /// The rules refuse it.
    #[error("check-in refused: {0:?}")]
    Refused(crate::domain::check_in::CheckInRefusal),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CheckInError {
    fn from(error: sqlx::Error) -> CheckInError {
        CheckInError::Store(error.into())
    }
}

/// Whose Idempotency-Keys these are: keys are scoped to a citizen, or to a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdempotencyOwner {
    /// A citizen's booking writes.
    Citizen(i64),
    /// A staff member's desk actions.
    Staff(i64),
}

impl IdempotencyOwner {
    /// The table that keeps this owner's keys.
    pub fn table(self) -> &'static str {
        match self {
            IdempotencyOwner::Citizen(_) => "idempotency_key",
            IdempotencyOwner::Staff(_) => "staff_idempotency_key",
        }
    }

    /// Its owner column.
    pub fn column(self) -> &'static str {
        match self {
            IdempotencyOwner::Citizen(_) => "citizen_id",
            IdempotencyOwner::Staff(_) => "staff_id",
        }
    }

    /// The owner's id.
    pub fn id(self) -> i64 {
        match self {
            IdempotencyOwner::Citizen(id) | IdempotencyOwner::Staff(id) => id,
        }
    }
}

/// What a staff member may do (SPEC §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    /// Works a counter: the day's list, call next, attendance.
    Desk,
    /// Also changes capacity and closures, and enrols kiosks.
    Supervisor,
}

impl StaffRole {
    /// The stored and wire form.
    pub fn code(self) -> &'static str {
        match self {
            StaffRole::Desk => "desk",
            StaffRole::Supervisor => "supervisor",
        }
    }

    /// From the stored form.
    pub fn from_code(code: &str) -> Option<StaffRole> {
        match code {
            "desk" => Some(StaffRole::Desk),
            "supervisor" => Some(StaffRole::Supervisor),
            _ => None,
        }
    }
}

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    /// Row id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Desk or supervisor.
    pub role: StaffRole,
    /// The one directorate this account works for.
    pub directorate_id: String,
    /// Whether the account was disabled.
    pub disabled: bool,
}

/// A staff session with its account.
#[derive(Debug, Clone)]
pub struct StaffSession {
    /// The account.
    pub staff: StaffRecord,
    /// When it began.
    pub created_at: i64,
    /// The last request.
    pub last_seen_at: i64,
    /// When it was ended, if it was.
    pub revoked_at: Option<i64>,
}

/// A ticket as the desk sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketState {
    /// Counter area letter.
    pub area: String,
    /// Number in the area and day.
    pub number: i64,
    /// `waiting`, `called` or `done`.
    pub status: String,
    /// The counter that called it.
    pub counter: Option<String>,
}

/// One appointment of a directorate's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayEntry {
    /// Its reference.
    pub reference: Reference,
    /// The service.
    pub service: ServiceKind,
    /// Start, Unix seconds.
    pub starts_at: i64,
    /// Status.
    pub status: AppointmentStatus,
    /// Its ticket, once checked in.
    pub ticket: Option<TicketState>,
}

/// A ticket that a counter called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalledTicket {
    /// Counter area letter.
    pub area: String,
    /// Number in the area and day.
    pub number: i64,
    /// The appointment's reference (for the desk; the board does not show it).
    pub reference: Reference,
    /// The appointment's service.
    pub service: ServiceKind,
    /// The counter that called it.
    pub counter: String,
    /// When, Unix seconds.
    pub called_at: i64,
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
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AttendanceError {
    fn from(error: sqlx::Error) -> AttendanceError {
        AttendanceError::Store(error.into())
    }
}

/// An enrolled kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskDevice {
    /// Row id.
    pub id: i64,
    /// The directorate it serves.
    pub directorate_id: String,
    /// Its label, e.g. `Erbil hall 1`.
    pub label: String,
}

/// A booking request that the rules have already allowed.
#[derive(Debug, Clone)]
pub struct BookRequest {
    /// The citizen.
    pub citizen_id: i64,
    /// The chosen slot.
    pub slot_id: i64,
    /// The service (must be the slot's).
    pub service: ServiceKind,
    /// Now, Unix seconds.
    pub now: i64,
    /// At most this many bookings and reschedules …
    pub max_changes: u32,
    /// … since this Unix time (checked inside the transaction, so concurrent requests of one
    /// citizen cannot both slip under the limit).
    pub changes_since: i64,
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
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BookError {
    fn from(error: sqlx::Error) -> BookError {
        BookError::Store(StoreError::Database(error))
    }
}

/// A fresh random reference.
pub fn new_reference() -> Result<Reference, StoreError> {
    let mut bytes = [0u8; 7];
    getrandom::fill(&mut bytes).map_err(|_| StoreError::NoRandomness)?;
    // 256 is not a multiple of 30: reject the top values so every symbol is equally likely.
    let mut indices = [0u8; 7];
    for (index, byte) in indices.iter_mut().zip(bytes) {
        let mut b = byte;
        while b >= 240 {
            let mut one = [0u8; 1];
            getrandom::fill(&mut one).map_err(|_| StoreError::NoRandomness)?;
            b = one[0];
        }
        *index = b % 30;
    }
    Ok(Reference::from_random(indices))
}

/// A citizen's registry record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenRecord {
    /// Row id.
    pub id: i64,
    /// National card number.
    pub national_id: NationalId,
    /// The phone for sign-in codes.
    pub phone: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// Whether a theory test was passed.
    pub theory_test_passed: bool,
}

/// A one-time code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpRecord {
    /// Row id.
    pub id: i64,
    /// HMAC of the code.
    pub code_hmac: String,
    /// When it stops being valid.
    pub expires_at: i64,
    /// Wrong tries so far.
    pub failed_attempts: u32,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Whose session.
    pub citizen_id: i64,
    /// Signed in at.
    pub created_at: i64,
    /// Last request at.
    pub last_seen_at: i64,
    /// Signed out at, if so.
    pub revoked_at: Option<i64>,
}

/// An SMS in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRecord {
    /// To.
    pub phone: String,
    /// Text.
    pub body: String,
    /// Stored at.
    pub created_at: i64,
}

/// One audit record (SPEC §6): never a code, a token or a cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When, Unix seconds (stored as UTC).
    pub at: i64,
    /// Who: `citizen:<id>`, `anonymous`, `system`, `staff:<name>`.
    pub actor: String,
    /// What: `auth.code_sent`, `booking.created`, …
    pub action: String,
    /// On what: an appointment reference, a masked ID, …
    pub object: String,
    /// How it ended: `ok` or a problem code.
    pub result: String,
}

/// A licence in the registry, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenceRecord {
    /// The licence number.
    pub document_number: String,
    /// Expiry date, `YYYY-MM-DD`.
    pub expiry_date: String,
    /// Why it is suspended, when it is.
    pub suspension: Option<String>,
    /// The ISO 18013-5 elements.
    pub elements: serde_json::Value,
}

/// What an Idempotency-Key has seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyState {
    /// The key is new: this request runs.
    Started,
    /// The same key came with another request.
    Mismatch,
    /// The first request with this key is still running.
    InProgress,
    /// The first request finished: replay its response.
    Done {
        /// Its status.
        status: u16,
        /// Its body.
        body: String,
    },
}

/// An SMS about one appointment that an instance has claimed and must send: the day-before
/// reminder, or the notice that the directorate closed at its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The appointment.
    pub reference: Reference,
    /// The citizen's phone.
    pub phone: String,
    /// Start, Unix seconds.
    pub starts_at: i64,
    /// The directorate.
    pub directorate_id: String,
}

/// A supervisor's closure of a day or part of one, to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClosure<'a> {
    /// The directorate.
    pub directorate_id: &'a str,
    /// The day, `YYYY-MM-DD` (Baghdad).
    pub day: &'a str,
    /// The period closed, Unix seconds: `[starts_at, ends_at)`.
    pub starts_at: i64,
    /// End of the period.
    pub ends_at: i64,
    /// The supervisor's note for the desk (never sent to citizens).
    pub note: &'a str,
    /// Who closed it.
    pub staff_id: i64,
    /// Now.
    pub now: i64,
}

/// A stored closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureRecord {
    /// Its number.
    pub id: i64,
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// Start of the period, Unix seconds.
    pub starts_at: i64,
    /// End of the period (exclusive).
    pub ends_at: i64,
    /// The supervisor's note.
    pub note: String,
    /// The supervisor's sign-in name.
    pub staff: String,
    /// Appointments it cancelled.
    pub cancelled: i64,
}

/// An idempotent write's key and audit record, stored in the write's own transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnceWrite<'a> {
    /// Whose key.
    pub owner: IdempotencyOwner,
    /// The Idempotency-Key.
    pub key: &'a str,
    /// The request's hash (method, path, body).
    pub request_hash: &'a str,
    /// The audit record; its result is set from the answer (`ok`, or the status code).
    pub audit: AuditRecord,
}

/// What [`Store::book_once`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnceOutcome {
    /// The request ran: this answer was stored with the key (a booking, or its refusal).
    Answered {
        /// Its status.
        status: u16,
        /// Its JSON body.
        body: String,
    },
    /// The key was seen before (`Mismatch`, `InProgress` or `Done`): nothing ran.
    Seen(IdempotencyState),
}

/// Turns a booking's outcome into the answer to store and send: (status, JSON body). Owned, so
/// that a writer batching several bookings into one commit can run it.
pub type Respond =
    Box<dyn FnOnce(Result<&Appointment, &BookError>) -> (u16, String) + Send + 'static>;

/// The audit result of an answer: `ok` for success, else its status code.
pub fn audit_result(status: u16) -> String {
    if (200..300).contains(&status) {
        "ok".to_owned()
    } else {
        status.to_string()
    }
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

    /// Creates or updates a directorate and its counters per service.
    async fn upsert_directorate(
        &self,
        directorate: &Directorate,
        counters: &[(ServiceKind, u32)],
    ) -> Result<(), StoreError>;

    /// Every directorate with its counters per service, by id.
    async fn directorates(&self)
    -> Result<Vec<(Directorate, Vec<(ServiceKind, u32)>)>, StoreError>;

    /// Adds a citizen (and licence); returns the citizen's id.
    async fn insert_citizen(&self, citizen: &NewCitizen) -> Result<i64, StoreError>;

    /// Creates the slots that do not exist yet (capacity = the directorate's counters for the
    /// service, or 0 inside a closure); existing slots are left as they are. Returns how many
    /// were created.
    async fn ensure_slots(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        starts: &[i64],
    ) -> Result<u64, StoreError>;

    /// The slots of a directorate and service starting in `[from, to)`, in time order.
    async fn slots_between(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        from: i64,
        to: i64,
    ) -> Result<Vec<Slot>, StoreError>;

    /// Books a place in a slot, atomically: the place is taken only if one is free, and the
    /// appointment exists only if the place was taken.
    async fn book(&self, request: &BookRequest) -> Result<Appointment, BookError>;

    /// Books as [`Store::book`] does under an Idempotency-Key, in one transaction: claims the
    /// key, books (a refusal undoes only the booking), stores the answer `respond` makes of the
    /// outcome with the key, and writes the audit record; it answers once that is committed. A
    /// key seen before books nothing and says what it has seen. A database failure rolls all of
    /// it back. (SQLite commits the bookings waiting at the same moment together: one fsync.)
    async fn book_once(
        &self,
        request: &BookRequest,
        write: &OnceWrite<'_>,
        respond: Respond,
    ) -> Result<OnceOutcome, StoreError>;

    /// What an Idempotency-Key has seen, without claiming it: `None` for a new key.
    async fn idempotency_seen(
        &self,
        owner: IdempotencyOwner,
        key: &str,
        request_hash: &str,
    ) -> Result<Option<IdempotencyState>, StoreError>;

    /// Moves a booked appointment to another slot of the same service, atomically: the old
    /// place is released only if the new one was taken.
    async fn reschedule(
        &self,
        citizen_id: i64,
        reference: &Reference,
        new_slot_id: i64,
        request: &BookRequest,
    ) -> Result<Appointment, BookError>;

    /// Cancels a booked appointment and releases its place.
    async fn cancel(
        &self,
        citizen_id: i64,
        reference: &Reference,
        now: i64,
    ) -> Result<Appointment, BookError>;

    /// A citizen's appointments, newest slot first.
    async fn appointments_of(&self, citizen_id: i64) -> Result<Vec<Appointment>, StoreError>;
    /// A citizen by national card number.
    async fn citizen_by_national_id(
        &self,
        national_id: &NationalId,
    ) -> Result<Option<CitizenRecord>, StoreError>;

    /// A citizen by id.
    async fn citizen(&self, citizen_id: i64) -> Result<Option<CitizenRecord>, StoreError>;

    /// How many events with this key happened after `since`.
    async fn count_events(&self, key: &str, since: i64) -> Result<u32, StoreError>;

    /// Records an event for rate limiting.
    async fn record_event(&self, key: &str, at: i64) -> Result<(), StoreError>;

    /// Issues a new one-time code for a citizen, revoking any earlier unused one.
    async fn replace_otp(
        &self,
        citizen_id: i64,
        code_hmac: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;

    /// The citizen's newest code that is neither used nor revoked (possibly expired).
    async fn current_otp(&self, citizen_id: i64) -> Result<Option<OtpRecord>, StoreError>;

    /// Counts a wrong try on a code, revoking it at `max_failures`; returns the tries so far.
    async fn otp_failed(&self, otp_id: i64, max_failures: u32) -> Result<u32, StoreError>;

    /// Uses a code once: true only for the one request that consumed it.
    async fn otp_consume(&self, otp_id: i64, now: i64) -> Result<bool, StoreError>;

    /// Stores a new session by the hash of its token.
    async fn create_session(
        &self,
        token_hash: &str,
        citizen_id: i64,
        now: i64,
    ) -> Result<(), StoreError>;

    /// A session by the hash of its token.
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// Marks a session as used now (for the idle timeout).
    async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError>;

    /// Ends a session.
    async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError>;

    /// Stores an SMS in the outbox.
    async fn push_sms(&self, phone: &str, body: &str, now: i64) -> Result<(), StoreError>;

    /// The newest SMS to a phone, newest first.
    async fn sms_to(&self, phone: &str, limit: u32) -> Result<Vec<SmsRecord>, StoreError>;

    /// Writes one audit record.
    async fn audit(&self, record: &AuditRecord) -> Result<(), StoreError>;

    /// The newest audit records, newest first.
    async fn audit_records(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError>;

    /// The shared secret with this name: `candidate` is stored if there is none yet, and the
    /// stored value is returned, so every instance ends up with the same one.
    async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
    /// The citizen's licence, if any.
    async fn licence_of(&self, citizen_id: i64) -> Result<Option<LicenceRecord>, StoreError>;

    /// Start times of the citizen's missed appointments.
    async fn no_shows_of(&self, citizen_id: i64) -> Result<Vec<i64>, StoreError>;

    /// Claims an Idempotency-Key for a request, or reports what the key has seen.
    async fn idempotency_begin(
        &self,
        owner: IdempotencyOwner,
        key: &str,
        request_hash: &str,
        now: i64,
    ) -> Result<IdempotencyState, StoreError>;

    /// Stores the response of a request whose key was claimed.
    async fn idempotency_finish(
        &self,
        owner: IdempotencyOwner,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError>;

    /// Releases a claimed key (the request failed on the server: a retry may run again).
    async fn idempotency_abort(&self, owner: IdempotencyOwner, key: &str)
    -> Result<(), StoreError>;

    /// Forgets keys older than `before`.
    async fn idempotency_expire(&self, before: i64) -> Result<u64, StoreError>;

    /// A slot by id.
    async fn slot(&self, slot_id: i64) -> Result<Option<Slot>, StoreError>;

    /// Sets the capacity of a directorate's slots of a service starting in `[from, to)`, except
    /// where more places are already booked than the new capacity (those keep theirs, so no
    /// booking is lost) and where the directorate is closed (those stay closed): (slots
    /// changed, slots kept).
    async fn set_capacity(
        &self,
        directorate_id: &str,
        service: ServiceKind,
        from: i64,
        to: i64,
        capacity: i64,
    ) -> Result<(u64, u64), StoreError>;

    /// Creates a staff account; its id.
    async fn create_staff(
        &self,
        username: &str,
        password_hash: &str,
        role: StaffRole,
        directorate_id: &str,
        now: i64,
    ) -> Result<i64, StoreError>;

    /// A staff account by its sign-in name.
    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError>;

    /// Starts a staff session (the token stored as its hash).
    async fn create_staff_session(
        &self,
        token_hash: &str,
        staff_id: i64,
        now: i64,
    ) -> Result<(), StoreError>;

    /// A staff session by its token hash, with its account.
    async fn staff_session(&self, token_hash: &str) -> Result<Option<StaffSession>, StoreError>;

    /// Records activity on a staff session.
    async fn touch_staff_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError>;

    /// Ends a staff session.
    async fn revoke_staff_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError>;

    /// A directorate's appointments starting in `[from, to)`, in time order, with their tickets.
    async fn day_list(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<DayEntry>, StoreError>;

    /// Calls the waiting ticket with the lowest number of an area on a day to `counter`; each
    /// ticket is called once, also when counters (or instances) call at the same moment.
    async fn call_next(
        &self,
        directorate_id: &str,
        day: &str,
        area: &str,
        counter: &str,
        now: i64,
    ) -> Result<Option<CalledTicket>, StoreError>;

    /// The tickets called on a day, the latest first.
    async fn called_tickets(
        &self,
        directorate_id: &str,
        day: &str,
        limit: u32,
    ) -> Result<Vec<CalledTicket>, StoreError>;

    /// Records that the citizen came (`attended`) or did not (`no_show`), for an appointment of
    /// this directorate that is booked or checked in; its ticket, if any, is done.
    async fn record_attendance(
        &self,
        directorate_id: &str,
        reference: &Reference,
        attended: bool,
        now: i64,
    ) -> Result<(), AttendanceError>;

    /// Enrols a kiosk for a directorate with a credential (stored as its hash); its id.
    async fn enrol_kiosk(
        &self,
        directorate_id: &str,
        label: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<i64, StoreError>;

    /// The kiosk holding this credential, unless it was revoked.
    async fn kiosk(&self, token_hash: &str) -> Result<Option<KioskDevice>, StoreError>;

    /// The kiosks of a directorate with when they were enrolled and revoked, newest first.
    async fn kiosks_of(
        &self,
        directorate_id: &str,
    ) -> Result<Vec<(KioskDevice, i64, Option<i64>)>, StoreError>;

    /// Revokes a kiosk's credential — only a kiosk of `directorate_id` when one is given (a
    /// supervisor's); false if there is no such kiosk still in use.
    async fn revoke_kiosk(
        &self,
        kiosk_id: i64,
        directorate_id: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError>;

    /// Checks in the appointment with this reference at a kiosk of `directorate_id`: within the
    /// rules' window, marks it checked in and issues the next ticket of its area for the day, in
    /// one transaction. An appointment checked in before gets its ticket again.
    async fn check_in(
        &self,
        directorate_id: &str,
        reference: &Reference,
        now: i64,
        rules: &crate::domain::rules::BookingRules,
    ) -> Result<Ticket, CheckInError>;

    /// Closes a directorate's period, in one transaction: the closure is stored, every slot
    /// starting in it takes no more bookings, every booked or checked-in appointment in it is
    /// cancelled with the closure's id on it (a waiting ticket is done), and each citizen gets
    /// back the booking it cost (the 30-day limit). Returns the closure's id and how many
    /// appointments were cancelled.
    async fn close(&self, closure: &NewClosure<'_>) -> Result<(i64, u64), StoreError>;

    /// Lifts a closure of the directorate: its slots take bookings again, with the places of the
    /// directorate's counters (unless another closure still covers them); the appointments it
    /// cancelled stay cancelled. False if there is no such closure in force.
    async fn lift_closure(
        &self,
        directorate_id: &str,
        closure_id: i64,
        staff_id: i64,
        now: i64,
    ) -> Result<bool, StoreError>;

    /// The closures in force of a directorate overlapping `[from, to)`, in time order.
    async fn closures_of(
        &self,
        directorate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<ClosureRecord>, StoreError>;

    /// Claims up to `limit` appointments cancelled by a closure whose citizen has not been told,
    /// marking them; each is claimed by exactly one caller, also across instances.
    async fn claim_closure_notices(
        &self,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError>;

    /// Claims up to `limit` booked appointments starting in `[from, to)` whose reminder has not
    /// been claimed, marking them; each appointment is claimed by exactly one caller, also
    /// across instances.
    async fn claim_reminders(
        &self,
        from: i64,
        to: i64,
        now: i64,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError>;
}
