//! The directorate's pages (their own wasm): the kiosk, the licence verifier, the staff desk and
//! the waiting hall's board.

pub mod board;
pub mod desk;
pub mod kiosk;
pub mod verify;
