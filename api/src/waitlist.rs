//! The waitlist: waiting for a freed place of a service, or for an earlier place of a booking,
//! and the offers that hold a place for the first in line.

use serde::{Deserialize, Serialize};

use crate::appointments::Place;
use crate::service::ServiceKind;
use crate::time::Date;

/// The part of the day an entry waits for (Baghdad clock: morning is before noon).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    /// Any time.
    Any,
    /// Before noon.
    Morning,
    /// Noon or later.
    Afternoon,
}

crate::wire_words!(DayPart, "a part of the day", {
    Any = "any",
    Morning = "morning",
    Afternoon = "afternoon",
});

/// `POST /waitlist`: wait for a place of a service at a directorate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinWaitlist {
    /// The directorate.
    pub directorate: String,
    /// The service.
    pub service: String,
    /// The first day a place may be on (inside the booking window).
    pub from: Date,
    /// The last day (inside the booking window).
    pub to: Date,
    /// The part of the day.
    pub part: DayPart,
}

/// `POST /appointments/{reference}/earlier`: wait for an earlier place of a booking.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitEarlier {
    /// The part of the day.
    pub part: DayPart,
}

/// A place held for the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    /// Its start, RFC 3339 with the Baghdad offset.
    pub starts_at: String,
    /// Its day (Baghdad).
    pub date: Date,
    /// Its time on the Baghdad clock, `HH:MM`.
    pub time: String,
    /// Held until (RFC 3339); then it goes to the next in line.
    pub until: String,
    /// Held until, `HH:MM` on the Baghdad clock.
    pub until_time: String,
}

/// An entry of the citizen on the waitlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitlistEntryView {
    /// Its id.
    pub id: i64,
    /// The service.
    pub service: ServiceKind,
    /// The directorate.
    pub place: Place,
    /// The first day waited for.
    pub from: Date,
    /// The last day waited for.
    pub to: Date,
    /// The part of the day.
    pub part: DayPart,
    /// For an earlier place: the booking that moves when the offer is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The place held for the citizen now, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
}

/// The citizen's waitlist entries, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitlistList {
    /// In line or offered a place.
    pub entries: Vec<WaitlistEntryView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_of_the_day_reads_as_it_is_written() {
        crate::wire::assert_round_trip(DayPart::ALL_WORDS);
    }
}
