//! The DL1 licence credential (SPEC §5): `"DL1:" + Base45(zlib(COSE_Sign1(CWT claims)))`, its
//! bound form (`DLB:`, a credential bound to the holder's device key, [`bound`]), its trust
//! list, and verification in order. Pure functions, no I/O; the verifying
//! half builds for wasm32, the signing half is behind the `sign` feature.

extern crate alloc;

pub mod base45;
pub mod bound;
pub mod cbor;
pub mod claims;
pub mod cose;
pub mod keys;
#[cfg(feature = "sign")]
pub mod sign;
pub mod trust;
pub mod verify;
pub mod zlib;

pub use claims::{Claims, DeviceBinding, DrivingPrivilege, IsoDate, Licence};
pub use trust::{KeyStatus, TrustList, TrustedKey};
pub use verify::{Form, Policy, ReplayGuard, VerifiedLicence, VerifyError, verify};

/// The prefix of every DL1 QR text.
pub const DL1_PREFIX: &str = "DL1:";
/// The CWT claim key under which the licence is carried (private-use range).
pub const LICENCE_CLAIM: i128 = -65_537;
/// The ISO/IEC 18013-5 namespace of the mobile driving licence data elements.
pub const MDL_NAMESPACE: &str = "org.iso.18013.5.1";
/// How long a DL1 token is valid.
pub const TOKEN_LIFETIME_SECONDS: i64 = 180;
