//! The staff area over HTTP, one file per room of `routes/staff/`.

mod audit;
mod closures;
mod events;
mod figures;
mod kiosks;
mod planning;
mod queue;
mod second_factor;
mod session;
mod walk_ins;
