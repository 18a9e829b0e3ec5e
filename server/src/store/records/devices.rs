//! The phones a licence is kept on: a phone as kept, what issuing a credential to one asks for,
//! and why it can be refused.

/// A phone that holds (or held) a credential of the citizen's licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// Its id.
    pub id: i64,
    /// Whose.
    pub citizen_id: i64,
    /// The key's thumbprint (16 bytes, hex) the credentials name.
    pub binding: String,
    /// What it called itself.
    pub label: String,
    /// First issued a credential at.
    pub added_at: i64,
    /// Last issued a credential at.
    pub last_issued_at: i64,
    /// The end of the last credential issued to it.
    pub valid_until: i64,
    /// Withdrawn at, if so: it is issued nothing more.
    pub withdrawn_at: Option<i64>,
    /// Who withdrew it: `citizen` or `staff:<id>`.
    pub withdrawn_by: Option<String>,
}

/// A credential about to be issued to a phone.
#[derive(Debug, Clone)]
pub struct DeviceIssue {
    /// To whom.
    pub citizen_id: i64,
    /// The key's thumbprint (hex).
    pub binding: String,
    /// The key, SEC1 uncompressed, base64url.
    pub public_key: String,
    /// What the phone calls itself (already cleaned).
    pub label: String,
    /// Now.
    pub now: i64,
    /// The credential's end.
    pub valid_until: i64,
    /// At most this many phones not withdrawn.
    pub max_devices: i64,
}

/// Why a phone is issued nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceRefusal {
    /// It was withdrawn.
    Withdrawn,
    /// The citizen has as many phones as allowed.
    TooMany,
}
