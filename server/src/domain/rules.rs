//! The booking rules' settings, with the SPEC §4 defaults. Configuration, not code: a deployment
//! may change any of them.

use rega_api::service::ServiceKind;
use rega_api::time::Weekday;

/// Every tunable booking rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRules {
    /// Opening time, minutes after midnight (08:00).
    pub opens_at_minute: u16,
    /// Closing time, minutes after midnight (14:00); the last slot ends by then.
    pub closes_at_minute: u16,
    /// The days directorates open (Sunday to Thursday).
    pub open_weekdays: Vec<Weekday>,
    /// How far ahead a citizen may book, in days (30).
    pub window_days: i64,
    /// Changes and cancellations are allowed until this many hours before the start (24).
    pub cutoff_hours: i64,
    /// At most this many bookings or reschedules per citizen … (4)
    pub max_changes: u32,
    /// … in this many days (30).
    pub max_changes_days: i64,
    /// This many no-shows … (3)
    pub no_show_limit: u32,
    /// … within this many days (90) …
    pub no_show_window_days: i64,
    /// … block online booking for this many days (30).
    pub no_show_block_days: i64,
    /// A renewal may be booked when the licence expires within this many days (180).
    pub renewal_window_days: i64,
    /// The minimum age for a new licence (18).
    pub minimum_age: u8,
    /// A theory test pass recorded at a desk opens the practical test for this many days (365).
    pub theory_pass_valid_days: i64,
    /// Kiosk check-in opens this many minutes before the appointment (60) …
    pub check_in_opens_minutes: i64,
    /// … and closes this many minutes after its start (15).
    pub check_in_closes_minutes: i64,
}

impl Default for BookingRules {
    fn default() -> BookingRules {
        BookingRules {
            opens_at_minute: 8 * 60,
            closes_at_minute: 14 * 60,
            open_weekdays: vec![
                Weekday::Sunday,
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
            ],
            window_days: 30,
            cutoff_hours: 24,
            max_changes: 4,
            max_changes_days: 30,
            no_show_limit: 3,
            no_show_window_days: 90,
            no_show_block_days: 30,
            renewal_window_days: 180,
            minimum_age: 18,
            theory_pass_valid_days: 365,
            check_in_opens_minutes: 60,
            check_in_closes_minutes: 15,
        }
    }
}

impl BookingRules {
    /// The slot length of a service, in minutes: tests 30, medical check 15, others 15.
    pub fn slot_minutes(&self, service: ServiceKind) -> u16 {
        match service {
            ServiceKind::TheoryTest | ServiceKind::PracticalTest => 30,
            ServiceKind::MedicalCheck
            | ServiceKind::NewLicence
            | ServiceKind::Renewal
            | ServiceKind::Replacement => 15,
        }
    }
}
