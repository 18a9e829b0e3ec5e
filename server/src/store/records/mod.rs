//! The records the store reads and writes: plain data, no I/O; one file per area.

mod audit;
mod bookings;
mod devices;
mod network;
mod queue;
mod registry;
mod sessions;
mod staff;
mod waitlist;

pub use crate::domain::appointment::AppointmentStatus;
pub use rega_api::staff::StaffRole;

pub use audit::*;
pub use bookings::*;
pub use devices::*;
pub use network::*;
pub use queue::*;
pub use registry::*;
pub use sessions::*;
pub use staff::*;
pub use waitlist::*;
