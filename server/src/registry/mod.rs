//! The licence registry's side of Rega: the record it sends (`wire`), and the bulk import of a
//! file of them (`import`).

pub mod import;
pub mod wire;
