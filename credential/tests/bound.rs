//! The bound form (`DLB:`): one test per failure of its own, and what a copied credential, a
//! screenshot replayed later and a DL1 token dressed as a presentation get.

mod common;

use common::{ISSUER, NOW, issuer, key, licence, trust_list};
use p256::ecdsa::Signature;
use p256::ecdsa::signature::Signer as _;
use rega_credential::bound::{self, DLB_PREFIX, presentation_message, presentation_text};
use rega_credential::cose::{encode_sign1, protected_header, signature_structure};
use rega_credential::sign::{BoundCredential, present};
use rega_credential::{
    Claims, DeviceBinding, Form, KeyStatus, Policy, ReplayGuard, VerifyError, base45, verify,
};

/// The phone's key.
fn device() -> p256::ecdsa::SigningKey {
    key(42)
}

fn credential_at(iat: i64, days: i64) -> BoundCredential {
    issuer().issue_bound(
        &licence("valid"),
        DeviceBinding::of_key(device().verifying_key()),
        iat,
        days,
    )
}

fn check_at(text: &str, now: i64) -> Result<rega_credential::VerifiedLicence, VerifyError> {
    verify(text, &trust_list(), now, &Policy::default())
}

/// A credential signed as-is from hand-made claims (for claims `issue_bound` would not make).
fn credential_of(claims: &Claims) -> BoundCredential {
    let cose = issuer().sign_cose(&claims.to_cbor_bytes());
    BoundCredential {
        digest: bound::credential_digest(&cose),
        packed: rega_credential::zlib::deflate_with_dictionary(&cose),
        issued_at: claims.iat,
        expires_at: claims.exp,
    }
}

fn bound_claims(iat: i64, exp: i64) -> Claims {
    Claims {
        iss: ISSUER.into(),
        iat,
        exp,
        cti: Vec::new(),
        cnf: Some(DeviceBinding::of_key(device().verifying_key())),
        licence: licence("valid"),
    }
}

#[test]
fn a_presentation_verifies_and_says_it_is_bound() {
    let credential = credential_at(NOW, 7);
    assert_eq!(credential.expires_at - credential.issued_at, 7 * 86_400);
    // Two days later, offline: the phone signs a fresh presentation.
    let later = NOW + 2 * 86_400;
    let text = present(&credential, &device(), later as u32);
    assert!(text.starts_with(DLB_PREFIX));
    let verified = check_at(&text, later + 30).expect("valid");
    assert_eq!(verified.form, Form::Bound);
    assert_eq!(verified.claims.iat, NOW);
    assert_eq!(verified.presentation.map(|p| p.at), Some(later));
    assert_eq!(
        verified.licence().document_number,
        licence("valid").document_number
    );
}

#[test]
fn a_credential_without_its_key_cannot_make_a_presentation() {
    // Someone copies the credential off the phone and signs with a key of their own.
    let credential = credential_at(NOW, 7);
    let thief = key(43);
    let text = present(&credential, &thief, NOW as u32);
    assert_eq!(
        check_at(&text, NOW).unwrap_err(),
        VerifyError::DeviceSignatureBad
    );
}

#[test]
fn a_screenshot_replayed_after_the_window_is_presentation_too_old() {
    let credential = credential_at(NOW, 7);
    let text = present(&credential, &device(), NOW as u32);
    // Within the window and the leeway: still good.
    assert!(check_at(&text, NOW + 180 + 60).is_ok());
    assert_eq!(
        check_at(&text, NOW + 180 + 61).unwrap_err(),
        VerifyError::PresentationTooOld
    );
}

#[test]
fn a_presentation_from_the_future_is_refused() {
    let credential = credential_at(NOW, 7);
    let text = present(&credential, &device(), (NOW + 61) as u32);
    assert_eq!(
        check_at(&text, NOW).unwrap_err(),
        VerifyError::PresentationFromFuture
    );
    assert!(check_at(&present(&credential, &device(), (NOW + 60) as u32), NOW).is_ok());
}

#[test]
fn a_presentation_of_an_expired_credential_is_credential_expired() {
    let credential = credential_at(NOW, 7);
    let end = NOW + 7 * 86_400;
    assert!(check_at(&present(&credential, &device(), end as u32), end).is_ok());
    let after = end + 61;
    assert_eq!(
        check_at(&present(&credential, &device(), after as u32), after).unwrap_err(),
        VerifyError::CredentialExpired
    );
}

#[test]
fn a_credential_valid_for_over_thirty_days_is_validity_too_long() {
    let credential = credential_of(&bound_claims(NOW, NOW + 31 * 86_400));
    assert_eq!(
        check_at(&present(&credential, &device(), NOW as u32), NOW).unwrap_err(),
        VerifyError::ValidityTooLong
    );
    // `issue_bound` itself never makes one.
    assert_eq!(credential_at(NOW, 400).expires_at, NOW + 30 * 86_400);
}

#[test]
fn a_token_dressed_as_a_presentation_is_binding_missing() {
    // A DL1 token's credential has no device key: appending a presentation proves nothing.
    let mut claims = bound_claims(NOW, NOW + 180);
    claims.cnf = None;
    claims.cti = vec![1; 8];
    let credential = credential_of(&claims);
    assert_eq!(
        check_at(&present(&credential, &device(), NOW as u32), NOW).unwrap_err(),
        VerifyError::BindingMissing
    );
}

#[test]
fn a_bound_credential_shown_as_a_token_is_refused() {
    // The credential alone, in the DL1 form, without a presentation.
    let credential = credential_of(&Claims {
        cti: vec![1; 8],
        ..bound_claims(NOW, NOW + 120)
    });
    let text = format!("DL1:{}", base45::encode(&credential.packed));
    assert_eq!(
        check_at(&text, NOW).unwrap_err(),
        VerifyError::BindingMissing
    );
    // Without a cti it is not a token at all.
    let credential = credential_at(NOW, 7);
    let text = format!("DL1:{}", base45::encode(&credential.packed));
    assert_eq!(check_at(&text, NOW).unwrap_err(), VerifyError::BadClaims);
}

#[test]
fn a_changed_time_or_credential_breaks_the_device_signature() {
    let credential = credential_at(NOW, 7);
    let text = present(&credential, &device(), NOW as u32);
    let mut bytes = base45::decode(&text[DLB_PREFIX.len()..]).expect("base45");
    // The time: one second later than signed.
    let at = bytes.len() - 68 + 3;
    bytes[at] ^= 1;
    assert_eq!(
        check_at(&format!("DLB:{}", base45::encode(&bytes)), NOW).unwrap_err(),
        VerifyError::DeviceSignatureBad
    );
    // The signature itself.
    bytes[at] ^= 1;
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    assert_eq!(
        check_at(&format!("DLB:{}", base45::encode(&bytes)), NOW).unwrap_err(),
        VerifyError::DeviceSignatureBad
    );
    // A signature over another credential's digest (the phone's key, the wrong credential).
    let other = credential_at(NOW + 1, 7);
    let signature: Signature = device().sign(&presentation_message(&other.digest, NOW as u32));
    let text = presentation_text(&credential.packed, NOW as u32, &signature.to_bytes().into());
    assert_eq!(
        check_at(&text, NOW).unwrap_err(),
        VerifyError::DeviceSignatureBad
    );
}

#[test]
fn the_issuers_checks_come_first() {
    // Too short to hold a presentation.
    assert_eq!(
        check_at(&format!("DLB:{}", base45::encode(&[0; 68])), NOW).unwrap_err(),
        VerifyError::BadZlib
    );
    assert_eq!(check_at("DLB:!!", NOW).unwrap_err(), VerifyError::BadBase45);
    // A revoked issuing key is refused before the device is looked at.
    let credential = credential_at(NOW, 7);
    let text = present(&credential, &key(43), NOW as u32);
    let revoked = rega_credential::TrustList::new(
        "KRG-GDT-TRUST".into(),
        NOW - 3600,
        NOW + 86_400,
        vec![common::trusted(
            &issuer(),
            KeyStatus::Revoked,
            NOW - 86_400,
            NOW + 86_400,
        )],
    )
    .expect("a list");
    assert_eq!(
        verify(&text, &revoked, NOW, &Policy::default()).unwrap_err(),
        VerifyError::KeyRevoked
    );
    // A forged issuer signature, with a good device signature over it.
    let protected = protected_header(&issuer().kid());
    let payload = bound_claims(NOW, NOW + 86_400).to_cbor_bytes();
    let _ = signature_structure(&protected, &payload);
    let cose = encode_sign1(&protected, &payload, &[7; 64]);
    let forged = BoundCredential {
        digest: bound::credential_digest(&cose),
        packed: rega_credential::zlib::deflate_with_dictionary(&cose),
        issued_at: NOW,
        expires_at: NOW + 86_400,
    };
    assert_eq!(
        check_at(&present(&forged, &device(), NOW as u32), NOW).unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn a_kiosk_refuses_the_same_presentation_twice_but_not_a_fresh_one() {
    let credential = credential_at(NOW, 7);
    let policy = Policy::default();
    let mut guard = ReplayGuard::default();
    let first = check_at(&present(&credential, &device(), NOW as u32), NOW).expect("valid");
    guard.check(&first, NOW, &policy).expect("first showing");
    assert_eq!(
        guard.check(&first, NOW + 1, &policy).unwrap_err(),
        VerifyError::Replayed
    );
    let fresh = check_at(
        &present(&credential, &device(), (NOW + 30) as u32),
        NOW + 30,
    )
    .expect("valid");
    guard
        .check(&fresh, NOW + 30, &policy)
        .expect("a fresh presentation");
}

#[test]
fn the_binding_is_the_rfc_9679_thumbprint_of_the_device_key() {
    // Independently: the deterministic CBOR of {1: 2, -1: 1, -2: x, -3: y}, SHA-256, 16 bytes.
    use sha2::Digest as _;
    let point = device().verifying_key().to_encoded_point(false);
    let mut input = vec![0xa4, 0x01, 0x02, 0x20, 0x01, 0x21, 0x58, 0x20];
    input.extend_from_slice(point.x().expect("x"));
    input.extend_from_slice(&[0x22, 0x58, 0x20]);
    input.extend_from_slice(point.y().expect("y"));
    let digest = sha2::Sha256::digest(&input);
    assert_eq!(
        DeviceBinding::of_key(device().verifying_key()).0,
        digest[..16]
    );
}
