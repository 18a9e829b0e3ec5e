//! COSE_Sign1 (RFC 9052) with ES256: decoding, the signed structure, and signature checks.

use alloc::vec;
use alloc::vec::Vec;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};

use crate::cbor::{self, Value};

/// The CBOR tag of a COSE_Sign1 message.
pub const COSE_SIGN1_TAG: u64 = 18;
/// The CBOR tag of a CWT (RFC 8392), which may wrap the COSE message.
pub const CWT_TAG: u64 = 61;
/// COSE header label of the algorithm.
pub const HEADER_ALG: i128 = 1;
/// COSE header label of the key identifier.
pub const HEADER_KID: i128 = 4;
/// COSE algorithm ES256 (ECDSA with SHA-256 on P-256).
pub const ALG_ES256: i128 = -7;

/// Why bytes are not a usable COSE_Sign1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoseError {
    /// Not CBOR, or not the four-element COSE_Sign1 structure.
    Malformed,
    /// The signature does not verify with the key (or is not 64 bytes).
    BadSignature,
}

/// A decoded COSE_Sign1 message. The protected header and payload are kept as the exact bytes
/// that were signed.
#[derive(Debug, Clone, PartialEq)]
pub struct Sign1 {
    /// The serialized protected header (a bstr's content).
    pub protected_bytes: Vec<u8>,
    /// The protected header, decoded (an empty map when the bstr is empty).
    pub protected: Value,
    /// The unprotected header map.
    pub unprotected: Value,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

impl Sign1 {
    /// Decodes a COSE_Sign1, tagged (18) or untagged, optionally inside a CWT tag (61).
    pub fn decode(bytes: &[u8]) -> Result<Sign1, CoseError> {
        let value = match cbor::decode(bytes).map_err(|_| CoseError::Malformed)? {
            Value::Tag(CWT_TAG, inner) => *inner,
            other => other,
        };
        let value = match value {
            Value::Tag(COSE_SIGN1_TAG, inner) => *inner,
            Value::Tag(..) => return Err(CoseError::Malformed),
            other => other,
        };
        let Value::Array(items) = value else {
            return Err(CoseError::Malformed);
        };
        let [protected, unprotected, payload, signature]: [Value; 4] =
            items.try_into().map_err(|_| CoseError::Malformed)?;
        let (
            Value::Bytes(protected_bytes),
            Value::Map(_),
            Value::Bytes(payload),
            Value::Bytes(signature),
        ) = (protected, &unprotected, payload, signature)
        else {
            return Err(CoseError::Malformed);
        };
        let protected = if protected_bytes.is_empty() {
            Value::Map(Vec::new())
        } else {
            match cbor::decode(&protected_bytes) {
                Ok(map @ Value::Map(_)) => map,
                _ => return Err(CoseError::Malformed),
            }
        };
        Ok(Sign1 {
            protected_bytes,
            protected,
            unprotected,
            payload,
            signature,
        })
    }

    /// The algorithm in the protected header. An `alg` only in the unprotected header is not
    /// trusted: it could be changed without breaking the signature.
    pub fn protected_alg(&self) -> Option<i128> {
        self.protected
            .map_get_int(HEADER_ALG)
            .and_then(Value::as_integer)
    }

    /// The key identifier of the protected header.
    pub fn protected_kid(&self) -> Option<&[u8]> {
        self.protected
            .map_get_int(HEADER_KID)
            .and_then(Value::as_bytes)
    }

    /// The key identifier of the unprotected header (the EU DCC allows it there).
    pub fn unprotected_kid(&self) -> Option<&[u8]> {
        self.unprotected
            .map_get_int(HEADER_KID)
            .and_then(Value::as_bytes)
    }

    /// The bytes the signature covers: `["Signature1", protected, h'', payload]`.
    pub fn to_be_signed(&self) -> Vec<u8> {
        signature_structure(&self.protected_bytes, &self.payload)
    }

    /// Checks the ES256 signature (64 bytes, r‖s) with the key.
    pub fn verify_es256(&self, key: &VerifyingKey) -> Result<(), CoseError> {
        let signature =
            Signature::from_slice(&self.signature).map_err(|_| CoseError::BadSignature)?;
        key.verify(&self.to_be_signed(), &signature)
            .map_err(|_| CoseError::BadSignature)
    }
}

/// The Sig_structure of a COSE_Sign1 with empty external data.
pub fn signature_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    cbor::encode(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(protected.to_vec()),
        Value::Bytes(Vec::new()),
        Value::Bytes(payload.to_vec()),
    ]))
}

/// The protected header of a DL1 token: `{1: -7, 4: kid}`.
pub fn protected_header(kid: &[u8]) -> Vec<u8> {
    cbor::encode(&Value::Map(vec![
        (Value::Integer(HEADER_ALG), Value::Integer(ALG_ES256)),
        (Value::Integer(HEADER_KID), Value::Bytes(kid.to_vec())),
    ]))
}

/// A tagged COSE_Sign1 with an empty unprotected header.
pub fn encode_sign1(protected: &[u8], payload: &[u8], signature: &[u8]) -> Vec<u8> {
    cbor::encode(&Value::Tag(
        COSE_SIGN1_TAG,
        alloc::boxed::Box::new(Value::Array(vec![
            Value::Bytes(protected.to_vec()),
            Value::Map(Vec::new()),
            Value::Bytes(payload.to_vec()),
            Value::Bytes(signature.to_vec()),
        ])),
    ))
}
