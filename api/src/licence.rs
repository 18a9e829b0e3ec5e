//! The citizen's licence card and its DL1 token.

use serde::{Deserialize, Serialize};

use crate::time::Date;

/// The licence's overall state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    /// Valid.
    Valid,
    /// Valid, and renewal is open (it expires within 180 days).
    ExpiringSoon,
    /// Past its expiry date.
    Expired,
    /// Suspended: no QR code.
    Suspended,
}

crate::wire_words!(LicenceStatus, "a licence status", {
    Valid = "valid",
    ExpiringSoon = "expiring_soon",
    Expired = "expired",
    Suspended = "suspended",
});

/// One vehicle category on the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryView {
    /// Category code, e.g. `B`.
    pub code: String,
    /// Granted on.
    pub issue_date: Date,
    /// Valid until.
    pub expiry_date: Date,
    /// Past its expiry date.
    pub expired: bool,
}

/// The licence card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceCard {
    /// Family name, Latin script.
    pub family_name: String,
    /// Given name, Latin script.
    pub given_name: String,
    /// Family name, national script.
    pub family_name_national: String,
    /// Given name, national script.
    pub given_name_national: String,
    /// Date of birth.
    pub birth_date: Date,
    /// Licence number.
    pub document_number: String,
    /// Issuing authority.
    pub issuing_authority: String,
    /// Issue date.
    pub issue_date: Date,
    /// Expiry date.
    pub expiry_date: Date,
    /// Vehicle categories.
    pub categories: Vec<CategoryView>,
    /// Overall state.
    pub status: LicenceStatus,
    /// Why it is suspended, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspension_reason: Option<String>,
}

/// A fresh DL1 token for the QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceToken {
    /// The QR text, `DL1:…`.
    pub token: String,
    /// Issued at, Unix seconds.
    pub issued_at: i64,
    /// Expires at, Unix seconds (issued_at + 180).
    pub expires_at: i64,
}

/// The public key of the trust anchor, which signs the trust list (a JWK, P-256). A verifier
/// pins it the first time and then refuses lists signed by any other key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrustAnchor {
    /// Key ID: base64url of the first 8 bytes of SHA-256 over the key's SubjectPublicKeyInfo;
    /// shown on the verifier so an officer can compare it with the published one.
    pub kid: String,
    /// Always `P-256`.
    pub crv: String,
    /// The point's x coordinate, base64url (32 bytes).
    pub x: String,
    /// The point's y coordinate, base64url (32 bytes).
    pub y: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_licencestatus_reads_back_the_word_it_writes() {
        crate::wire::assert_round_trip(LicenceStatus::ALL_WORDS);
    }
}
