//! The server's time as this device knows it. A phone's clock may be minutes off; the licence
//! code's countdown and the time a phone signs into its own code must still be the server's, or
//! the page asks for a new code every second (it always looks expired) and an officer's
//! verifier refuses the phone's code as one from the future.
//!
//! The same holds for an officer's verifier, which checks codes against its clock offline.
//!
//! Learned from the server's fresh answers (a token's or a credential's issue time, the trust
//! list's `Date` header) and kept as a setting of the device, so it holds offline and after a
//! reload too.

use std::cell::Cell;

/// Where the difference is kept: server time minus this device's, in milliseconds.
pub const STORAGE_KEY: &str = "rega.clock-offset";

/// A clock this close to the server's is taken as right: an answer's own delay on the network
/// and the server's whole seconds make a smaller difference meaningless.
const RIGHT_WITHIN_MS: i64 = 5_000;

// Whole milliseconds: an integer, because formatting and parsing a float would add 18 KB of
// code to the licence page.
thread_local! {
    static OFFSET: Cell<Option<i64>> = const { Cell::new(None) };
}

/// How far the server's clock is ahead of this device's, in milliseconds.
fn offset_ms() -> i64 {
    OFFSET.with(|cell| {
        cell.get().unwrap_or_else(|| {
            let kept = crate::storage::read(STORAGE_KEY)
                .and_then(|text| text.parse::<i64>().ok())
                .unwrap_or(0);
            cell.set(Some(kept));
            kept
        })
    })
}

/// The server's time now, in Unix milliseconds.
pub fn now_ms() -> f64 {
    js_sys::Date::now() + offset_ms() as f64
}

/// Notes the server's time from an answer just received: `issued_at`, Unix seconds, which the
/// server set as it answered (a time it issued, or its `Date` header).
pub fn learn(issued_at: i64) {
    let offset = difference(issued_at, js_sys::Date::now());
    OFFSET.with(|cell| cell.set(Some(offset)));
    let text = (offset != 0).then(|| offset.to_string());
    crate::storage::write(STORAGE_KEY, text.as_deref());
}

/// The server's clock minus this device's, from a time the server set in whole seconds and
/// the device's time on receiving it: 0 when the two are as close as the network allows.
pub fn difference(issued_at: i64, received_ms: f64) -> i64 {
    // Mid-second: the server's whole second began up to a second before it answered.
    let offset = issued_at.saturating_mul(1000) + 500 - received_ms as i64;
    if offset.abs() < RIGHT_WITHIN_MS {
        0
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_within_seconds_of_the_server_is_taken_as_right() {
        assert_eq!(difference(1_000, 1_000_300.0), 0);
        assert_eq!(difference(1_000, 1_004_000.0), 0);
    }

    #[test]
    fn a_phone_minutes_ahead_counts_minutes_back() {
        // The phone says 10 minutes later than the server did.
        assert_eq!(difference(1_000, 1_600_500.0), -600_000);
        assert_eq!(difference(1_600, 1_000_500.0), 600_000);
    }
}
