//! The booking journey (SPEC §3.2): one question per page — service, directorate, day, time,
//! check your answers — then the confirmation. The answers so far live in the address
//! (`crate::journey`), so browser back and forward, a reload and a shared link all keep them.

pub mod check;
pub mod day;
pub mod directorate;
pub mod service;
pub mod time;
