//! Verifying a licence QR text, DL1 (SPEC §5.4) or the bound form (`DLB:`, [`crate::bound`]),
//! each failure named, in order; the issuer's signature is checked before anything in the
//! payload is trusted, and the device's before the presentation's time is.

use alloc::string::String;
use alloc::vec::Vec;

use crate::bound::{self, DLB_PREFIX, Presentation};
use crate::claims::{Claims, IsoDate, Licence};
use crate::cose::{ALG_ES256, Sign1};
use crate::trust::{KeyStatus, TrustList};
use crate::{DL1_PREFIX, TOKEN_LIFETIME_SECONDS, base45};

/// Every way a QR text can fail verification, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerifyError {
    /// Nothing readable was scanned (empty text).
    QrUnreadable,
    /// The text does not start with an expected prefix (`DL1:` or `DLB:`).
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
    /// A bound-form text whose credential names no device key (or a DL1 text carrying one).
    BindingMissing,
    /// Issued in the future (beyond the clock leeway).
    NotYetValid,
    /// Past its expiry (beyond the clock leeway): a DL1 token.
    Expired,
    /// A bound credential past its expiry: the phone has not been online to renew it.
    CredentialExpired,
    /// Valid for longer than the policy allows (a DL1 token over 300 s, a bound credential
    /// over 30 days).
    ValidityTooLong,
    /// The presentation was not signed by the device key the credential names.
    DeviceSignatureBad,
    /// The presentation was signed later than the verifier's clock allows (beyond the leeway).
    PresentationFromFuture,
    /// The presentation is older than the window (a screenshot, replayed later).
    PresentationTooOld,
    /// Already seen by this verifier (kiosks remember tokens until they expire).
    Replayed,
}

impl VerifyError {
    /// Every variant, in checking order.
    pub const ALL: [VerifyError; 21] = [
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
        VerifyError::BindingMissing,
        VerifyError::NotYetValid,
        VerifyError::Expired,
        VerifyError::CredentialExpired,
        VerifyError::ValidityTooLong,
        VerifyError::DeviceSignatureBad,
        VerifyError::PresentationFromFuture,
        VerifyError::PresentationTooOld,
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
            VerifyError::BindingMissing => "BindingMissing",
            VerifyError::CredentialExpired => "CredentialExpired",
            VerifyError::DeviceSignatureBad => "DeviceSignatureBad",
            VerifyError::PresentationFromFuture => "PresentationFromFuture",
            VerifyError::PresentationTooOld => "PresentationTooOld",
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
    /// The longest validity (exp − iat) accepted of a DL1 token.
    pub max_validity_seconds: i64,
    /// The longest validity accepted of a bound credential.
    pub max_bound_validity_seconds: i64,
    /// How long after the phone signed it a presentation is accepted (as long as a DL1 token
    /// lives, so a screenshot dies as fast).
    pub presentation_window_seconds: i64,
    /// The largest inflated payload accepted.
    pub max_inflated_bytes: usize,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            prefix: DL1_PREFIX.into(),
            leeway_seconds: 60,
            max_validity_seconds: 300,
            max_bound_validity_seconds: bound::MAX_CREDENTIAL_DAYS * 86_400,
            presentation_window_seconds: TOKEN_LIFETIME_SECONDS,
            max_inflated_bytes: 16 * 1024,
        }
    }
}

/// Which form a verified text had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `DL1:`, a short-lived token the server signed.
    Token,
    /// `DLB:`, a credential bound to the holder's device, presented by it.
    Bound,
}

/// A licence whose token verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLicence {
    /// The token's claims.
    pub claims: Claims,
    /// The kid of the key that signed it.
    pub kid: [u8; 8],
    /// The form it was shown in.
    pub form: Form,
    /// The device's presentation (the bound form only).
    pub presentation: Option<Presentation>,
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

    /// What tells this showing apart from any other: the token's `cti`, or the device's
    /// signature of a presentation.
    pub fn showing_id(&self) -> &[u8] {
        match &self.presentation {
            Some(presentation) => &presentation.signature,
            None => &self.claims.cti,
        }
    }

    /// Until when this showing could be replayed at all: a token's expiry, a presentation's
    /// window.
    fn showing_ends(&self, policy: &Policy) -> i64 {
        match &self.presentation {
            Some(presentation) => presentation.at + policy.presentation_window_seconds,
            None => self.claims.exp,
        }
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

/// Verifies a QR text, in either form, against a trust list at time `now` (Unix seconds).
pub fn verify(
    text: &str,
    trust: &TrustList,
    now: i64,
    policy: &Policy,
) -> Result<VerifiedLicence, VerifyError> {
    if let Ok(body) = unprefix(text, DLB_PREFIX) {
        return verify_bound(body, trust, now, policy);
    }
    let body = unprefix(text, &policy.prefix)?;
    let compressed = base45::decode(body).map_err(|_| VerifyError::BadBase45)?;
    let cose = inflate(&compressed, policy.max_inflated_bytes)?;
    let (claims, kid) = verify_cose(&cose, trust, now, policy)?;
    // A token has its own id, and no device key: a bound credential without its presentation
    // is not a token.
    if claims.cti.len() != 8 {
        return Err(VerifyError::BadClaims);
    }
    if claims.cnf.is_some() {
        return Err(VerifyError::BindingMissing);
    }
    check_times(
        &claims,
        now,
        policy,
        policy.max_validity_seconds,
        VerifyError::Expired,
    )?;
    Ok(VerifiedLicence {
        claims,
        kid,
        form: Form::Token,
        presentation: None,
    })
}

/// The bound form: the credential as a token is checked, then its binding and the device's
/// presentation.
fn verify_bound(
    body: &str,
    trust: &TrustList,
    now: i64,
    policy: &Policy,
) -> Result<VerifiedLicence, VerifyError> {
    let bytes = base45::decode(body).map_err(|_| VerifyError::BadBase45)?;
    let (packed, presentation) = bound::split(&bytes).ok_or(VerifyError::BadZlib)?;
    let cose = inflate(packed, policy.max_inflated_bytes)?;
    let (claims, kid) = verify_cose(&cose, trust, now, policy)?;
    let binding = claims.cnf.ok_or(VerifyError::BindingMissing)?;
    check_times(
        &claims,
        now,
        policy,
        policy.max_bound_validity_seconds,
        VerifyError::CredentialExpired,
    )?;
    let at = u32::try_from(presentation.at).map_err(|_| VerifyError::DeviceSignatureBad)?;
    let message = bound::presentation_message(&bound::credential_digest(&cose), at);
    if !bound::signed_by_bound_key(&message, &presentation.signature, &binding) {
        return Err(VerifyError::DeviceSignatureBad);
    }
    if presentation.at > now + policy.leeway_seconds {
        return Err(VerifyError::PresentationFromFuture);
    }
    if now - policy.leeway_seconds > presentation.at + policy.presentation_window_seconds {
        return Err(VerifyError::PresentationTooOld);
    }
    Ok(VerifiedLicence {
        claims,
        kid,
        form: Form::Bound,
        presentation: Some(presentation),
    })
}

/// Steps 5–12 of either form, on the inflated credential: the COSE structure, the key in the
/// trust list, the issuer's signature, the claims and their issuer.
fn verify_cose(
    cose: &[u8],
    trust: &TrustList,
    now: i64,
    policy: &Policy,
) -> Result<(Claims, [u8; 8]), VerifyError> {
    let message = Sign1::decode(cose).map_err(|_| VerifyError::BadCbor)?;
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
    Ok((claims, key.kid))
}

/// Issued in the past, not expired (else `expired`: a token's or a bound credential's own
/// failure), not valid for longer than `max_validity`.
fn check_times(
    claims: &Claims,
    now: i64,
    policy: &Policy,
    max_validity: i64,
    expired: VerifyError,
) -> Result<(), VerifyError> {
    if claims.iat > now + policy.leeway_seconds {
        return Err(VerifyError::NotYetValid);
    }
    if now - policy.leeway_seconds > claims.exp {
        return Err(expired);
    }
    if claims.exp - claims.iat > max_validity {
        return Err(VerifyError::ValidityTooLong);
    }
    Ok(())
}

/// Remembers each showing a verifier has accepted (a token's `cti`, a presentation's device
/// signature) until it could no longer verify, to report a second showing of the same one as
/// [`VerifyError::Replayed`].
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
        let id = verified.showing_id();
        if self.seen.iter().any(|(seen, _)| seen == id) {
            return Err(VerifyError::Replayed);
        }
        self.seen.push((id.to_vec(), verified.showing_ends(policy)));
        Ok(())
    }
}
