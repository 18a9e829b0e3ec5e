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

/// `POST /licence/credential`: this phone's key, for a credential bound to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CredentialRequest {
    /// The phone's P-256 public key: the 65-byte uncompressed SEC1 point (what WebCrypto's
    /// `exportKey("raw")` gives), base64url without padding.
    pub public_key: String,
    /// What the phone calls itself, to tell the phones apart in a list ("Chrome on Android").
    pub label: String,
}

/// A licence credential bound to the phone's key (the bound form, `DLB:`). The phone shows it
/// offline: it signs `"DLB1 presentation" ‖ digest ‖ time` with its key and puts
/// `"DLB:" + Base45(credential ‖ time ‖ signature)` in the QR code (docs/credential.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoundCredential {
    /// The phone's id in the citizen's list of phones.
    pub device: i64,
    /// The credential, compressed (COSE_Sign1 in zlib), base64url without padding.
    pub credential: String,
    /// SHA-256 of the COSE_Sign1, base64url without padding: what each presentation signs.
    pub digest: String,
    /// Issued at, Unix seconds.
    pub issued_at: i64,
    /// Valid until, Unix seconds: the licence works offline on this phone until then.
    pub expires_at: i64,
}

/// A phone the citizen's licence is (or was) kept on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceDevice {
    /// Its id.
    pub id: i64,
    /// What it called itself.
    pub label: String,
    /// First kept there, Unix seconds.
    pub added_at: i64,
    /// Last renewed, Unix seconds.
    pub last_issued_at: i64,
    /// What it holds verifies until then, Unix seconds, even if withdrawn.
    pub valid_until: i64,
    /// Withdrawn at, Unix seconds: it is issued nothing more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<i64>,
}

/// `POST /staff/licence-devices`: whose phones (the desk checked the ID card in person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceOwner {
    /// The national card number.
    pub national_id: String,
}

/// `POST /staff/licence-devices/withdraw`: which phone of whose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceWithdrawal {
    /// The national card number.
    pub national_id: String,
    /// The phone's id.
    pub device: i64,
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
