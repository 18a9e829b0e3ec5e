//! The records the store reads and writes: plain data, no I/O.

use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;

use super::{BookError, StoreError};
pub use crate::domain::appointment::AppointmentStatus;
use crate::domain::limits::ChangeLimit;
pub use rega_api::staff::StaffRole;

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
    /// The latest result of each test taken.
    pub tests: Vec<TestResult>,
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

/// Whose session this is: a citizen's, or a staff account's (each kind in its own table, with
/// its own cookie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOwner {
    /// A citizen signed in with a code.
    Citizen(i64),
    /// A staff member signed in with a password.
    Staff(i64),
}

impl SessionOwner {
    /// The kind of session.
    pub fn kind(self) -> SessionKind {
        match self {
            SessionOwner::Citizen(_) => SessionKind::Citizen,
            SessionOwner::Staff(_) => SessionKind::Staff,
        }
    }

    /// The owner's id.
    pub fn id(self) -> i64 {
        match self {
            SessionOwner::Citizen(id) | SessionOwner::Staff(id) => id,
        }
    }
}

/// A kind of session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// Citizens' sessions.
    Citizen,
    /// Staff sessions.
    Staff,
}

impl SessionKind {
    /// The table that keeps them.
    pub fn table(self) -> &'static str {
        match self {
            SessionKind::Citizen => "session",
            SessionKind::Staff => "staff_session",
        }
    }

    /// Its owner column.
    pub fn column(self) -> &'static str {
        match self {
            SessionKind::Citizen => "citizen_id",
            SessionKind::Staff => "staff_id",
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
    /// Desk, supervisor or administrator.
    pub role: StaffRole,
    /// The one directorate a desk or supervisor works for (an administrator has none).
    pub directorate_id: Option<String>,
    /// Whether the account was disabled.
    pub disabled: bool,
    /// When an administrator gave it the one-time password it still has (it must choose its
    /// own before anything else).
    pub one_time_password_at: Option<i64>,
}

impl StaffRecord {
    /// The account as a directorate's desk or supervisor (an administrator is none).
    pub fn member(&self) -> Option<StaffMember> {
        Some(StaffMember {
            id: self.id,
            username: self.username.clone(),
            role: self.role,
            directorate_id: self.directorate_id.clone()?,
        })
    }
}

/// A staff account to create.
#[derive(Debug, Clone, Copy)]
pub struct NewStaff<'a> {
    /// Sign-in name.
    pub username: &'a str,
    /// Argon2id PHC string.
    pub password_hash: &'a str,
    /// The role.
    pub role: StaffRole,
    /// The directorate (none for an administrator).
    pub directorate_id: Option<&'a str>,
    /// The password is an administrator's one-time password.
    pub one_time: bool,
}

/// A desk or supervisor, as the directorate's rooms see them: always of one directorate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Row id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Desk or supervisor.
    pub role: StaffRole,
    /// The directorate.
    pub directorate_id: String,
}

/// What an administrator's change of an account came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffChangeOutcome {
    /// Changed (its sessions ended if it lost its role, its directorate or its access).
    Changed,
    /// No such account.
    NotFound,
    /// It would leave no active administrator.
    LastAdmin,
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
    /// The test's result recorded at the desk: passed?
    pub test_passed: Option<bool>,
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
    /// The bookings and reschedules the citizen may still make (counted inside the
    /// transaction, so concurrent requests of one citizen cannot both slip under it).
    pub limit: ChangeLimit,
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
    /// Whether the registry holds the citizen active (an inactive one cannot sign in).
    pub active: bool,
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

/// What to look for in the audit trail (`Audit::audit_search`); an empty text matches any.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// From (Unix seconds, inclusive) …
    pub from: i64,
    /// … to (exclusive).
    pub to: i64,
    /// Records of this directorate only (its staff's, its kiosks', its appointments').
    pub directorate: String,
    /// This actor (`staff:<id>`, `kiosk:<id>`, `citizen:<id>`, …).
    pub actor: String,
    /// This action (`booking.created`, …).
    pub action: String,
    /// This object (`appointment:<reference>`, …).
    pub object: String,
    /// Records written before this one (its id), for the next page; `i64::MAX` for the first.
    pub before: i64,
    /// At most this many.
    pub limit: u32,
}

/// An audit record as the trail's readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its id (the cursor of the next page).
    pub id: i64,
    /// Its place in the chain (none: from before the chain began).
    pub seq: Option<i64>,
    /// The record.
    pub record: AuditRecord,
    /// The staff account's username when a staff account acted.
    pub staff: Option<String>,
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

/// A change to a citizen's bookings that runs under an Idempotency-Key in one transaction with
/// its key, its answer and its audit record ([`Bookings::change_once`]).
#[derive(Debug, Clone)]
pub enum BookingChange {
    /// A new booking.
    Book(BookRequest),
    /// Moving the appointment `reference` to the request's slot (its service).
    Reschedule {
        /// The appointment.
        reference: Reference,
        /// The new place: the citizen, the slot, the service, the time, the change limit.
        request: BookRequest,
    },
    /// Cancelling the appointment `reference`, releasing its place.
    Cancel {
        /// The citizen.
        citizen_id: i64,
        /// The appointment.
        reference: Reference,
        /// Now.
        now: i64,
    },
}

impl BookingChange {
    /// Whose bookings it changes.
    pub fn citizen_id(&self) -> i64 {
        match self {
            BookingChange::Book(request) | BookingChange::Reschedule { request, .. } => {
                request.citizen_id
            }
            BookingChange::Cancel { citizen_id, .. } => *citizen_id,
        }
    }

    /// When.
    pub fn now(&self) -> i64 {
        match self {
            BookingChange::Book(request) | BookingChange::Reschedule { request, .. } => request.now,
            BookingChange::Cancel { now, .. } => *now,
        }
    }
}

/// What [`Bookings::change_once`] did.
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

/// Turns a change's outcome (the appointment as it now is, or the refusal) into the answer to
/// store and send: (status, JSON body). Owned, so that a writer batching several changes into
/// one commit can run it.
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

/// One limit on an action: at most `max` events under `key` after `since`.
#[derive(Debug, Clone, Copy)]
pub struct EventLimit<'a> {
    /// What is counted (`code-sent:id:…`).
    pub key: &'a str,
    /// The window's start (exclusive).
    pub since: i64,
    /// How many events the window holds.
    pub max: u32,
}

/// A desk's or a supervisor's write that runs under an Idempotency-Key in one transaction with
/// its key, its answer and its audit record ([`StaffWrites::staff_once`]).
#[derive(Debug, Clone)]
pub enum StaffChange<'a> {
    /// Call the area's next waiting ticket of the day to a counter.
    CallNext {
        /// The directorate.
        directorate_id: &'a str,
        /// Today, `YYYY-MM-DD`.
        day: &'a str,
        /// The counter area.
        area: &'a str,
        /// The counter.
        counter: &'a str,
        /// Now.
        now: i64,
    },
    /// The citizen came (`attended`) or did not.
    Attendance {
        /// The desk's directorate.
        directorate_id: &'a str,
        /// The appointment.
        reference: &'a Reference,
        /// Came?
        attended: bool,
        /// Now.
        now: i64,
    },
    /// Close a period.
    Close(NewClosure<'a>),
    /// Set the places of a service's slots starting in `[from, to)`.
    Capacity {
        /// The directorate.
        directorate_id: &'a str,
        /// The service.
        service: ServiceKind,
        /// Start.
        from: i64,
        /// End (exclusive).
        to: i64,
        /// The places.
        places: i64,
    },
    /// A test's result, recorded at the desk on the test's appointment (which is attended by
    /// it): the citizen's latest result of that test, and an outcome for the registry.
    TestResult {
        /// The desk's directorate.
        directorate_id: &'a str,
        /// The appointment of a theory or practical test.
        reference: &'a Reference,
        /// Passed?
        passed: bool,
        /// Today, `YYYY-MM-DD`.
        today: &'a str,
        /// Until when a theory pass counts (`BookingRules::theory_pass_valid_days`); a
        /// practical pass counts for good.
        theory_valid_until: &'a str,
        /// Now.
        now: i64,
    },
    /// Open an extra slot with its places (refused inside a closure).
    OpenSlot {
        /// The directorate.
        directorate_id: &'a str,
        /// The service.
        service: ServiceKind,
        /// Its start.
        starts_at: i64,
        /// The places.
        places: i64,
    },
}

impl StaffChange<'_> {
    /// Whether it can change the places citizens see (capacity, an extra slot, a closure).
    pub fn changes_places(&self) -> bool {
        !matches!(
            self,
            StaffChange::CallNext { .. }
                | StaffChange::Attendance { .. }
                | StaffChange::TestResult { .. }
        )
    }
}

/// What a [`StaffChange`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffOutcome {
    /// The ticket called, or `None` when nobody waits.
    Called(Option<CalledTicket>),
    /// Attendance recorded.
    Recorded,
    /// No such appointment at the directorate.
    NotFound,
    /// The appointment's attendance cannot change any more (or its test result is recorded).
    NotChangeable,
    /// The appointment is not for a test.
    NotATest,
    /// The closure's id and the appointments it cancelled.
    Closed {
        /// Its id.
        id: i64,
        /// Appointments cancelled.
        cancelled: u64,
    },
    /// Slots changed, and slots that kept their places (more booked, or closed).
    Planned {
        /// Changed.
        changed: u64,
        /// Kept.
        kept: u64,
    },
    /// The extra slot falls in a closure.
    DayClosed,
}

/// The answer to store and send for a [`StaffOutcome`], with its audit record's object and
/// result.
#[derive(Debug, Clone)]
pub struct StaffAnswer {
    /// Status.
    pub status: u16,
    /// JSON body (empty for `204`).
    pub body: String,
    /// The audit record's object.
    pub object: String,
    /// The audit record's result.
    pub result: String,
}

/// Turns a staff write's outcome into its answer.
pub type StaffRespond<'a> = Box<dyn FnOnce(&StaffOutcome) -> StaffAnswer + Send + 'a>;

/// A test a citizen takes at a directorate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    /// The theory test.
    Theory,
    /// The practical (driving) test.
    Practical,
}

impl TestKind {
    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            TestKind::Theory => "theory",
            TestKind::Practical => "practical",
        }
    }

    /// From the stored form.
    pub fn from_code(code: &str) -> Option<TestKind> {
        [TestKind::Theory, TestKind::Practical]
            .into_iter()
            .find(|t| t.code() == code)
    }
}

/// The latest result of one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// Which test.
    pub test: TestKind,
    /// Passed?
    pub passed: bool,
    /// When, `YYYY-MM-DD`.
    pub taken_on: String,
    /// Until when a pass counts, `YYYY-MM-DD`; `None`: for good.
    pub valid_until: Option<String>,
}

/// A version of the network's configuration as applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConfiguration {
    /// Its version: 1, 2, … (the newest is in force).
    pub version: i64,
    /// The whole configuration file (`docs/configuration.md`).
    pub document: String,
    /// When, Unix seconds.
    pub applied_at: i64,
    /// By whom (`cli:<user>`, `staff:<username>`, `demo`).
    pub applied_by: String,
}

/// A new configuration version and what it does to the slots and appointments already there,
/// applied in one transaction (`Configurations::apply_configuration`).
#[derive(Debug, Clone)]
pub struct ConfigurationChange<'a> {
    /// The version the change was previewed against: another applied meanwhile refuses it.
    pub expected_version: i64,
    /// The whole file.
    pub document: &'a str,
    /// Every directorate with the places of each service's slots (0: not offered there).
    pub directorates: Vec<(Directorate, Vec<(ServiceKind, u32)>)>,
    /// Future slots that take no more bookings (no longer in the opening hours' grid): their
    /// places become those booked.
    pub closing_slots: Vec<i64>,
    /// The closing slots whose appointments no longer fit (outside the hours, a holiday, the
    /// directorate or service withdrawn).
    pub stranding_slots: Vec<i64>,
    /// The appointments on the stranding slots (previewed and confirmed): cancelled, each
    /// citizen told. Should one have been booked since the preview, the change is refused.
    pub stranded: Vec<Reference>,
    /// Future slots that stay, with their new places (never below those booked).
    pub places: Vec<(i64, u32)>,
    /// Now.
    pub now: i64,
    /// Who applies it.
    pub actor: &'a str,
}

/// Why a configuration change was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigurationRefused {
    /// Another version was applied since the preview: preview again.
    Outdated {
        /// The version in force now.
        current: i64,
    },
    /// An appointment that the change would strand was booked since the preview: preview again.
    MoreStranded,
}

/// A future active appointment, as a configuration change sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FutureAppointment {
    /// Its reference.
    pub reference: Reference,
    /// Its slot.
    pub slot_id: i64,
    /// Its directorate.
    pub directorate_id: String,
    /// Its service.
    pub service: ServiceKind,
    /// Its start, Unix seconds.
    pub starts_at: i64,
}

/// What happened to an appointment, as the registry's outcome feed tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeKind {
    /// The citizen came.
    Attended,
    /// The citizen did not come (recorded at the desk, or the day passed).
    NoShow,
    /// A closure of the directorate cancelled it.
    CancelledByClosure,
    /// The desk recorded the test's result.
    TestResult,
}

impl OutcomeKind {
    /// The stored and published form.
    pub fn code(self) -> &'static str {
        match self {
            OutcomeKind::Attended => "attended",
            OutcomeKind::NoShow => "no_show",
            OutcomeKind::CancelledByClosure => "cancelled_by_closure",
            OutcomeKind::TestResult => "test_result",
        }
    }

    /// From the stored form.
    pub fn from_code(code: &str) -> Option<OutcomeKind> {
        [
            OutcomeKind::Attended,
            OutcomeKind::NoShow,
            OutcomeKind::CancelledByClosure,
            OutcomeKind::TestResult,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// One entry of the outcome feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedOutcome {
    /// Its position in the feed: the registry asks for those after the last it processed.
    pub cursor: i64,
    /// What happened.
    pub kind: OutcomeKind,
    /// The citizen's national card number.
    pub national_id: NationalId,
    /// The appointment.
    pub reference: Reference,
    /// Its directorate.
    pub directorate_id: String,
    /// Its service.
    pub service: ServiceKind,
    /// Its start, Unix seconds.
    pub starts_at: i64,
    /// The result, for [`OutcomeKind::TestResult`] (`taken_on` the day it was recorded).
    pub result: Option<TestResult>,
    /// When it was recorded, Unix seconds.
    pub occurred_at: i64,
}

/// A citizen's record from the licence registry, checked (`domain::registry::check`).
#[derive(Debug, Clone)]
pub struct RegistryCitizen {
    /// National card number.
    pub national_id: NationalId,
    /// The registry's version of the record.
    pub version: i64,
    /// Name, Latin letters.
    pub name_latin: String,
    /// Name, Arabic script.
    pub name_arabic: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// The phone for sign-in codes (E.164).
    pub phone: String,
    /// Active (may sign in and book) or not.
    pub active: bool,
    /// The licence, if any.
    pub licence: Option<NewLicence>,
    /// The latest result of each test.
    pub tests: Vec<TestResult>,
}

/// What applying one registry record did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryOutcome {
    /// A new citizen.
    Created,
    /// The citizen's record replaced by a newer version: whether the phone changed (the old
    /// number is told, the sessions revoked) and how many future appointments a withdrawal
    /// cancelled.
    Updated {
        /// The phone changed.
        phone_changed: bool,
        /// Made inactive now.
        deactivated: bool,
        /// Future appointments cancelled because of it.
        cancelled: u64,
    },
    /// Rega holds this version or a newer one: nothing changed.
    Unchanged,
    /// The licence number belongs to another citizen: nothing of the record was applied.
    LicenceTaken,
}

/// An SMS a registry change owes a citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenNotice {
    /// Where it goes.
    pub phone: String,
    /// `phone_changed` or `appointment_cancelled`.
    pub kind: String,
    /// The appointment cancelled, for `appointment_cancelled`.
    pub reference: Option<String>,
    /// Its start, Unix seconds.
    pub starts_at: Option<i64>,
}
