//! The audit trail's records and queries.

/// One audit record (SPEC §6): never a code, a token or a cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When, Unix seconds (stored as UTC).
    pub at: i64,
    /// Who: `citizen:<id>`, `anonymous`, `system`, `staff:<name>`.
    pub actor: String,
    /// What: `auth.code_sent`, `booking.created`, …
    pub action: String,
    /// On what: an appointment reference, a masked ID, …
    pub object: String,
    /// How it ended: `ok` or a problem code.
    pub result: String,
}

/// What to look for in the audit trail (`Audit::audit_search`); an empty text matches any.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// From (Unix seconds, inclusive) …
    pub from: i64,
    /// … to (exclusive).
    pub to: i64,
    /// Records of this directorate only (its staff's, its kiosks', its appointments').
    pub directorate: String,
    /// This actor (`staff:<id>`, `kiosk:<id>`, `citizen:<id>`, …).
    pub actor: String,
    /// This action (`booking.created`, …).
    pub action: String,
    /// This object (`appointment:<reference>`, …).
    pub object: String,
    /// Records written before this one (its id), for the next page; `i64::MAX` for the first.
    pub before: i64,
    /// At most this many.
    pub limit: u32,
}

/// An audit record as the trail's readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its id (the cursor of the next page).
    pub id: i64,
    /// Its place in the chain (none: from before the chain began).
    pub seq: Option<i64>,
    /// The record.
    pub record: AuditRecord,
    /// The staff account's username when a staff account acted.
    pub staff: Option<String>,
}
