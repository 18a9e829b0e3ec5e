//! The issuing half (feature `sign`): signing DL1 tokens, generating and reading keys, and
//! signing trust lists with the trust-anchor key.

use alloc::string::String;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
/// A P-256 private key (a signing key or the trust anchor).
pub use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};

use crate::bound;
use crate::claims::{Claims, DeviceBinding, Licence};
use crate::cose::{encode_sign1, protected_header, signature_structure};
use crate::keys::kid_of;
use crate::trust::TrustList;
use crate::{DL1_PREFIX, TOKEN_LIFETIME_SECONDS, base45};

/// Why signing or key handling failed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// A PEM file that is not a P-256 key of the expected kind.
    #[error("not a P-256 key in PEM (PKCS#8 private or SPKI public)")]
    BadPem,
    /// The system's random source failed.
    #[error("no randomness available")]
    NoRandomness,
}

/// Generates a new P-256 key from the operating system's random source.
pub fn generate_key() -> Result<SigningKey, SignError> {
    loop {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| SignError::NoRandomness)?;
        // Almost every 32-byte string is a valid scalar; retry the rare one that is not.
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return Ok(key);
        }
    }
}

/// A private key as PKCS#8 PEM.
pub fn private_key_pem(key: &SigningKey) -> Result<String, SignError> {
    key.to_pkcs8_pem(LineEnding::LF)
        .map(|pem| String::from(pem.as_str()))
        .map_err(|_| SignError::BadPem)
}

/// A public key as SPKI PEM.
pub fn public_key_pem(key: &VerifyingKey) -> Result<String, SignError> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|_| SignError::BadPem)
}

/// Reads a PKCS#8 PEM private key.
pub fn read_private_key_pem(pem: &str) -> Result<SigningKey, SignError> {
    SigningKey::from_pkcs8_pem(pem).map_err(|_| SignError::BadPem)
}

/// Reads an SPKI PEM public key (the pinned trust anchor).
pub fn read_public_key_pem(pem: &str) -> Result<VerifyingKey, SignError> {
    VerifyingKey::from_public_key_pem(pem).map_err(|_| SignError::BadPem)
}

/// A DL1 issuer: a signing key, its kid and the issuer code it signs as.
pub struct Issuer {
    key: SigningKey,
    kid: [u8; 8],
    iss: String,
}

impl Issuer {
    /// An issuer whose kid is derived from its key as the SPEC says.
    pub fn new(key: SigningKey, iss: impl Into<String>) -> Issuer {
        let kid = kid_of(key.verifying_key());
        Issuer {
            key,
            kid,
            iss: iss.into(),
        }
    }

    /// An issuer with a kid derived some other way (the EU DCC derives it from a certificate).
    pub fn with_kid(key: SigningKey, kid: [u8; 8], iss: impl Into<String>) -> Issuer {
        Issuer {
            key,
            kid,
            iss: iss.into(),
        }
    }

    /// The kid in every token this issuer signs.
    pub fn kid(&self) -> [u8; 8] {
        self.kid
    }

    /// The private key (to sign again under another issuer code).
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        self.key.verifying_key()
    }

    /// The issuer code.
    pub fn iss(&self) -> &str {
        &self.iss
    }

    /// A fresh token for a licence, issued at `now`, valid 180 seconds, with a random `cti`.
    pub fn issue(&self, licence: &Licence, now: i64) -> Result<String, SignError> {
        let mut cti = [0u8; 8];
        getrandom::fill(&mut cti).map_err(|_| SignError::NoRandomness)?;
        let claims = Claims {
            iss: self.iss.clone(),
            iat: now,
            exp: now + TOKEN_LIFETIME_SECONDS,
            cti: cti.to_vec(),
            cnf: None,
            licence: licence.clone(),
        };
        Ok(self.sign_claims(&claims))
    }

    /// A credential for a licence bound to a device's key, issued at `now`, valid `days`
    /// (at most [`bound::MAX_CREDENTIAL_DAYS`]).
    pub fn issue_bound(
        &self,
        licence: &Licence,
        device: DeviceBinding,
        now: i64,
        days: i64,
    ) -> BoundCredential {
        let claims = Claims {
            iss: self.iss.clone(),
            iat: now,
            exp: now + days.clamp(1, bound::MAX_CREDENTIAL_DAYS) * 86_400,
            cti: alloc::vec::Vec::new(),
            cnf: Some(device),
            licence: licence.clone(),
        };
        let cose = self.sign_cose(&claims.to_cbor_bytes());
        BoundCredential {
            digest: bound::credential_digest(&cose),
            packed: crate::zlib::deflate_with_dictionary(&cose),
            issued_at: claims.iat,
            expires_at: claims.exp,
        }
    }

    /// The DL1 text for exactly these claims (deterministic ECDSA, RFC 6979).
    pub fn sign_claims(&self, claims: &Claims) -> String {
        self.sign_payload(&claims.to_cbor_bytes())
    }

    /// Signs any payload into a DL1 text; tests use it to craft malformed claims.
    pub fn sign_payload(&self, payload: &[u8]) -> String {
        encode_text(&self.sign_cose(payload))
    }

    /// The COSE_Sign1 of a payload.
    pub fn sign_cose(&self, payload: &[u8]) -> alloc::vec::Vec<u8> {
        let protected = protected_header(&self.kid);
        let signature: Signature = self.key.sign(&signature_structure(&protected, payload));
        encode_sign1(&protected, payload, &signature.to_bytes())
    }

    /// A plain ES256 signature of `message` (base64url of r‖s), for records other than DL1
    /// tokens that the issuer vouches for (the audit trail's purge checkpoints).
    pub fn sign_message(&self, message: &[u8]) -> String {
        let signature: Signature = self.key.sign(message);
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    }
}

/// A bound credential as the server hands it to the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundCredential {
    /// The COSE_Sign1 compressed with the DL1 dictionary: the QR text's first part.
    pub packed: alloc::vec::Vec<u8>,
    /// SHA-256 of the COSE_Sign1, which each presentation signs.
    pub digest: [u8; 32],
    /// Issue time, Unix seconds.
    pub issued_at: i64,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
}

/// What a phone does offline, for tests and tools: a presentation of `credential` signed with
/// the device key at `at`.
pub fn present(credential: &BoundCredential, device: &SigningKey, at: u32) -> String {
    let signature: Signature = device.sign(&bound::presentation_message(&credential.digest, at));
    bound::presentation_text(&credential.packed, at, &signature.to_bytes().into())
}

/// `"DL1:" + Base45(zlib(cose))`, compressed with the DL1 preset dictionary.
pub fn encode_text(cose: &[u8]) -> String {
    let compressed = crate::zlib::deflate_with_dictionary(cose);
    let mut text = String::with_capacity(DL1_PREFIX.len() + compressed.len() * 3 / 2 + 2);
    text.push_str(DL1_PREFIX);
    text.push_str(&base45::encode(&compressed));
    text
}

/// Signs a trust list with the trust-anchor key as a compact JWS (ES256).
pub fn sign_trust_list(list: &TrustList, anchor: &SigningKey) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","typ":"JWT"}"#);
    let payload_json = serde_json::to_vec(&list.to_json()).unwrap_or_default();
    let payload = URL_SAFE_NO_PAD.encode(payload_json);
    let signing_input = alloc::format!("{header}.{payload}");
    let signature: Signature = anchor.sign(signing_input.as_bytes());
    let mut jws = signing_input;
    jws.push('.');
    jws.push_str(&URL_SAFE_NO_PAD.encode(signature.to_bytes()));
    jws
}
