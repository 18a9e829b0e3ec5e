//! The bound form (`DLB:`): a licence credential bound to a key the holder's phone keeps and
//! cannot give away, shown with a fresh presentation the phone signs offline.
//!
//! ```text
//! QR text = "DLB:" + Base45( zlib(credential) ‖ at ‖ device signature )
//!   credential       = COSE_Sign1 by the issuer (as DL1), claims with `cnf` (RFC 8747)
//!                      naming the device's P-256 key by its thumbprint, valid for days
//!   at               = 4 bytes, big-endian: when the phone signed, Unix seconds
//!   device signature = 64 bytes r‖s, ES256 by the device key over
//!                      "DLB1 presentation" ‖ SHA-256(credential) ‖ at
//! ```
//!
//! The credential is compressed by the server once (with the DL1 dictionary); the phone only
//! appends the 68-byte presentation and encodes the whole in Base45, so it needs neither a
//! compressor nor the credential's contents. The verifier splits the last 68 bytes off.

use alloc::string::String;
use alloc::vec::Vec;

use sha2::{Digest, Sha256};

use ecdsa::RecoveryId;
use p256::ecdsa::{Signature, VerifyingKey};

use crate::base45;
use crate::claims::DeviceBinding;

/// The prefix of every bound-form QR text.
pub const DLB_PREFIX: &str = "DLB:";
/// What the device signature covers first, so it can never be taken for another signature.
pub const PRESENTATION_CONTEXT: &[u8] = b"DLB1 presentation";
/// The bytes of a presentation: the time (4) and the signature (64).
pub const PRESENTATION_LEN: usize = 4 + 64;
/// How long a bound credential is valid unless configured otherwise (days).
pub const DEFAULT_CREDENTIAL_DAYS: i64 = 7;
/// The longest validity a bound credential may have (days); a verifier refuses longer ones.
pub const MAX_CREDENTIAL_DAYS: i64 = 30;

/// SHA-256 of the credential (the COSE_Sign1 bytes as issued), which a presentation signs.
pub fn credential_digest(cose: &[u8]) -> [u8; 32] {
    Sha256::digest(cose).into()
}

/// The message the device signs: context ‖ digest ‖ time (fixed length, so unambiguous).
pub fn presentation_message(digest: &[u8; 32], at: u32) -> Vec<u8> {
    let mut message = Vec::with_capacity(PRESENTATION_CONTEXT.len() + 32 + 4);
    message.extend_from_slice(PRESENTATION_CONTEXT);
    message.extend_from_slice(digest);
    message.extend_from_slice(&at.to_be_bytes());
    message
}

/// The QR text of a presentation: the server's compressed credential, the time and the
/// device's signature (what the phone does, offline).
pub fn presentation_text(packed_credential: &[u8], at: u32, signature: &[u8; 64]) -> String {
    let mut bytes = Vec::with_capacity(packed_credential.len() + PRESENTATION_LEN);
    bytes.extend_from_slice(packed_credential);
    bytes.extend_from_slice(&at.to_be_bytes());
    bytes.extend_from_slice(signature);
    let mut text = String::with_capacity(DLB_PREFIX.len() + bytes.len().div_ceil(2) * 3);
    text.push_str(DLB_PREFIX);
    text.push_str(&base45::encode(&bytes));
    text
}

/// Whether `signature` (r‖s) signs `message` with the key `binding` names. The key is
/// recovered from the signature (either recovery id: a browser's signature carries none), and
/// each candidate that verifies is compared with the binding.
pub fn signed_by_bound_key(message: &[u8], signature: &[u8; 64], binding: &DeviceBinding) -> bool {
    let Ok(signature) = Signature::from_slice(signature) else {
        return false;
    };
    [false, true].into_iter().any(|y_odd| {
        VerifyingKey::recover_from_msg(message, &signature, RecoveryId::new(y_odd, false))
            .is_ok_and(|key| binding.binds(&key))
    })
}

/// A presentation read from the end of a bound-form body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presentation {
    /// When the phone signed, Unix seconds.
    pub at: i64,
    /// The device's ES256 signature, r‖s.
    pub signature: [u8; 64],
}

/// Splits decoded bytes into the compressed credential and the presentation; `None` when there
/// is not room for both.
pub fn split(bytes: &[u8]) -> Option<(&[u8], Presentation)> {
    let cut = bytes
        .len()
        .checked_sub(PRESENTATION_LEN)
        .filter(|c| *c > 0)?;
    let (credential, tail) = bytes.split_at(cut);
    let (at, signature) = tail.split_at(4);
    Some((
        credential,
        Presentation {
            at: i64::from(u32::from_be_bytes(at.try_into().ok()?)),
            signature: signature.try_into().ok()?,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_presentation_splits_back_into_its_parts() {
        let text = presentation_text(&[1, 2, 3], 0x0102_0304, &[9; 64]);
        let bytes =
            base45::decode(text.strip_prefix(DLB_PREFIX).unwrap_or_default()).unwrap_or_default();
        let (credential, presentation) = split(&bytes).expect("room for both");
        assert_eq!(credential, &[1, 2, 3]);
        assert_eq!(presentation.at, 0x0102_0304);
        assert_eq!(presentation.signature, [9; 64]);
        assert!(split(&[0; PRESENTATION_LEN]).is_none());
    }

    #[test]
    fn the_signed_message_is_fixed_length_and_starts_with_its_context() {
        let message = presentation_message(&[7; 32], 5);
        assert_eq!(message.len(), PRESENTATION_CONTEXT.len() + 36);
        assert!(message.starts_with(PRESENTATION_CONTEXT));
        assert_eq!(&message[message.len() - 4..], &[0, 0, 0, 5]);
    }
}
