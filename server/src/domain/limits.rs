//! Limits on a citizen's bookings (SPEC §4): at most 4 bookings or reschedules in 30 days,
//! changes until 24 hours before, and the no-show block. (One active appointment per service is
//! the database's own unique index, so that no burst can pass it.)

use super::rules::BookingRules;

/// Why a booking, reschedule or cancellation is refused by a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitError {
    /// An active (booked or checked-in) appointment for this service exists.
    AlreadyBooked,
    /// The citizen has booked or rescheduled as often as allowed in the period.
    TooManyChanges,
    /// The appointment starts too soon to change or cancel online.
    PastCutoff,
    /// Too many no-shows: online booking is blocked until this Unix time.
    NoShowBlocked {
        /// When the block ends.
        until: i64,
    },
}

const DAY: i64 = 86_400;

/// The bookings and reschedules a citizen may still make: at most `max` since `since` (Unix
/// time). The store counts the citizen's changes in that period inside its transaction; this
/// decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeLimit {
    /// At most this many …
    pub max: u32,
    /// … after this Unix time.
    pub since: i64,
}

impl ChangeLimit {
    /// The limit in force at `now`: `max_changes` in the last `max_changes_days`.
    pub fn at(rules: &BookingRules, now: i64) -> ChangeLimit {
        ChangeLimit {
            max: rules.max_changes,
            since: now - rules.max_changes_days * DAY,
        }
    }
}

/// The citizen has not used up the bookings and reschedules the limit allows, given the times
/// of their changes (those at or before `limit.since` do not count).
pub fn within_change_limit(limit: ChangeLimit, changes: &[i64]) -> Result<(), LimitError> {
    let recent = changes.iter().filter(|at| **at > limit.since).count();
    if recent >= limit.max as usize {
        return Err(LimitError::TooManyChanges);
    }
    Ok(())
}

/// An appointment starting at `starts_at` may still be changed or cancelled online at `now`.
pub fn before_cutoff(rules: &BookingRules, starts_at: i64, now: i64) -> Result<(), LimitError> {
    if starts_at - now < rules.cutoff_hours * 3600 {
        return Err(LimitError::PastCutoff);
    }
    Ok(())
}

/// Online booking is blocked when the citizen missed `no_show_limit` appointments within
/// `no_show_window_days`; the block lasts `no_show_block_days` from the latest of them.
pub fn no_show_block(rules: &BookingRules, no_shows: &[i64], now: i64) -> Result<(), LimitError> {
    let since = now - rules.no_show_window_days * DAY;
    let mut recent: Vec<i64> = no_shows
        .iter()
        .copied()
        .filter(|at| *at > since && *at <= now)
        .collect();
    if recent.len() < rules.no_show_limit as usize {
        return Ok(());
    }
    recent.sort_unstable();
    let until = recent[recent.len() - 1] + rules.no_show_block_days * DAY;
    if now < until {
        Err(LimitError::NoShowBlocked { until })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_856_400;

    #[test]
    fn at_most_four_bookings_or_reschedules_in_thirty_days() {
        let limit = ChangeLimit::at(&BookingRules::default(), NOW);
        let three = [NOW - DAY, NOW - 10 * DAY, NOW - 29 * DAY];
        assert_eq!(within_change_limit(limit, &three), Ok(()));
        let four = [NOW - DAY, NOW - 10 * DAY, NOW - 20 * DAY, NOW - 29 * DAY];
        assert_eq!(
            within_change_limit(limit, &four),
            Err(LimitError::TooManyChanges)
        );
        let one_aged_out = [NOW - DAY, NOW - 10 * DAY, NOW - 20 * DAY, NOW - 31 * DAY];
        assert_eq!(within_change_limit(limit, &one_aged_out), Ok(()));
        let exactly_thirty_days = [NOW - DAY, NOW - 10 * DAY, NOW - 20 * DAY, NOW - 30 * DAY];
        assert_eq!(within_change_limit(limit, &exactly_thirty_days), Ok(()));
    }

    #[test]
    fn changes_are_allowed_until_twenty_four_hours_before_the_start() {
        let rules = BookingRules::default();
        assert_eq!(before_cutoff(&rules, NOW + 24 * 3600, NOW), Ok(()));
        assert_eq!(
            before_cutoff(&rules, NOW + 24 * 3600 - 1, NOW),
            Err(LimitError::PastCutoff)
        );
        assert_eq!(
            before_cutoff(&rules, NOW - 3600, NOW),
            Err(LimitError::PastCutoff)
        );
    }

    #[test]
    fn three_no_shows_in_ninety_days_block_booking_for_thirty_days() {
        let rules = BookingRules::default();
        let latest = NOW - 5 * DAY;
        let three = [NOW - 80 * DAY, NOW - 40 * DAY, latest];
        assert_eq!(
            no_show_block(&rules, &three, NOW),
            Err(LimitError::NoShowBlocked {
                until: latest + 30 * DAY
            })
        );
        // The block ends 30 days after the latest no-show.
        assert_eq!(no_show_block(&rules, &three, latest + 30 * DAY), Ok(()));
        // Two are not enough; three spread over more than 90 days are not either.
        assert_eq!(no_show_block(&rules, &three[1..], NOW), Ok(()));
        let spread = [NOW - 100 * DAY, NOW - 40 * DAY, latest];
        assert_eq!(no_show_block(&rules, &spread, NOW), Ok(()));
    }
}
