//! Closures, the network's configuration and the outcome feed.

use rega_api::ids::{NationalId, Reference};
use rega_api::service::ServiceKind;

use super::registry::{Directorate, TestResult};

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
