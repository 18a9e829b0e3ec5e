//! The audit trail as supervisors and the administrator read it (`GET /staff/audit`).

use serde::{Deserialize, Serialize};

/// One record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryView {
    /// Its place in the hash chain (none: from before the chain began).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    /// When (Unix seconds).
    pub at: i64,
    /// Who (`staff:<id>`, `kiosk:<id>`, `citizen:<id>`, `anonymous`, `system`, …).
    pub actor: String,
    /// The staff account's username, when a staff account acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// What.
    pub action: String,
    /// On what.
    pub object: String,
    /// How it ended.
    pub result: String,
}

/// A page of records, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The records.
    pub records: Vec<AuditEntryView>,
    /// The cursor of the next (older) page, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}
