//! Queue tickets and the desk's day.

use rega_api::ids::Reference;
use rega_api::service::ServiceKind;
use rega_api::staff::Priority;

use super::AppointmentStatus;

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

/// Which ticket to read for its holder: by the code of its link (the digest kept), or a
/// signed-in citizen's, by the appointment's reference.
#[derive(Debug, Clone, Copy)]
pub enum TicketKey<'a> {
    /// `domain::ticket_link::digest` of the code.
    Link(&'a str),
    /// The citizen and the appointment's reference.
    Citizen(i64, &'a Reference),
}

/// A ticket as its holder follows it: its place, and the counter once called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldTicket {
    /// The directorate, whose change events the holder's screen follows.
    pub directorate_id: String,
    /// Counter area letter.
    pub area: String,
    /// Number in the area and day.
    pub number: i64,
    /// The appointment's service.
    pub service: ServiceKind,
    /// `waiting`, `called` or `done`.
    pub status: String,
    /// Tickets of the area still waiting before it.
    pub ahead: i64,
    /// The counter that called it.
    pub counter: Option<String>,
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
    /// Times it was called again.
    pub recalls: i64,
    /// The area whose queue it waits in now (its own, unless transferred).
    pub queue_area: String,
    /// Why it is called before others, if it is.
    pub priority: Option<Priority>,
}

/// A walk-in's ticket of a directorate's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkInEntry {
    /// The ticket.
    pub ticket: TicketState,
    /// The service the citizen came for.
    pub service: ServiceKind,
    /// When it was issued, Unix seconds.
    pub issued_at: i64,
    /// When the citizen was recorded served (done without it: did not come).
    pub done_at: Option<i64>,
    /// The national ID the citizen gave, if any.
    pub national_id: Option<String>,
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
    /// The appointment's reference (for the desk; the board does not show it); none for a
    /// walk-in.
    pub reference: Option<Reference>,
    /// The appointment's service.
    pub service: ServiceKind,
    /// The counter that called it.
    pub counter: String,
    /// When, Unix seconds.
    pub called_at: i64,
}
