//! A supervisor's planning (SPEC §3.7): which days may be planned, how many places a slot may
//! have, when an extra slot may start, and what a counter may be called.

use rega_api::service::ServiceKind;
use rega_api::time::{ClockTime, Date};

/// A supervisor plans today and up to this many days ahead.
pub const PLANNING_DAYS: i64 = 60;
/// The most places one slot may have.
pub const MAX_PLACES: u32 = 50;

/// Why a planning request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanningError {
    /// The day is in the past or beyond [`PLANNING_DAYS`].
    OutsideWindow,
    /// Places outside what the request allows.
    Places,
    /// An extra slot's start that is not a quarter hour from 06:00 to 19:45.
    Start,
}

/// `day` may be planned on `today`: from today to [`PLANNING_DAYS`] ahead.
pub fn plannable(today: Date, day: Date) -> Result<(), PlanningError> {
    let ahead = day.days_since_epoch() - today.days_since_epoch();
    if (0..=PLANNING_DAYS).contains(&ahead) {
        Ok(())
    } else {
        Err(PlanningError::OutsideWindow)
    }
}

/// The places of every slot of a day: 0 (off the calendar for new bookings) to [`MAX_PLACES`].
pub fn day_places(places: u32) -> Result<u32, PlanningError> {
    (places <= MAX_PLACES)
        .then_some(places)
        .ok_or(PlanningError::Places)
}

/// The places of an extra slot: 1 to [`MAX_PLACES`].
pub fn extra_slot_places(places: u32) -> Result<u32, PlanningError> {
    (1..=MAX_PLACES)
        .contains(&places)
        .then_some(places)
        .ok_or(PlanningError::Places)
}

/// An extra slot's start, `H:MM` or `HH:MM` (any digits) on a quarter hour from 06:00 to 19:45:
/// (hour, minute).
pub fn extra_slot_start(text: &str) -> Result<(u8, u8), PlanningError> {
    ClockTime::parse(text)
        .filter(|t| t.is_quarter_hour() && (6..20).contains(&t.hour()))
        .map(|t| (t.hour(), t.minute()))
        .ok_or(PlanningError::Start)
}

/// Whether `letter` is a counter area (`ServiceKind::area`).
pub fn is_area(letter: &str) -> bool {
    ServiceKind::ALL.iter().any(|s| s.area() == letter)
}

/// A counter's name as the board shows it: 1 to 8 letters, digits, spaces or hyphens (trimmed).
pub fn counter_name(text: &str) -> Option<String> {
    let name = text.trim();
    let fits = (1..=8).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
    fits.then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect("a date")
    }

    #[test]
    fn today_to_sixty_days_ahead_may_be_planned() {
        let today = date("2026-12-04");
        assert_eq!(plannable(today, today), Ok(()));
        assert_eq!(plannable(today, date("2027-02-02")), Ok(()));
        assert_eq!(
            plannable(today, date("2027-02-03")),
            Err(PlanningError::OutsideWindow)
        );
        assert_eq!(
            plannable(today, date("2026-12-03")),
            Err(PlanningError::OutsideWindow)
        );
    }

    #[test]
    fn places_are_bounded() {
        assert_eq!(day_places(0), Ok(0));
        assert_eq!(day_places(50), Ok(50));
        assert_eq!(day_places(51), Err(PlanningError::Places));
        assert_eq!(extra_slot_places(0), Err(PlanningError::Places));
        assert_eq!(extra_slot_places(1), Ok(1));
        assert_eq!(extra_slot_places(51), Err(PlanningError::Places));
    }

    #[test]
    fn an_extra_slot_starts_on_a_quarter_hour_in_opening_time() {
        assert_eq!(extra_slot_start("06:00"), Ok((6, 0)));
        assert_eq!(extra_slot_start("6:15"), Ok((6, 15)));
        assert_eq!(
            extra_slot_start("١٩:٤٥"),
            Ok((19, 45)),
            "Eastern Arabic digits"
        );
        for wrong in ["05:45", "20:00", "10:10", "10:60", "10", "ten:00", ""] {
            assert_eq!(
                extra_slot_start(wrong),
                Err(PlanningError::Start),
                "{wrong}"
            );
        }
    }

    #[test]
    fn counters_and_areas() {
        for area in ["A", "T", "P", "M"] {
            assert!(is_area(area), "{area}");
        }
        assert!(!is_area("X") && !is_area("a") && !is_area(""));
        assert_eq!(counter_name(" 3 ").as_deref(), Some("3"));
        assert_eq!(counter_name("Desk-12").as_deref(), Some("Desk-12"));
        assert_eq!(counter_name(""), None);
        assert_eq!(counter_name("123456789"), None);
        assert_eq!(counter_name("3;DROP"), None);
    }
}
