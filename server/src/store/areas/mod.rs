//! What the store does, by area: one trait per area, and [`Store`], which is all of them. The
//! handlers hold an `Arc<dyn Store>` and call any area's method on it.
mod citizens;
mod directorates;

pub use citizens::*;
pub use directorates::*;

/// Everything the server keeps. Both engines pass one conformance suite
/// (`server/tests/api/store/`).
pub trait Store:
    Operations
    + Registry
    + Configurations
    + TrustLists
    + Outcomes
    + Bookings
    + CitizenAuth
    + Sessions
    + RateEvents
    + StaffAccounts
    + SecondFactors
    + Queue
    + Kiosks
    + Closures
    + StaffWrites
    + Messages
    + Audit
    + Idempotency
    + Waitlist
    + LicenceDevices
    + 'static
{
}

impl<T> Store for T where
    T: Operations
        + Registry
        + Configurations
        + TrustLists
        + Outcomes
        + Bookings
        + CitizenAuth
        + Sessions
        + RateEvents
        + StaffAccounts
        + SecondFactors
        + Queue
        + Kiosks
        + Closures
        + StaffWrites
        + Messages
        + Audit
        + Idempotency
        + Waitlist
        + LicenceDevices
        + 'static
{
}
