//! The directorate desk (SPEC §3.7) and the waiting hall's board.

use serde::{Deserialize, Serialize};

use crate::appointments::AppointmentState;
use crate::service::ServiceKind;
use crate::time::{ClockTime, Date};

/// What a staff member may do (SPEC §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    /// Works a counter: the day's list, call next, attendance.
    Desk,
    /// Also plans places, closes and reopens, and enrols kiosks.
    Supervisor,
    /// The central administrator: bound to no directorate; configures the network and manages
    /// staff accounts (`/admin`), and works no directorate's desk.
    Admin,
}

impl StaffRole {
    /// The stored and wire form.
    pub fn code(self) -> &'static str {
        match self {
            StaffRole::Desk => "desk",
            StaffRole::Supervisor => "supervisor",
            StaffRole::Admin => "admin",
        }
    }

    /// From the stored form.
    pub fn from_code(code: &str) -> Option<StaffRole> {
        [StaffRole::Desk, StaffRole::Supervisor, StaffRole::Admin]
            .into_iter()
            .find(|role| role.code() == code)
    }
}

/// Where a checked-in appointment's queue ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Waiting to be called.
    Waiting,
    /// Called to a counter.
    Called,
    /// Served, missed, or its appointment cancelled.
    Done,
}

crate::wire_words!(TicketStatus, "a ticket status", {
    Waiting = "waiting",
    Called = "called",
    Done = "done",
});

impl TicketStatus {
    /// The stored and wire form.
    pub fn code(self) -> &'static str {
        self.word()
    }

    /// From the stored form.
    pub fn from_code(code: &str) -> Option<TicketStatus> {
        TicketStatus::from_word(code)
    }
}

/// `POST /staff/sign-in`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffSignIn {
    /// The account's name.
    pub username: String,
    /// Its password.
    pub password: String,
    /// The code of its authenticator app, or one of its recovery codes, when the account has a
    /// second factor (`401 staff_second_factor_required` without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Who is signed in at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffInfo {
    /// The account's name.
    pub username: String,
    /// `desk`, `supervisor` or `admin`.
    pub role: StaffRole,
    /// The directorate the account works for (none for an administrator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directorate: Option<String>,
    /// The account signed in with a one-time password an administrator gave it: it must choose
    /// its own (`POST /staff/password`) before anything else.
    #[serde(default)]
    pub must_change_password: bool,
    /// The account signs in with a second factor.
    #[serde(default)]
    pub second_factor: bool,
    /// The account's role signs in with a second factor here and it has none yet: it must set
    /// one up (`POST /staff/second-factor`) before anything else.
    #[serde(default)]
    pub must_set_up_second_factor: bool,
}

/// `POST /staff/second-factor`: the secret of a second factor being set up, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorSetup {
    /// The secret in base32, for typing into an authenticator app.
    pub secret: String,
    /// The `otpauth://totp/…` URI the app reads from a QR code.
    pub uri: String,
}

/// `POST /staff/second-factor/confirm`: the code the authenticator app shows now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmSecondFactor {
    /// Six digits.
    pub code: String,
}

/// The answer to a confirmed second factor: its recovery codes, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    /// Ten codes `XXXXX-XXXXX`, each good for one sign-in.
    pub codes: Vec<String>,
}

/// `POST /staff/password`: the signed-in account chooses a new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The password it signed in with (the one-time password, the first time).
    pub current_password: String,
    /// The new one: 12 to 128 characters.
    pub new_password: String,
}

/// One appointment of the day, as the desk lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayAppointment {
    /// `RG-XXXX-XXXX`.
    pub reference: String,
    /// The service.
    pub service: ServiceKind,
    /// Its start, `HH:MM` in Asia/Baghdad.
    pub time: ClockTime,
    /// `booked`, `checked_in`, `attended`, `no_show` or `cancelled`.
    pub status: AppointmentState,
    /// The queue ticket, once checked in, e.g. `A-014`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// `waiting`, `called` or `done`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_status: Option<TicketStatus>,
    /// The counter that called the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    /// The test's result, once recorded at the desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<TestOutcome>,
    /// Times its ticket was called again (a no-show of a checked-in citizen needs one).
    #[serde(default)]
    pub recalls: u32,
    /// The area whose queue the ticket waits in now, when a transfer moved it from its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_area: Option<String>,
    /// Why the ticket is called before others, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// Why a ticket is called before others (`domain::queue_order`): it goes ahead of every regular
/// ticket that arrived less than 30 minutes before it, and of none that arrived earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// An elderly citizen.
    Elderly,
    /// A citizen with a disability.
    Disabled,
    /// A pregnant citizen.
    Pregnant,
}

crate::wire_words!(Priority, "a priority", {
    Elderly = "elderly",
    Disabled = "disabled",
    Pregnant = "pregnant",
});

/// A walk-in's ticket of the day (`GET /staff/day`): a citizen without an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayWalkIn {
    /// e.g. `A-015`.
    pub ticket: String,
    /// The service the citizen came for.
    pub service: ServiceKind,
    /// When it was issued, `HH:MM` in Asia/Baghdad.
    pub time: ClockTime,
    /// `waiting`, `called` or `done`.
    pub ticket_status: TicketStatus,
    /// Served (`true`) or did not come (`false`), once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served: Option<bool>,
    /// The counter that called it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    /// Times it was called again.
    #[serde(default)]
    pub recalls: u32,
    /// The area whose queue it waits in now, when a transfer moved it from its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_area: Option<String>,
    /// Why it is called before others, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The national ID the citizen gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
}

/// `POST /staff/walk-ins`: a ticket for a citizen without an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WalkIn {
    /// The service the citizen came for; its counter area numbers the ticket.
    pub service: ServiceKind,
    /// Why the ticket is called before others, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The citizen's national ID, if they give it (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
}

/// The answer to `POST /staff/walk-ins`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkInTicket {
    /// e.g. `A-015`.
    pub ticket: String,
    /// Tickets that will be called before it, as the queue stands.
    pub ahead: u32,
    /// The code that opens the ticket on the citizen's phone (`/ticket?code=`), for its day.
    pub code: String,
}

/// `POST /staff/tickets/{ticket}/transfer`: on to another area's queue (or back into the same
/// one), keeping its place by the time of arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferTicket {
    /// `A`, `T`, `P` or `M`.
    pub area: String,
}

/// `POST /staff/tickets/{ticket}/priority`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPriority {
    /// Why it is called before others; none (or null) takes the priority away.
    #[serde(default)]
    pub priority: Option<Priority>,
}

/// One counter area's day so far (`GET /staff/figures`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaFigures {
    /// `A`, `T`, `P` or `M`.
    pub area: String,
    /// Tickets waiting now.
    pub waiting: u32,
    /// How long the longest-waiting ticket has waited, in seconds (0 when none waits).
    pub longest_wait_seconds: i64,
    /// Citizens served today.
    pub served: u32,
    /// Appointments missed today.
    pub no_shows: u32,
    /// The average time from the call to "served", in seconds (none before the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_service_seconds: Option<i64>,
}

/// `GET /staff/figures`: the directorate's day at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayFigures {
    /// Today, `YYYY-MM-DD`.
    pub date: Date,
    /// Each area, in the order `A`, `T`, `P`, `M`.
    pub areas: Vec<AreaFigures>,
}

/// `GET /staff/day`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayList {
    /// The day, `YYYY-MM-DD`.
    pub date: Date,
    /// Its appointments in time order.
    pub appointments: Vec<DayAppointment>,
    /// Its walk-ins' tickets, in the order they were issued.
    #[serde(default)]
    pub walk_ins: Vec<DayWalkIn>,
}

/// How a test went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    /// Passed: a theory pass opens the practical test at once.
    Passed,
    /// Failed.
    Failed,
}

/// `POST /staff/appointments/{reference}/test-result`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordTestResult {
    /// `passed` or `failed`.
    pub result: TestOutcome,
}

/// `POST /staff/call-next`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallNext {
    /// The counter area to call from: `A`, `T`, `P` or `M`.
    pub area: String,
    /// The counter's name as the board shows it, e.g. `3` (1 to 8 characters).
    pub counter: String,
}

/// A called ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalledTicket {
    /// e.g. `A-014`.
    pub ticket: String,
    /// The counter it was called to.
    pub counter: String,
    /// The appointment's reference (the desk's answer only; the board leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// When it was called (or called again), Unix seconds: a call again of the same ticket is a
    /// new call on the board.
    pub called_at: i64,
}

/// The answer to `call-next`: the called ticket, or none when nobody of the area is waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallNextResult {
    /// The ticket now called, if anyone was waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called: Option<CalledTicket>,
}

/// `GET /board?directorate=`: the tickets called today, the latest first (ticket and counter only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Board {
    /// The directorate.
    pub directorate: String,
    /// At most 10 calls, the latest first.
    pub called: Vec<CalledTicket>,
}

/// `POST /staff/kiosks`: enrol a kiosk of the supervisor's directorate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolKiosk {
    /// A label to tell kiosks apart, e.g. `Hall 1` (1 to 40 characters).
    pub label: String,
}

/// An enrolled kiosk, as the supervisor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskEntry {
    /// Its number.
    pub id: i64,
    /// Its label.
    pub label: String,
    /// Whether its code was revoked.
    pub revoked: bool,
    /// The kiosk code: only in the answer to the enrolment, never again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `POST /staff/capacity`: the places of every slot of a service on a day (supervisors only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetCapacity {
    /// The day, `YYYY-MM-DD` (today up to 60 days ahead).
    pub date: String,
    /// The service's code.
    pub service: String,
    /// Places per slot, 0 to 50 (0 takes the slots off the calendar for new bookings).
    pub capacity: u32,
}

/// `POST /staff/slots`: an extra slot (supervisors only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenSlot {
    /// The day, `YYYY-MM-DD` (today up to 60 days ahead).
    pub date: String,
    /// Its start, `HH:MM` on a quarter hour between 06:00 and 20:00 (Asia/Baghdad).
    pub time: String,
    /// The service's code.
    pub service: String,
    /// Its places, 1 to 50.
    pub capacity: u32,
}

/// What a capacity change did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CapacityResult {
    /// Slots now with the new capacity.
    pub changed: u64,
    /// Slots that kept theirs because more places were already booked (no booking is lost).
    pub kept: u64,
}

/// `POST /staff/closures`: close a day or part of one (supervisors only). Every booked or
/// checked-in appointment in the period is cancelled, and each citizen is told by SMS and asked
/// to book again in My appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseDay {
    /// The day, `YYYY-MM-DD` (today up to 60 days ahead).
    pub date: String,
    /// Start of the closed part, `HH:MM` on a quarter hour (Asia/Baghdad); absent with `to`
    /// absent: the whole day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// End of the closed part, `HH:MM` on a quarter hour, after `from` (`24:00` is the day's
    /// end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Why, for the desk and the audit (1 to 200 characters; never sent to citizens).
    pub note: String,
}

/// A closure, as the desk lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosureEntry {
    /// Its number.
    pub id: i64,
    /// The day, `YYYY-MM-DD`.
    pub date: Date,
    /// Start, `HH:MM` (Asia/Baghdad).
    pub from: ClockTime,
    /// End, `HH:MM` (`24:00`: the end of the day).
    pub to: ClockTime,
    /// Whether the whole day is closed.
    pub whole_day: bool,
    /// The supervisor's note.
    pub note: String,
    /// Who closed it.
    pub staff: String,
    /// Appointments it cancelled (each citizen was sent an SMS).
    pub cancelled: i64,
}

/// `GET /staff/closures/preview`: what a closure of that period would do, counted as the closure
/// counts it (supervisors only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosurePreview {
    /// Booked or checked-in appointments in the period: each would be cancelled and its citizen
    /// told.
    pub cancels: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_ticket_statuses_keep_their_wire_and_stored_forms() {
        for role in [StaffRole::Desk, StaffRole::Supervisor, StaffRole::Admin] {
            let wire = serde_json::to_string(&role).expect("JSON");
            assert_eq!(wire, format!("\"{}\"", role.code()));
            assert_eq!(StaffRole::from_code(role.code()), Some(role));
        }
        for status in [
            TicketStatus::Waiting,
            TicketStatus::Called,
            TicketStatus::Done,
        ] {
            let wire = serde_json::to_string(&status).expect("JSON");
            assert_eq!(wire, format!("\"{}\"", status.code()));
            assert_eq!(TicketStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(StaffRole::from_code("admin"), Some(StaffRole::Admin));
        assert_eq!(StaffRole::from_code("root"), None);
        assert_eq!(TicketStatus::from_code("lost"), None);
        let entry: DayAppointment = serde_json::from_str(
            r#"{"reference":"RG-7K3M-Q9P2","service":"medical_check","time":"09:00","status":"checked_in","ticket":"M-001","ticket_status":"waiting"}"#,
        )
        .expect("the desk's row");
        assert_eq!(entry.service, ServiceKind::MedicalCheck);
        assert_eq!(entry.status, AppointmentState::CheckedIn);
        assert_eq!(entry.ticket_status, Some(TicketStatus::Waiting));
    }
}
