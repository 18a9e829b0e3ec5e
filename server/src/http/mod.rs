//! HTTP plumbing shared by every route: problem documents, security headers, metrics, static files.

pub mod cache;
pub mod extract;
pub mod idempotency;
pub mod metrics;
pub mod problem;
pub mod security;
pub mod static_files;
