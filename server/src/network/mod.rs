//! The network's configuration (`docs/configuration.md`): the file operators write
//! ([`file`]), the configuration in force on this instance ([`live`]), and applying a new
//! version with its preview of what it strands ([`apply`]). The rules themselves are in
//! `domain::configuration`.

pub mod apply;
pub mod cli;
pub mod file;
pub mod live;
