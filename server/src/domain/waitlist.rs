//! The waitlist's rules (docs/waitlist.md): which days and part of the day an entry waits for,
//! which places may be offered to it, and how long an offer holds a place. The store keeps the
//! line and the holds; what is decided here is plain arithmetic on Baghdad time.

use rega_api::time::{BAGHDAD_OFFSET_SECONDS, Date, LocalDateTime};
use rega_api::waitlist::DayPart;

const DAY: i64 = 86_400;
const NOON: i64 = 12 * 3600;

/// Whether a place starting at `starts_at` (Unix seconds) is in the part of its day `part`.
pub fn in_part(part: DayPart, starts_at: i64) -> bool {
    part == DayPart::Any || part == part_of(starts_at)
}

/// The part of its day (morning or afternoon) a place starting at `starts_at` is in.
pub fn part_of(starts_at: i64) -> DayPart {
    if (starts_at + BAGHDAD_OFFSET_SECONDS).rem_euclid(DAY) < NOON {
        DayPart::Morning
    } else {
        DayPart::Afternoon
    }
}

/// Why an entry's days are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeError {
    /// The last day is before the first.
    Reversed,
    /// A day is outside the booking window.
    OutsideWindow,
}

/// The times an entry for the days `from..=to` waits for, `[start of from, end of to)` as Unix
/// seconds, if both days are inside the booking window `first..=last`.
pub fn days_window(
    from: Date,
    to: Date,
    (first, last): (Date, Date),
) -> Result<(i64, i64), RangeError> {
    if to < from {
        return Err(RangeError::Reversed);
    }
    if from < first || to > last {
        return Err(RangeError::OutsideWindow);
    }
    Ok((
        LocalDateTime::midnight(from),
        LocalDateTime::midnight(to.add_days(1)),
    ))
}

/// The times an entry for an earlier place of a booking starting at `starts_at` waits for: from
/// the first day of the booking window to the booking's own start.
pub fn earlier_window(first: Date, starts_at: i64) -> Option<(i64, i64)> {
    let from = LocalDateTime::midnight(first);
    (from < starts_at).then_some((from, starts_at))
}

/// Until when an offer made at `now` holds its place, for holds of `hold_minutes`
/// (`BookingRules::waitlist_hold_minutes`).
pub fn hold_until(hold_minutes: i64, now: i64) -> i64 {
    now + hold_minutes * 60
}

/// The earliest start of a place that may be offered at `now`: the citizen has the whole hold
/// to answer, and, as in booking, nothing is offered for the day that is running.
pub fn earliest_offer(hold_minutes: i64, now: i64) -> i64 {
    let tomorrow = LocalDateTime::from_unix(now).date.add_days(1);
    hold_until(hold_minutes, now).max(LocalDateTime::midnight(tomorrow))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn at(date: &str, hour: u8, minute: u8) -> i64 {
        LocalDateTime {
            date: day(date),
            hour,
            minute,
        }
        .to_unix()
    }

    #[test]
    fn a_part_of_the_day_is_read_on_the_baghdad_clock() {
        let morning = |t| in_part(DayPart::Morning, t);
        let afternoon = |t| in_part(DayPart::Afternoon, t);
        assert!(morning(at("2026-12-08", 0, 0)));
        assert!(morning(at("2026-12-08", 11, 45)));
        assert!(!morning(at("2026-12-08", 12, 0)));
        assert!(afternoon(at("2026-12-08", 12, 0)));
        assert!(afternoon(at("2026-12-08", 15, 30)));
        assert!(!afternoon(at("2026-12-08", 8, 0)));
        for hour in 0..24 {
            assert!(in_part(DayPart::Any, at("2026-12-08", hour, 0)));
        }
        assert_eq!(part_of(at("2026-12-08", 9, 0)), DayPart::Morning);
    }

    #[test]
    fn the_days_must_be_in_order_and_inside_the_window() {
        let window = (day("2026-12-08"), day("2027-01-06"));
        assert_eq!(
            days_window(day("2026-12-08"), day("2026-12-08"), window),
            Ok((at("2026-12-08", 0, 0), at("2026-12-09", 0, 0)))
        );
        assert_eq!(
            days_window(day("2026-12-10"), day("2026-12-09"), window),
            Err(RangeError::Reversed)
        );
        assert_eq!(
            days_window(day("2026-12-07"), day("2026-12-09"), window),
            Err(RangeError::OutsideWindow)
        );
        assert_eq!(
            days_window(day("2026-12-08"), day("2027-01-07"), window),
            Err(RangeError::OutsideWindow)
        );
    }

    #[test]
    fn an_earlier_place_is_before_the_booking_and_inside_the_window() {
        let start = at("2026-12-20", 9, 0);
        assert_eq!(
            earlier_window(day("2026-12-08"), start),
            Some((at("2026-12-08", 0, 0), start))
        );
        assert_eq!(earlier_window(day("2026-12-21"), start), None);
    }

    #[test]
    fn an_offer_holds_its_place_and_never_for_a_place_that_starts_first() {
        let minutes = crate::domain::rules::BookingRules::default().waitlist_hold_minutes;
        let evening = at("2026-12-07", 23, 50);
        assert_eq!(hold_until(minutes, evening), evening + 30 * 60);
        // Late in the evening the hold runs past midnight: the first place offered starts after it.
        assert_eq!(earliest_offer(minutes, evening), evening + 30 * 60);
        // In the morning, nothing of the running day.
        assert_eq!(
            earliest_offer(minutes, at("2026-12-07", 9, 0)),
            at("2026-12-08", 0, 0)
        );
    }
}
