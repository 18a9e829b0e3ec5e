//! Staff accounts, their sessions and the desk's and supervisor's changes.

use rega_api::ids::Reference;
use rega_api::service::ServiceKind;
use rega_api::staff::Priority;

use super::StaffRole;
use super::network::NewClosure;
use super::queue::CalledTicket;

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
    /// Its second factor's TOTP secret (base32), once enrolled.
    pub totp_secret: Option<String>,
    /// The secret of an enrolment begun and not yet confirmed.
    pub totp_pending_secret: Option<String>,
}

impl StaffRecord {
    /// Whether it must set up a second factor before anything else: its role signs in with one
    /// (supervisors and administrators) where the server requires it, and it has none yet.
    pub fn must_set_up_second_factor(&self, required: bool) -> bool {
        required
            && matches!(self.role, StaffRole::Supervisor | StaffRole::Admin)
            && self.totp_secret.is_none()
    }

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
    /// Call a called ticket again (to the counter that called it).
    Recall {
        /// The desk's directorate.
        directorate_id: &'a str,
        /// The appointment.
        reference: &'a Reference,
        /// Now.
        now: i64,
    },
    /// Issue a ticket to a citizen without an appointment.
    WalkIn {
        /// The desk's directorate.
        directorate_id: &'a str,
        /// Today, `YYYY-MM-DD`.
        day: &'a str,
        /// The service the citizen came for (its area numbers the ticket).
        service: ServiceKind,
        /// Why it is called before others, if it is.
        priority: Option<Priority>,
        /// The national ID the citizen gave, if any.
        national_id: Option<&'a str>,
        /// `domain::ticket_link::digest` of the ticket's code.
        link_hash: &'a str,
        /// Now.
        now: i64,
    },
    /// An action on one of today's tickets, named by its label.
    Ticket {
        /// The desk's directorate.
        directorate_id: &'a str,
        /// Today, `YYYY-MM-DD`.
        day: &'a str,
        /// The label's area.
        area: &'a str,
        /// The label's number.
        number: i64,
        /// What to do.
        action: TicketAction<'a>,
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

/// What a desk does with a ticket ([`StaffChange::Ticket`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction<'a> {
    /// Call it again, to the counter that called it.
    Recall,
    /// On to this area's queue, keeping its place by arrival.
    Transfer(&'a str),
    /// Give or take away its priority.
    Priority(Option<Priority>),
    /// The citizen was served (`true`) or did not come; for an appointment's ticket, its
    /// attendance.
    Finish(bool),
}

impl StaffChange<'_> {
    /// Whether it can change the places citizens see (capacity, an extra slot, a closure).
    pub fn changes_places(&self) -> bool {
        !matches!(
            self,
            StaffChange::CallNext { .. }
                | StaffChange::Recall { .. }
                | StaffChange::WalkIn { .. }
                | StaffChange::Ticket { .. }
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
    /// Its ticket was not called (or is done): nothing to call again.
    NotCalled,
    /// A no-show refused for now (`domain::recall`).
    NoShowTooSoon(crate::domain::recall::NoShowRefusal),
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
    /// A walk-in's ticket issued.
    WalkIn {
        /// Its area.
        area: String,
        /// Its number.
        number: i64,
        /// Tickets called before it, as the queue stands.
        ahead: i64,
    },
    /// No such ticket today at the directorate.
    TicketNotFound,
    /// The ticket is done: it can no longer be moved or changed.
    TicketDone,
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
