//! The contract between the Rega app and server: locales, error codes and problem documents.

pub mod admin;
pub mod appointments;
pub mod audit;
pub mod auth;
pub mod availability;
pub mod endpoints;
pub mod format;
pub mod ids;
pub mod kiosk;
pub mod licence;
pub mod locale;
pub mod paths;
pub mod problem;
pub mod reference;
pub mod service;
pub mod staff;
pub mod tickets;
pub mod time;
pub mod waitlist;
pub mod wire;

pub use locale::Locale;
pub use problem::{ErrorCode, Problem};

/// The base path of every REST endpoint.
pub const API_BASE: &str = "/api/v1";
