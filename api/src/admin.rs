//! The central administrator's area (`/admin`): the network's configuration and the staff
//! accounts.

use serde::{Deserialize, Serialize};

use crate::service::ServiceKind;
use crate::staff::StaffRole;
use crate::time::{ClockTime, Date};

/// A staff account, as the administrator lists it (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    /// Its number.
    pub id: i64,
    /// Its sign-in name.
    pub username: String,
    /// `desk`, `supervisor` or `admin`.
    pub role: StaffRole,
    /// The directorate it works for (none for an administrator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directorate: Option<String>,
    /// Whether it may sign in.
    pub active: bool,
    /// It still has the one-time password an administrator gave it.
    pub one_time_password: bool,
    /// It signs in with a second factor.
    #[serde(default)]
    pub second_factor: bool,
}

/// `POST /admin/staff`: a new account; the server makes its one-time password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaffAccount {
    /// 3 to 64 characters: lower-case letters, digits, `.`, `-`, `_`.
    pub username: String,
    /// `desk`, `supervisor` or `admin`.
    pub role: StaffRole,
    /// The directorate, for a desk or supervisor; none for an administrator.
    #[serde(default)]
    pub directorate: Option<String>,
}

/// `POST /admin/staff/{id}`: what an account is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffAccountChange {
    /// The role.
    pub role: StaffRole,
    /// The directorate, for a desk or supervisor; none for an administrator.
    #[serde(default)]
    pub directorate: Option<String>,
    /// Whether it may sign in (a deactivated account's sessions end at once).
    pub active: bool,
}

/// An account with its one-time password, shown only in this answer (only its hash is kept);
/// the account must choose its own password when it first signs in with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OneTimePassword {
    /// The account.
    pub account: StaffAccount,
    /// The password to hand over in person; valid for 72 hours.
    pub one_time_password: String,
}

/// The configuration in force (`GET /admin/configuration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigurationDocument {
    /// Its version (0: none applied yet).
    pub version: i64,
    /// The TOML document (`docs/configuration.md`), as `rega config export` prints it.
    pub document: String,
}

/// `POST /admin/configuration/preview`: a document to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckConfiguration {
    /// The TOML document.
    pub document: String,
}

/// Where a configuration document is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigurationError {
    /// The line (1-based; 0 when the whole document is meant).
    pub line: usize,
    /// The field, as a path (`directorates[2].hours.sunday`).
    pub field: String,
    /// What is wrong, in the configuration file's own terms (English, like the file).
    pub message: String,
}

/// An appointment a configuration change would cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrandedAppointment {
    /// `RG-XXXX-XXXX`.
    pub reference: String,
    /// The directorate.
    pub directorate: String,
    /// The service.
    pub service: ServiceKind,
    /// Its day, in Asia/Baghdad.
    pub date: Date,
    /// Its start.
    pub time: ClockTime,
}

/// What applying a document would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigurationPreview {
    /// Why it would be refused; nothing else is filled when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ConfigurationError>,
    /// The version in force it was compared with: give it back to apply.
    pub version: i64,
    /// The document is the configuration in force: applying it changes nothing.
    pub unchanged: bool,
    /// How many directorates it configures.
    pub directorates: usize,
    /// Slots that would take no more bookings.
    pub closing_slots: usize,
    /// Slots whose places would change.
    pub changed_places: usize,
    /// The appointments it would cancel (each citizen told by SMS).
    pub stranded: Vec<StrandedAppointment>,
}

/// `POST /admin/configuration`: apply a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplyConfiguration {
    /// The TOML document.
    pub document: String,
    /// The version the preview was compared with: another version applied since refuses it.
    pub expected_version: i64,
    /// Cancel the appointments the preview listed (telling each citizen); without it, a change
    /// that strands any is refused.
    #[serde(default)]
    pub cancel_stranded: bool,
}

/// A configuration applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigurationApplied {
    /// The version now in force on every instance.
    pub version: i64,
    /// The appointments it cancelled.
    pub cancelled: usize,
}

/// A signing key as the trust list in force names it (`GET /admin/trust-list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustListKey {
    /// Its kid, 16 hex digits (as `rega keys generate` names its files).
    pub kid: String,
    /// `active`, `retired` or `revoked`.
    pub status: String,
    /// Valid from (Unix seconds).
    pub not_before: i64,
    /// Valid until (Unix seconds).
    pub not_after: i64,
    /// This server holds its private part.
    pub held_here: bool,
}

/// The DL1 credentials of the instance that answers (`GET` and `PUT /admin/trust-list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustListStatus {
    /// Licence codes are signed now.
    pub signing: bool,
    /// The kid (hex) that signs them.
    pub signing_kid: Option<String>,
    /// Why codes are not signed, or that the list expires within a week.
    pub attention: Option<String>,
    /// When the list in force was signed (Unix seconds).
    pub signed_at: Option<i64>,
    /// When it expires (Unix seconds).
    pub expires_at: Option<i64>,
    /// Its keys.
    pub keys: Vec<TrustListKey>,
}
