//! Availability: the days of the booking window and the slots of a day.

use serde::{Deserialize, Serialize};

use crate::reference::LocalizedText;
use crate::service::ServiceKind;
use crate::time::Date;

/// Why a day cannot be booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClosedReason {
    /// Friday or Saturday.
    Weekend,
    /// A public holiday.
    Holiday,
    /// The directorate closed the day (a supervisor's closure).
    Closure,
}

crate::wire_words!(ClosedReason, "why a day is closed", {
    Weekend = "weekend",
    Holiday = "holiday",
    Closure = "closure",
});

/// One day of the booking window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayAvailability {
    /// The day.
    pub date: Date,
    /// Places left over all slots of the day (0 when closed or full).
    pub places_left: u32,
    /// Why the directorate is closed, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<ClosedReason>,
    /// The holiday's name, on a holiday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holiday: Option<LocalizedText>,
}

/// The booking window of a directorate and service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaysResponse {
    /// The directorate.
    pub directorate: String,
    /// The service.
    pub service: ServiceKind,
    /// The first day that can be booked (the next working day).
    pub first: Date,
    /// The last day that can be booked.
    pub last: Date,
    /// Every day from `first` to `last`.
    pub days: Vec<DayAvailability>,
}

/// One slot of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotAvailability {
    /// The slot's id, to book it.
    pub slot_id: i64,
    /// Start time, RFC 3339 with the Baghdad offset (`2026-12-01T08:30:00+03:00`).
    pub starts_at: String,
    /// Start time on the Baghdad wall clock, `HH:MM`.
    pub time: String,
    /// Places left.
    pub places_left: u32,
}

/// The slots of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotsResponse {
    /// The directorate.
    pub directorate: String,
    /// The service.
    pub service: ServiceKind,
    /// The day.
    pub date: Date,
    /// Its slots in time order, full ones included (with 0 places).
    pub slots: Vec<SlotAvailability>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_closedreason_reads_back_the_word_it_writes() {
        crate::wire::assert_round_trip(ClosedReason::ALL_WORDS);
    }
}
