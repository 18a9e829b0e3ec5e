//! The citizen's pages: home, sign-in, the booking journey, My appointments and an appointment,
//! My licence, and the queue ticket on the phone.

pub mod appointment;
pub mod appointments;
pub mod book;
pub mod home;
pub mod licence;
pub mod sign_in;
pub mod ticket;
