//! The booking rules' settings, with the SPEC §4 defaults. Configuration, not code: a deployment
//! may change any of them.

/// Every tunable booking rule (`docs/configuration.md`, `[rules]` and the services' eligibility
/// parameters). Opening hours and slot lengths are the directorates' and services' own
/// (`domain::configuration`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRules {
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
    /// The minimum age for the theory test (18).
    pub theory_minimum_age: u8,
    /// A theory test pass recorded at a desk opens the practical test for this many days (365).
    pub theory_pass_valid_days: i64,
    /// Kiosk check-in opens this many minutes before the appointment (60) …
    pub check_in_opens_minutes: i64,
    /// … and closes this many minutes after its start (15).
    pub check_in_closes_minutes: i64,
    /// Not a booking rule but the network's: the audit trail keeps a record this many days
    /// (730), then purges it, leaving a checkpoint in the chain.
    pub audit_retention_days: i64,
    /// Not a booking rule but the network's: the evening reminder of tomorrow's appointments
    /// leaves at this hour, Baghdad time (18).
    pub reminder_hour: u8,
    /// A message the SMS gateway keeps refusing is given up after this many hours (12), the
    /// failure audited.
    pub message_give_up_hours: i64,
    /// A place that frees up is held this many minutes (30) for the first citizen on the
    /// waitlist it matches, then offered to the next.
    pub waitlist_hold_minutes: i64,
    /// A licence credential bound to a citizen's phone is valid this many days (7): how long
    /// the licence works offline, and how long a withdrawn phone's last one still verifies.
    pub licence_credential_days: i64,
}

impl Default for BookingRules {
    fn default() -> BookingRules {
        BookingRules {
            window_days: 30,
            cutoff_hours: 24,
            max_changes: 4,
            max_changes_days: 30,
            no_show_limit: 3,
            no_show_window_days: 90,
            no_show_block_days: 30,
            renewal_window_days: 180,
            minimum_age: 18,
            theory_minimum_age: 18,
            theory_pass_valid_days: 365,
            check_in_opens_minutes: 60,
            check_in_closes_minutes: 15,
            audit_retention_days: 730,
            reminder_hour: 18,
            message_give_up_hours: 12,
            waitlist_hold_minutes: 30,
            licence_credential_days: rega_credential::bound::DEFAULT_CREDENTIAL_DAYS,
        }
    }
}
