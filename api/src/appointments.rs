//! Appointments: create, list, get, reschedule, cancel.

use serde::{Deserialize, Serialize};

use crate::reference::LocalizedText;
use crate::service::ServiceKind;
use crate::time::Date;

/// The state of an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentState {
    /// Booked.
    Booked,
    /// Checked in at the directorate.
    CheckedIn,
    /// Served.
    Attended,
    /// Missed.
    NoShow,
    /// Cancelled.
    Cancelled,
}

crate::wire_words!(AppointmentState, "an appointment state", {
    Booked = "booked",
    CheckedIn = "checked_in",
    Attended = "attended",
    NoShow = "no_show",
    Cancelled = "cancelled",
});

/// Where an appointment is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    /// Directorate id.
    pub id: String,
    /// Its name.
    pub name: LocalizedText,
    /// Its address.
    pub address: LocalizedText,
    /// Its phone, for changes after the cut-off.
    pub phone: String,
}

/// An appointment as the citizen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentView {
    /// Reference, `RG-7K3M-Q9P2`.
    pub reference: String,
    /// The service.
    pub service: ServiceKind,
    /// Its state.
    pub status: AppointmentState,
    /// Where.
    pub place: Place,
    /// Start, RFC 3339 with the Baghdad offset.
    pub starts_at: String,
    /// Day (Baghdad).
    pub date: Date,
    /// Time on the Baghdad wall clock, `HH:MM`.
    pub time: String,
    /// Length in minutes.
    pub minutes: u16,
    /// Until when it can be changed or cancelled online (RFC 3339).
    pub change_until: String,
    /// Whether it can be changed or cancelled online now.
    pub can_change: bool,
    /// Cancelled because the directorate closed at its time.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closed: bool,
    /// Closed by the directorate, and the citizen has not booked this service since: My
    /// appointments asks them to book again (the list's answer only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rebook: bool,
    /// What to bring, as the network's configuration says it; absent: the app's own text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bring: Option<crate::reference::LocalizedText>,
}

/// A citizen's appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentList {
    /// Booked or checked in, still to come; soonest first.
    pub upcoming: Vec<AppointmentView>,
    /// Everything else; newest first.
    pub past: Vec<AppointmentView>,
}

/// `POST /appointments`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAppointment {
    /// The chosen slot.
    pub slot_id: i64,
    /// The service (must be the slot's).
    pub service: String,
}

/// `POST /appointments/{reference}/reschedule`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RescheduleAppointment {
    /// The new slot, of the same service.
    pub slot_id: i64,
}

/// Whether the signed-in citizen may book one service now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceEligibility {
    /// The service.
    pub service: ServiceKind,
    /// The reason it cannot be booked (`not_eligible_*`, `already_booked` or
    /// `no_show_blocked`); absent when it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::ErrorCode>,
}

/// What the signed-in citizen may book, in the order of the service list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityList {
    /// One entry per service.
    pub services: Vec<ServiceEligibility>,
    /// When online booking is blocked after repeated no-shows: until when (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_until: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_appointmentstate_reads_back_the_word_it_writes() {
        crate::wire::assert_round_trip(AppointmentState::ALL_WORDS);
    }
}
