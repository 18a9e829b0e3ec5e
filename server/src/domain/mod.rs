//! Booking rules as plain code (SPEC §4): the calendar, eligibility and limits. No I/O; every
//! rule has its unit tests here.

pub mod appointment;
pub mod audit_chain;
pub mod calendar;
pub mod check_in;
pub mod closure;
pub mod collation;
pub mod configuration;
pub mod devices;
pub mod eligibility;
pub mod limits;
pub mod messages;
pub mod planning;
pub mod queue_figures;
pub mod queue_order;
pub mod recall;
pub mod registry;
pub mod rules;
pub mod second_factor;
pub mod staff;
pub mod ticket_link;
pub mod waitlist;
