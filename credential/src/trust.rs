//! The trust list (SPEC §5.3): the issuers' signing keys, as a JWS (ES256) signed by a separate
//! trust-anchor key that verifiers pin.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::keys::kid_of;

/// The largest trust list a verifier reads.
const MAX_JWS_BYTES: usize = 256 * 1024;

/// The state of a signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Signs new tokens; its tokens verify.
    Active,
    /// Signs nothing new, but tokens it signed still verify until they expire (rotation).
    Retired,
    /// Compromised or withdrawn: nothing it signed verifies.
    Revoked,
}

impl KeyStatus {
    /// Its name in the trust list JSON: `active`, `retired` or `revoked`.
    pub fn name(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Retired => "retired",
            KeyStatus::Revoked => "revoked",
        }
    }
}

/// A signing key in the trust list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// Its key identifier (first 8 bytes of SHA-256 of the SPKI DER).
    pub kid: [u8; 8],
    /// The P-256 public key.
    pub key: VerifyingKey,
    /// The issuer whose tokens this key signs.
    pub iss: String,
    /// Not valid before (Unix seconds).
    pub nbf: i64,
    /// Not valid after (Unix seconds).
    pub exp: i64,
    /// Active, retired or revoked.
    pub status: KeyStatus,
}

/// A verified trust list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    /// Who published it.
    pub iss: String,
    /// When it was signed.
    pub iat: i64,
    /// When verifiers should stop relying on it (iat + 7 days).
    pub exp: i64,
    /// The signing keys.
    pub keys: Vec<TrustedKey>,
}

/// Why a trust list is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustListError {
    /// Not a compact JWS with a JSON header and payload of the expected form, or too large.
    Malformed,
    /// The JWS header names an algorithm other than ES256.
    UnsupportedAlgorithm,
    /// The signature does not verify with the pinned trust anchor.
    BadSignature,
    /// A key that is not a P-256 point, or whose kid does not match it.
    BadKey,
    /// The same kid twice.
    DuplicateKid,
}

/// A key as written in the trust list JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyJson {
    /// Base64url of the 8-byte kid.
    pub kid: String,
    /// Always `P-256`.
    pub crv: String,
    /// Base64url of the 32-byte x coordinate.
    pub x: String,
    /// Base64url of the 32-byte y coordinate.
    pub y: String,
    /// The issuer.
    pub iss: String,
    /// Not valid before.
    pub nbf: i64,
    /// Not valid after.
    pub exp: i64,
    /// Key status.
    pub status: KeyStatus,
}

/// The JWS payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustListJson {
    /// Publisher.
    pub iss: String,
    /// Signed at.
    pub iat: i64,
    /// Expires at.
    pub exp: i64,
    /// The keys.
    pub keys: Vec<KeyJson>,
}

#[derive(Deserialize)]
struct JwsHeader {
    alg: String,
}

impl TrustedKey {
    /// The JSON form of this key.
    pub fn to_json(&self) -> KeyJson {
        let point = self.key.to_encoded_point(false);
        KeyJson {
            kid: URL_SAFE_NO_PAD.encode(self.kid),
            crv: "P-256".into(),
            x: URL_SAFE_NO_PAD.encode(point.x().map(|x| &x[..]).unwrap_or_default()),
            y: URL_SAFE_NO_PAD.encode(point.y().map(|y| &y[..]).unwrap_or_default()),
            iss: self.iss.clone(),
            nbf: self.nbf,
            exp: self.exp,
            status: self.status,
        }
    }

    fn from_json(json: &KeyJson) -> Result<TrustedKey, TrustListError> {
        let decode = |s: &str| {
            URL_SAFE_NO_PAD
                .decode(s)
                .map_err(|_| TrustListError::BadKey)
        };
        let (kid, x, y) = (decode(&json.kid)?, decode(&json.x)?, decode(&json.y)?);
        if json.crv != "P-256" || x.len() != 32 || y.len() != 32 {
            return Err(TrustListError::BadKey);
        }
        let mut point = Vec::with_capacity(65);
        point.push(0x04);
        point.extend_from_slice(&x);
        point.extend_from_slice(&y);
        let key = VerifyingKey::from_sec1_bytes(&point).map_err(|_| TrustListError::BadKey)?;
        let kid: [u8; 8] = kid.try_into().map_err(|_| TrustListError::BadKey)?;
        if kid != kid_of(&key) {
            return Err(TrustListError::BadKey);
        }
        Ok(TrustedKey {
            kid,
            key,
            iss: json.iss.clone(),
            nbf: json.nbf,
            exp: json.exp,
            status: json.status,
        })
    }
}

impl TrustList {
    /// A trust list from keys; refuses duplicate kids.
    pub fn new(
        iss: String,
        iat: i64,
        exp: i64,
        keys: Vec<TrustedKey>,
    ) -> Result<TrustList, TrustListError> {
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].iter().any(|other| other.kid == key.kid) {
                return Err(TrustListError::DuplicateKid);
            }
        }
        Ok(TrustList {
            iss,
            iat,
            exp,
            keys,
        })
    }

    /// The JSON payload of this list.
    pub fn to_json(&self) -> TrustListJson {
        TrustListJson {
            iss: self.iss.clone(),
            iat: self.iat,
            exp: self.exp,
            keys: self.keys.iter().map(TrustedKey::to_json).collect(),
        }
    }

    /// Verifies a compact JWS against the pinned trust anchor and reads the list. Its expiry is
    /// not judged here: a verifier offline may keep using an old list, saying how old it is.
    pub fn from_jws(jws: &str, anchor: &VerifyingKey) -> Result<TrustList, TrustListError> {
        if jws.len() > MAX_JWS_BYTES {
            return Err(TrustListError::Malformed);
        }
        let jws = jws.trim();
        let mut parts = jws.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TrustListError::Malformed);
        };
        let header_bytes = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| TrustListError::Malformed)?;
        let parsed: JwsHeader =
            serde_json::from_slice(&header_bytes).map_err(|_| TrustListError::Malformed)?;
        if parsed.alg != "ES256" {
            return Err(TrustListError::UnsupportedAlgorithm);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TrustListError::BadSignature)?;
        let signature =
            Signature::from_slice(&signature).map_err(|_| TrustListError::BadSignature)?;
        let signed = &jws[..header.len() + 1 + payload.len()];
        anchor
            .verify(signed.as_bytes(), &signature)
            .map_err(|_| TrustListError::BadSignature)?;
        // Only now, with the signature checked, is the payload read.
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TrustListError::Malformed)?;
        let json: TrustListJson =
            serde_json::from_slice(&payload).map_err(|_| TrustListError::Malformed)?;
        if json.exp <= json.iat {
            return Err(TrustListError::Malformed);
        }
        let keys = json
            .keys
            .iter()
            .map(TrustedKey::from_json)
            .collect::<Result<Vec<_>, _>>()?;
        TrustList::new(json.iss, json.iat, json.exp, keys)
    }

    /// The key with this kid.
    pub fn find(&self, kid: &[u8]) -> Option<&TrustedKey> {
        self.keys.iter().find(|k| k.kid[..] == *kid)
    }

    /// Whether the list is past its own expiry at `now`.
    pub fn is_expired(&self, now: i64) -> bool {
        now > self.exp
    }
}
