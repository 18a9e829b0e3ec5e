//! Key identifiers: `kid` = the first 8 bytes of SHA-256 of the key's SubjectPublicKeyInfo DER.

use alloc::vec::Vec;
pub use p256::ecdsa::VerifyingKey;
use sha2::{Digest, Sha256};

/// The DER of a P-256 SubjectPublicKeyInfo up to the point: SEQUENCE { SEQUENCE { id-ecPublicKey,
/// prime256v1 }, BIT STRING { 0 unused bits, … } }. The uncompressed point (65 bytes) follows.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The SubjectPublicKeyInfo DER of a P-256 public key.
pub fn spki_der(key: &VerifyingKey) -> Vec<u8> {
    let point = key.to_encoded_point(false);
    let mut der = Vec::with_capacity(91);
    der.extend_from_slice(&P256_SPKI_PREFIX);
    der.extend_from_slice(point.as_bytes());
    der
}

/// The DL1 `kid` of a key: the first 8 bytes of SHA-256 of its SPKI DER.
pub fn kid_of(key: &VerifyingKey) -> [u8; 8] {
    kid_of_der(&spki_der(key))
}

/// The first 8 bytes of SHA-256 of some DER: of an SPKI for DL1, of a certificate for the EU DCC.
pub fn kid_of_der(der: &[u8]) -> [u8; 8] {
    let digest = Sha256::digest(der);
    let mut kid = [0u8; 8];
    kid.copy_from_slice(&digest[..8]);
    kid
}

/// Reads the public key out of an SPKI DER, if it is a P-256 key.
pub fn key_from_spki_der(der: &[u8]) -> Option<VerifyingKey> {
    let point = der.strip_prefix(&P256_SPKI_PREFIX[..])?;
    VerifyingKey::from_sec1_bytes(point).ok()
}

/// A P-256 public key as the three base64url JWK members `kid`, `x` and `y` (`crv` is "P-256").
pub fn to_jwk(
    key: &VerifyingKey,
) -> (
    alloc::string::String,
    alloc::string::String,
    alloc::string::String,
) {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let point = key.to_encoded_point(false);
    let coordinate = |c: Option<&p256::FieldBytes>| {
        URL_SAFE_NO_PAD.encode(c.map(|c| &c[..]).unwrap_or_default())
    };
    (
        URL_SAFE_NO_PAD.encode(kid_of(key)),
        coordinate(point.x()),
        coordinate(point.y()),
    )
}

/// The key of a P-256 JWK, if `x` and `y` are a point on the curve and `kid` is its own.
pub fn from_jwk(kid: &str, x: &str, y: &str) -> Option<VerifyingKey> {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (x, y) = (
        URL_SAFE_NO_PAD.decode(x).ok()?,
        URL_SAFE_NO_PAD.decode(y).ok()?,
    );
    if x.len() != 32 || y.len() != 32 {
        return None;
    }
    let mut point = Vec::with_capacity(65);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    let key = VerifyingKey::from_sec1_bytes(&point).ok()?;
    (URL_SAFE_NO_PAD.encode(kid_of(&key)) == kid).then_some(key)
}

/// Whether `signature` (base64url of r‖s) is `key`'s ES256 signature of `message`.
pub fn verify_message(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    use base64::Engine as _;
    use p256::ecdsa::signature::Verifier as _;
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let Ok(signature) = p256::ecdsa::Signature::from_slice(&bytes) else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}
