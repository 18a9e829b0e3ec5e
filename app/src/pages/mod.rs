//! One module per route or journey step.

pub mod appointments;
pub mod board;
pub mod book;
pub mod desk;
pub mod home;
pub mod kiosk;
pub mod licence;
pub mod not_found;
pub mod sign_in;
pub mod verify;
