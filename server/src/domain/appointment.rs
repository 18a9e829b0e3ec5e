//! An appointment's life: booked, checked in, then attended or missed — or cancelled.

use rega_api::appointments::AppointmentState;

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

impl From<AppointmentStatus> for AppointmentState {
    fn from(status: AppointmentStatus) -> AppointmentState {
        match status {
            AppointmentStatus::Booked => AppointmentState::Booked,
            AppointmentStatus::CheckedIn => AppointmentState::CheckedIn,
            AppointmentStatus::Attended => AppointmentState::Attended,
            AppointmentStatus::NoShow => AppointmentState::NoShow,
            AppointmentStatus::Cancelled => AppointmentState::Cancelled,
        }
    }
}
