//! Verifying a DL1 QR text (SPEC §5.4), each failure named, in the SPEC's order; the signature is
//! checked before anything in the payload is trusted.

use alloc::string::String;
use alloc::vec::Vec;

use crate::claims::{Claims, IsoDate, Licence};
use crate::cose::{ALG_ES256, Sign1};
use crate::trust::{KeyStatus, TrustList};
use crate::{DL1_PREFIX, base45};

/// Every way a QR text can fail verification, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerifyError {
    /// Nothing readable was scanned (empty text).
    QrUnreadable,
    /// The text does not start with the expected prefix (`DL1:`).
    BadPrefix,
    /// The text after the prefix is not Base45.
    BadBase45,
    /// Not zlib data, or it inflates to more than the limit (16 KiB).
    BadZlib,
    /// Not a COSE_Sign1 structure.
    BadCbor,
    /// The protected header does not say ES256.
    UnsupportedAlgorithm,
    /// No kid, or a kid the trust list does not know.
    UnknownKid,
    /// The signing key is revoked.
    KeyRevoked,
    /// The signing key is outside its validity period.
    KeyNotValid,
    /// The signature does not verify.
    BadSignature,
    /// A claim is missing or malformed.
    BadClaims,
    /// The token's issuer is not the issuer of its signing key.
    IssuerMismatch,
    /// Issued in the future (beyond the clock leeway).
    NotYetValid,
    /// Past its expiry (beyond the clock leeway).
    Expired,
    /// Valid for longer than the policy allows (exp − iat over 300 s).
    ValidityTooLong,
    /// Already seen by this verifier (kiosks remember tokens until they expire).
    Replayed,
}

impl VerifyError {
    /// Every variant, in checking order.
    pub const ALL: [VerifyError; 16] = [
        VerifyError::QrUnreadable,
        VerifyError::BadPrefix,
        VerifyError::BadBase45,
        VerifyError::BadZlib,
        VerifyError::BadCbor,
        VerifyError::UnsupportedAlgorithm,
        VerifyError::UnknownKid,
        VerifyError::KeyRevoked,
        VerifyError::KeyNotValid,
        VerifyError::BadSignature,
        VerifyError::BadClaims,
        VerifyError::IssuerMismatch,
        VerifyError::NotYetValid,
        VerifyError::Expired,
        VerifyError::ValidityTooLong,
        VerifyError::Replayed,
    ];

    /// The stable name of the failure (for logs, JSON output and message keys).
    pub fn name(self) -> &'static str {
        match self {
            VerifyError::QrUnreadable => "QrUnreadable",
            VerifyError::BadPrefix => "BadPrefix",
            VerifyError::BadBase45 => "BadBase45",
            VerifyError::BadZlib => "BadZlib",
            VerifyError::BadCbor => "BadCbor",
            VerifyError::UnsupportedAlgorithm => "UnsupportedAlgorithm",
            VerifyError::UnknownKid => "UnknownKid",
            VerifyError::KeyRevoked => "KeyRevoked",
            VerifyError::KeyNotValid => "KeyNotValid",
            VerifyError::BadSignature => "BadSignature",
            VerifyError::BadClaims => "BadClaims",
            VerifyError::IssuerMismatch => "IssuerMismatch",
            VerifyError::NotYetValid => "NotYetValid",
            VerifyError::Expired => "Expired",
            VerifyError::ValidityTooLong => "ValidityTooLong",
            VerifyError::Replayed => "Replayed",
        }
    }
}

impl core::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The rules a verifier applies.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The expected prefix, `DL1:` (the EU DCC's is `HC1:`).
    pub prefix: String,
    /// Tolerated clock difference, in seconds, either way.
    pub leeway_seconds: i64,
    /// The longest validity (exp − iat) accepted.
    pub max_validity_seconds: i64,
    /// The largest inflated payload accepted.
    pub max_inflated_bytes: usize,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            prefix: DL1_PREFIX.into(),
            leeway_seconds: 60,
            max_validity_seconds: 300,
            max_inflated_bytes: 16 * 1024,
        }
    }
}

/// A licence whose token verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLicence {
    /// The token's claims.
    pub claims: Claims,
    /// The kid of the key that signed it.
    pub kid: [u8; 8],
}

/// The state of a licence or a category on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidityOnDay {
    /// Valid on that day.
    Valid,
    /// Expired before that day.
    Expired,
}

impl VerifiedLicence {
    /// The licence.
    pub fn licence(&self) -> &Licence {
        &self.claims.licence
    }

    /// Whether the licence itself is valid on `today` (its expiry day included).
    pub fn status_on(&self, today: &IsoDate) -> ValidityOnDay {
        if self.claims.licence.expiry_date < *today {
            ValidityOnDay::Expired
        } else {
            ValidityOnDay::Valid
        }
    }

    /// Each category with its state on `today`.
    pub fn categories_on(&self, today: &IsoDate) -> Vec<(&str, &IsoDate, ValidityOnDay)> {
        let licence = &self.claims.licence;
        licence
            .driving_privileges
            .iter()
            .map(|p| {
                let expiry = p.expiry_date.as_ref().unwrap_or(&licence.expiry_date);
                let state = if *expiry < *today {
                    ValidityOnDay::Expired
                } else {
                    ValidityOnDay::Valid
                };
                (p.vehicle_category_code.as_str(), expiry, state)
            })
            .collect()
    }
}

/// Strips the prefix, after trimming the whitespace a scanner may add.
pub fn unprefix<'a>(text: &'a str, prefix: &str) -> Result<&'a str, VerifyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(VerifyError::QrUnreadable);
    }
    text.strip_prefix(prefix).ok_or(VerifyError::BadPrefix)
}

/// Inflates zlib data (plain, or with the DL1 dictionary), refusing anything that would grow
/// past `limit` bytes.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, VerifyError> {
    crate::zlib::inflate(data, limit).map_err(|_| VerifyError::BadZlib)
}

/// Verifies a QR text against a trust list at time `now` (Unix seconds).
pub fn verify(
    text: &str,
    trust: &TrustList,
    now: i64,
    policy: &Policy,
) -> Result<VerifiedLicence, VerifyError> {
    let body = unprefix(text, &policy.prefix)?;
    let compressed = base45::decode(body).map_err(|_| VerifyError::BadBase45)?;
    let cose = inflate(&compressed, policy.max_inflated_bytes)?;
    let message = Sign1::decode(&cose).map_err(|_| VerifyError::BadCbor)?;
    if message.protected_alg() != Some(ALG_ES256) {
        return Err(VerifyError::UnsupportedAlgorithm);
    }
    let kid = message.protected_kid().ok_or(VerifyError::UnknownKid)?;
    let key = trust.find(kid).ok_or(VerifyError::UnknownKid)?;
    if key.status == KeyStatus::Revoked {
        return Err(VerifyError::KeyRevoked);
    }
    if now + policy.leeway_seconds < key.nbf || now - policy.leeway_seconds > key.exp {
        return Err(VerifyError::KeyNotValid);
    }
    message
        .verify_es256(&key.key)
        .map_err(|_| VerifyError::BadSignature)?;
    // From here on the payload is authentic.
    let claims = Claims::from_cbor_bytes(&message.payload).ok_or(VerifyError::BadClaims)?;
    if claims.exp <= claims.iat {
        return Err(VerifyError::BadClaims);
    }
    if claims.iss != key.iss {
        return Err(VerifyError::IssuerMismatch);
    }
    if claims.iat > now + policy.leeway_seconds {
        return Err(VerifyError::NotYetValid);
    }
    if now - policy.leeway_seconds > claims.exp {
        return Err(VerifyError::Expired);
    }
    if claims.exp - claims.iat > policy.max_validity_seconds {
        return Err(VerifyError::ValidityTooLong);
    }
    Ok(VerifiedLicence {
        claims,
        kid: key.kid,
    })
}

/// Remembers the `cti` of tokens a kiosk has accepted until they expire, to report a second
/// showing of the same token as [`VerifyError::Replayed`].
#[derive(Debug, Default, Clone)]
pub struct ReplayGuard {
    seen: Vec<(Vec<u8>, i64)>,
}

impl ReplayGuard {
    /// Accepts a verified token once; forgets tokens whose expiry (plus leeway) has passed.
    pub fn check(
        &mut self,
        verified: &VerifiedLicence,
        now: i64,
        policy: &Policy,
    ) -> Result<(), VerifyError> {
        self.seen
            .retain(|(_, exp)| now - policy.leeway_seconds <= *exp);
        if self.seen.iter().any(|(cti, _)| *cti == verified.claims.cti) {
            return Err(VerifyError::Replayed);
        }
        self.seen
            .push((verified.claims.cti.clone(), verified.claims.exp));
        Ok(())
    }
}
