//! The waitlist's records: an entry in line, what joining asks for, and the terms a freed place
//! is offered on.

use rega_api::ids::Reference;
use rega_api::service::ServiceKind;

use crate::domain::rules::BookingRules;
use rega_api::waitlist::DayPart;

/// How a place freed by a change is offered to the waitlist (`domain::waitlist`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferTerms {
    /// An offer holds its place this many minutes.
    pub hold_minutes: i64,
}

impl OfferTerms {
    /// The terms the rules in force set.
    pub fn of(rules: &BookingRules) -> OfferTerms {
        OfferTerms {
            hold_minutes: rules.waitlist_hold_minutes,
        }
    }
}

impl Default for OfferTerms {
    /// The SPEC's defaults.
    fn default() -> OfferTerms {
        OfferTerms::of(&BookingRules::default())
    }
}

/// Where an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryStatus {
    /// In line.
    Waiting,
    /// A place is held for it until `offered_until`.
    Offered,
    /// It took an offered place.
    Booked,
    /// The citizen left the line (or booked the service another way).
    Left,
    /// The citizen declined an offer.
    Declined,
    /// An offer's hold ran out unanswered.
    Lapsed,
}

impl EntryStatus {
    /// Every status.
    pub const ALL: [EntryStatus; 6] = [
        EntryStatus::Waiting,
        EntryStatus::Offered,
        EntryStatus::Booked,
        EntryStatus::Left,
        EntryStatus::Declined,
        EntryStatus::Lapsed,
    ];

    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            EntryStatus::Waiting => "waiting",
            EntryStatus::Offered => "offered",
            EntryStatus::Booked => "booked",
            EntryStatus::Left => "left",
            EntryStatus::Declined => "declined",
            EntryStatus::Lapsed => "lapsed",
        }
    }

    /// The status stored as `code`.
    pub fn from_code(code: &str) -> Option<EntryStatus> {
        EntryStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A citizen's entry on the waitlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistEntry {
    /// Row id.
    pub id: i64,
    /// Whose.
    pub citizen_id: i64,
    /// The directorate.
    pub directorate_id: String,
    /// The service.
    pub service: ServiceKind,
    /// Places starting at or after this time (Unix seconds) …
    pub window_from: i64,
    /// … and before this one.
    pub window_to: i64,
    /// The part of the day.
    pub part: DayPart,
    /// For an earlier place: the booking to move.
    pub reference: Option<Reference>,
    /// Where it is.
    pub status: EntryStatus,
    /// When it joined the line.
    pub joined_at: i64,
    /// The place held for it (while offered), or the one it took.
    pub slot_id: Option<i64>,
    /// The held place's start.
    pub slot_starts_at: Option<i64>,
    /// Until when the place is held.
    pub offered_until: Option<i64>,
}

/// What a citizen joins the line for (checked by `domain::waitlist` before).
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// The citizen.
    pub citizen_id: i64,
    /// The directorate.
    pub directorate_id: String,
    /// The service.
    pub service: ServiceKind,
    /// Places starting at or after this time …
    pub window_from: i64,
    /// … and before this one.
    pub window_to: i64,
    /// The part of the day.
    pub part: DayPart,
    /// For an earlier place: the booking to move.
    pub reference: Option<Reference>,
    /// Now.
    pub now: i64,
    /// How a free place found at once is held.
    pub offers: OfferTerms,
}

/// Why joining the line is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinRefusal {
    /// The citizen is in line for the service already.
    AlreadyWaiting,
    /// The citizen has an active appointment of the service (for a new place), or the booking
    /// to move is not theirs or no longer booked (for an earlier one).
    Booking,
}
