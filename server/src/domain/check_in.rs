//! Kiosk check-in (SPEC §3.5): when an appointment may be checked in, and why not.

use super::rules::BookingRules;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
