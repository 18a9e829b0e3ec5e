//! An appointment's life: booked, checked in, then attended or missed — or cancelled.

use rega_api::appointments::AppointmentState;
use rega_api::time::LocalDateTime;

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

    /// What an appointment still active when its day is over becomes: one never checked in is a
    /// no-show (check-in closed without the citizen), one checked in is attended (the citizen
    /// came; the desk did not record the outcome). `None` for an appointment already closed.
    pub fn lapsed(self) -> Option<AppointmentStatus> {
        match self {
            AppointmentStatus::Booked => Some(AppointmentStatus::NoShow),
            AppointmentStatus::CheckedIn => Some(AppointmentStatus::Attended),
            _ => None,
        }
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

/// When today began (midnight, Baghdad time): an appointment starting before it belongs to a day
/// that is over, so it no longer holds its place nor counts as the citizen's one active
/// appointment of its service — it has lapsed ([`AppointmentStatus::lapsed`]).
pub fn lapses_before(now: i64) -> i64 {
    LocalDateTime::midnight(LocalDateTime::from_unix(now).date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_appointment_lapses_into_its_outcome_at_the_end_of_its_day() {
        assert_eq!(
            AppointmentStatus::Booked.lapsed(),
            Some(AppointmentStatus::NoShow)
        );
        assert_eq!(
            AppointmentStatus::CheckedIn.lapsed(),
            Some(AppointmentStatus::Attended)
        );
        assert_eq!(AppointmentStatus::Cancelled.lapsed(), None);
        // 2026-12-05 13:00 in Erbil is 10:00 UTC; the day began at 21:00 UTC the day before.
        let afternoon = LocalDateTime {
            date: rega_api::time::Date::parse("2026-12-05").expect("a date"),
            hour: 13,
            minute: 0,
        }
        .to_unix();
        assert_eq!(lapses_before(afternoon), afternoon - 13 * 3600);
        assert_eq!(
            lapses_before(lapses_before(afternoon)),
            lapses_before(afternoon)
        );
    }
}
