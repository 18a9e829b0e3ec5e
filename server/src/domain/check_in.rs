//! Kiosk check-in (SPEC §3.5): when an appointment may be checked in, and why not.

use super::appointment::AppointmentStatus;
use super::rules::BookingRules;

/// A ticket as it is printed, shown and called: its area's letter and its number of three
/// digits, `M-003`.
pub fn ticket_label(area: &str, number: i64) -> String {
    format!("{area}-{number:03}")
}

/// A ticket's label as a desk or a client sends it back (`M-003`, also `m-3`): its area and
/// number, or `None` if it cannot be a ticket of one of the four areas.
pub fn parse_ticket_label(text: &str) -> Option<(&'static str, i64)> {
    let (area, number) = text.trim().split_once('-')?;
    let area = super::queue_figures::AREAS
        .iter()
        .find(|a| a.eq_ignore_ascii_case(area))?;
    if number.is_empty() || number.len() > 6 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: i64 = number.parse().ok()?;
    (number > 0).then_some((area, number))
}

/// Why an appointment cannot be checked in at a kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInRefusal {
    /// No appointment has this reference.
    NotFound,
    /// The appointment is at another directorate.
    WrongDirectorate,
    /// Check-in has not opened yet (it opens 60 minutes before).
    TooEarly,
    /// Check-in has closed (15 minutes after the start), or the appointment was missed.
    TooLate,
    /// The appointment was cancelled.
    Cancelled,
    /// The citizen has already been served.
    AlreadyServed,
}

/// Whether an appointment starting at `starts_at` may be checked in at `now` (Unix seconds).
pub fn window(rules: &BookingRules, starts_at: i64, now: i64) -> Result<(), CheckInRefusal> {
    if now < starts_at - rules.check_in_opens_minutes * 60 {
        return Err(CheckInRefusal::TooEarly);
    }
    if now > starts_at + rules.check_in_closes_minutes * 60 {
        return Err(CheckInRefusal::TooLate);
    }
    Ok(())
}

/// What checking in does with an appointment the kiosk was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInStep {
    /// Mark it checked in and issue the next ticket of its area.
    Issue,
    /// It was checked in before: show the same ticket again.
    Again,
}

/// Whether an appointment in `status`, starting at `starts_at`, may be checked in at a kiosk of
/// `its_directorate` (false: the kiosk is another directorate's) at `now`, and how.
pub fn decide(
    rules: &BookingRules,
    status: AppointmentStatus,
    its_directorate: bool,
    starts_at: i64,
    now: i64,
) -> Result<CheckInStep, CheckInRefusal> {
    if !its_directorate {
        return Err(CheckInRefusal::WrongDirectorate);
    }
    match status {
        AppointmentStatus::Cancelled => Err(CheckInRefusal::Cancelled),
        AppointmentStatus::Attended => Err(CheckInRefusal::AlreadyServed),
        AppointmentStatus::NoShow => Err(CheckInRefusal::TooLate),
        AppointmentStatus::CheckedIn => Ok(CheckInStep::Again),
        AppointmentStatus::Booked => window(rules, starts_at, now).map(|()| CheckInStep::Issue),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_reads_back_as_its_area_and_number() {
        assert_eq!(parse_ticket_label("M-003"), Some(("M", 3)));
        assert_eq!(parse_ticket_label(" a-15 "), Some(("A", 15)));
        assert_eq!(
            parse_ticket_label(&ticket_label("P", 1234)),
            Some(("P", 1234))
        );
        for bad in [
            "",
            "M",
            "M-",
            "M-0",
            "X-001",
            "M--1",
            "M-+1",
            "M-1a",
            "M-٣",
            "-001",
            "M-1234567",
            "MM-001",
        ] {
            assert_eq!(parse_ticket_label(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn check_in_opens_an_hour_before_and_closes_a_quarter_after() {
        let rules = BookingRules::default();
        let start = 1_800_000_000;
        assert_eq!(
            window(&rules, start, start - 3601),
            Err(CheckInRefusal::TooEarly)
        );
        assert_eq!(window(&rules, start, start - 3600), Ok(()));
        assert_eq!(window(&rules, start, start), Ok(()));
        assert_eq!(window(&rules, start, start + 900), Ok(()));
        assert_eq!(
            window(&rules, start, start + 901),
            Err(CheckInRefusal::TooLate)
        );
    }

    #[test]
    fn only_a_booked_appointment_of_this_directorate_in_its_window_gets_a_new_ticket() {
        let rules = BookingRules::default();
        let start = 1_800_000_000;
        let decide = |status, here, now| decide(&rules, status, here, start, now);
        assert_eq!(
            decide(AppointmentStatus::Booked, true, start - 600),
            Ok(CheckInStep::Issue)
        );
        assert_eq!(
            decide(AppointmentStatus::Booked, true, start - 3601),
            Err(CheckInRefusal::TooEarly)
        );
        assert_eq!(
            decide(AppointmentStatus::Booked, false, start),
            Err(CheckInRefusal::WrongDirectorate)
        );
        // Checked in before: the same ticket, even once the window has closed.
        assert_eq!(
            decide(AppointmentStatus::CheckedIn, true, start + 3600),
            Ok(CheckInStep::Again)
        );
        assert_eq!(
            decide(AppointmentStatus::CheckedIn, false, start),
            Err(CheckInRefusal::WrongDirectorate)
        );
        for (status, refusal) in [
            (AppointmentStatus::Cancelled, CheckInRefusal::Cancelled),
            (AppointmentStatus::Attended, CheckInRefusal::AlreadyServed),
            (AppointmentStatus::NoShow, CheckInRefusal::TooLate),
        ] {
            assert_eq!(decide(status, true, start), Err(refusal), "{status:?}");
        }
    }
}
