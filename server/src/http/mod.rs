//! HTTP plumbing shared by every route: problem documents, extractors, the client's address,
//! the Origin check, the audit trail's writer, idempotency, security headers, metrics, caches and
//! static files.

pub mod audit;
pub mod cache;
pub mod client;
pub mod edge;
pub mod extract;
pub mod idempotency;
pub mod metrics;
pub mod nul;
pub mod origin;
pub mod problem;
pub mod security;
pub mod serve;
pub mod static_files;
pub mod trace;
