//! Closing a directorate for a day or part of one (SPEC §3.7): the period, on quarter hours of
//! one day, and the supervisor's note. Which appointments a closure cancels — booked or checked
//! in, starting in the period — is the store's to count and do, in one statement each for the
//! preview and for the closure.

use rega_api::time::ClockTime;

/// Minutes in a day.
pub const DAY_MINUTES: i64 = 24 * 60;

/// Why a closure is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureError {
    /// Not a period of quarter hours that ends after it starts, or one already over.
    Period,
    /// The note is empty or longer than 200 characters.
    Note,
}

/// Minutes since midnight of `HH:MM` (any digits) on a quarter hour, `00:00` to `24:00`.
pub fn quarter_hour(text: &str) -> Option<i64> {
    ClockTime::parse(text)
        .filter(|t| t.is_quarter_hour())
        .map(ClockTime::minutes)
}

/// The time of day `minutes` after midnight, held to the day (`24:00` at its end).
pub fn clock(minutes: i64) -> ClockTime {
    ClockTime::from_minutes(minutes.clamp(0, DAY_MINUTES)).unwrap_or(ClockTime::END_OF_DAY)
}

/// The period closed, as minutes since midnight `[from, to)`: the whole day when neither end is
/// given, else both ends on quarter hours with `from` before `to`.
pub fn period(from: Option<&str>, to: Option<&str>) -> Result<(i64, i64), ClosureError> {
    let (from, to) = match (from, to) {
        (None, None) => (0, DAY_MINUTES),
        (Some(from), Some(to)) => (
            quarter_hour(from).ok_or(ClosureError::Period)?,
            quarter_hour(to).ok_or(ClosureError::Period)?,
        ),
        _ => return Err(ClosureError::Period),
    };
    if from >= to {
        return Err(ClosureError::Period);
    }
    Ok((from, to))
}

/// The period `[starts_at, ends_at)` (Unix seconds) of `minutes` on the day starting at
/// `midnight`, refused when it is already over at `now`.
pub fn on_day(midnight: i64, (from, to): (i64, i64), now: i64) -> Result<(i64, i64), ClosureError> {
    let (starts_at, ends_at) = (midnight + from * 60, midnight + to * 60);
    if ends_at <= now {
        return Err(ClosureError::Period);
    }
    Ok((starts_at, ends_at))
}

/// The supervisor's note, trimmed: 1 to 200 characters.
pub fn note(text: &str) -> Result<&str, ClosureError> {
    let note = text.trim();
    if (1..=200).contains(&note.chars().count()) {
        Ok(note)
    } else {
        Err(ClosureError::Note)
    }
}

/// Whether a closure of `[from, to)` minutes is the whole day.
pub fn whole_day((from, to): (i64, i64)) -> bool {
    from == 0 && to == DAY_MINUTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_the_whole_day_or_quarter_hours_in_order() {
        assert_eq!(period(None, None), Ok((0, DAY_MINUTES)));
        assert!(whole_day(period(None, None).expect("a period")));
        assert_eq!(period(Some("09:00"), Some("10:30")), Ok((540, 630)));
        assert_eq!(period(Some("٠٩:٠٠"), Some("24:00")), Ok((540, DAY_MINUTES)));
        // As an extra slot's start: one digit of hour is enough.
        assert_eq!(period(Some("9:00"), Some("10:00")), Ok((540, 600)));
        assert!(!whole_day((540, 630)));
        for (from, to) in [
            (Some("10:00"), Some("10:00")),
            (Some("11:00"), Some("10:00")),
            (Some("09:10"), Some("10:00")),
            (Some("09:00"), Some("24:15")),
            (Some("09:00"), None),
            (None, Some("10:00")),
        ] {
            assert_eq!(
                period(from, to),
                Err(ClosureError::Period),
                "{from:?}-{to:?}"
            );
        }
    }

    #[test]
    fn a_period_already_over_is_refused() {
        let midnight = 1_800_000_000;
        let morning = (8 * 60, 10 * 60);
        assert_eq!(
            on_day(midnight, morning, midnight),
            Ok((midnight + 8 * 3600, midnight + 10 * 3600))
        );
        assert_eq!(
            on_day(midnight, morning, midnight + 10 * 3600),
            Err(ClosureError::Period)
        );
        assert!(
            on_day(midnight, morning, midnight + 10 * 3600 - 1).is_ok(),
            "not over yet"
        );
    }

    #[test]
    fn the_note_is_one_to_two_hundred_characters() {
        assert_eq!(note("  power cut  "), Ok("power cut"));
        assert_eq!(note("   "), Err(ClosureError::Note));
        assert!(note(&"ب".repeat(200)).is_ok());
        assert_eq!(note(&"ب".repeat(201)), Err(ClosureError::Note));
        assert_eq!(clock(0).to_string(), "00:00");
        assert_eq!(clock(DAY_MINUTES).to_string(), "24:00");
        assert_eq!(clock(9 * 60 + 45).to_string(), "09:45");
    }
}
