//! The store's statements, written once for both engines: one file per area, each implementing
//! its area's trait for `SqlStore`.

pub(crate) mod audit;
pub(crate) mod bookings;
mod citizen_auth;
pub(crate) mod closures;
mod configuration;
mod devices;
pub(crate) mod idempotency;
pub(crate) mod kiosks;
mod messages;
mod operations;
pub(crate) mod outbox;
mod outcomes;
pub(crate) mod queue;
mod rate_events;
mod registry;
pub(crate) mod second_factor;
mod sessions;
mod staff;
mod staff_writes;
pub(crate) mod tickets;
mod trust_lists;
pub(crate) mod waitlist;
