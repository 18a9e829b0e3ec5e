//! Sign-in: request a code, verify it, the session, sign out.

use serde::{Deserialize, Serialize};

/// `POST /auth/code`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// The national card number (either digit set); parsed by the server into a `NationalId`,
    /// so a malformed one gets its own error code.
    pub national_id: String,
    /// The language the code's SMS is written in (the app's; default Sorani).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<crate::Locale>,
}

/// The answer to a code request, the same whether or not the ID is registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// How long the code is valid.
    pub expires_in_seconds: i64,
    /// When a new code may be asked for.
    pub resend_after_seconds: i64,
}

/// `POST /auth/verify`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The national card number.
    pub national_id: String,
    /// The 6-digit code from the SMS (either digit set).
    pub code: String,
    /// The language the citizen's messages are written in from now on (the app's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<crate::Locale>,
    /// "This is a shared phone": the app keeps nothing on the device, and no licence
    /// credential is issued to this session.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared_device: bool,
}

/// `PUT /auth/locale`: the signed-in citizen switched language; their messages follow.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocaleChoice {
    /// `ckb`, `ar` or `en`.
    pub locale: crate::Locale,
}

/// The signed-in session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The last three digits of the national card number, to show whose session this is.
    pub national_id_last_digits: String,
    /// When the session ends without activity, Unix seconds.
    pub idle_expires_at: i64,
    /// When the session ends in any case, Unix seconds.
    pub absolute_expires_at: i64,
    /// Signed in as "this is a shared phone": keep nothing on the device.
    #[serde(default)]
    pub shared_device: bool,
}

/// A message in the development SMS outbox (demo mode only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    /// The phone it went to.
    pub phone: String,
    /// Its text.
    pub text: String,
    /// When it was stored, Unix seconds.
    pub sent_at: i64,
}
