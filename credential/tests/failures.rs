//! The failure matrix: one crafted input per `VerifyError`, each named exactly, plus the
//! success path and the claims a verifier reads back.

mod common;

use common::{ISSUER, NOW, issuer, key, licence, trust_list, trusted};
use rega_credential::cbor::{self, Value};
use rega_credential::cose::{encode_sign1, protected_header, signature_structure};
use rega_credential::sign::{Issuer, encode_text};
use rega_credential::{
    Claims, KeyStatus, Policy, ReplayGuard, TrustList, VerifyError, base45, verify,
};

fn claims_at(iat: i64, exp: i64) -> Claims {
    Claims {
        iss: ISSUER.into(),
        iat,
        exp,
        cti: vec![1, 2, 3, 4, 5, 6, 7, 8],
        cnf: None,
        licence: licence("valid"),
    }
}

fn token() -> String {
    issuer().sign_claims(&claims_at(NOW, NOW + 180))
}

fn check(text: &str) -> Result<rega_credential::VerifiedLicence, VerifyError> {
    verify(text, &trust_list(), NOW, &Policy::default())
}

/// The COSE bytes inside a DL1 text.
fn cose_of(text: &str) -> Vec<u8> {
    let compressed = base45::decode(text.strip_prefix("DL1:").expect("prefixed")).expect("base45");
    rega_credential::zlib::inflate(&compressed, 16 * 1024).expect("zlib")
}

#[test]
fn a_fresh_token_verifies_and_gives_back_the_licence() {
    let verified = check(&token()).expect("valid");
    assert_eq!(verified.claims.licence, {
        // Per-category dates left out of the QR come back as the licence's own dates.
        let mut l = licence("valid");
        for p in &mut l.driving_privileges {
            p.issue_date.get_or_insert_with(|| l.issue_date.clone());
            p.expiry_date.get_or_insert_with(|| l.expiry_date.clone());
        }
        l
    });
    assert_eq!(verified.kid, issuer().kid());
    assert!(token().starts_with("DL1:"));
}

#[test]
fn empty_text_is_qr_unreadable() {
    assert_eq!(check("").unwrap_err(), VerifyError::QrUnreadable);
    assert_eq!(check("  \n").unwrap_err(), VerifyError::QrUnreadable);
}

#[test]
fn a_wrong_prefix_is_bad_prefix() {
    let text = token().replacen("DL1:", "HC1:", 1);
    assert_eq!(check(&text).unwrap_err(), VerifyError::BadPrefix);
    assert_eq!(
        check(&token().replacen("DL1:", "dl1:", 1)).unwrap_err(),
        VerifyError::BadPrefix
    );
}

#[test]
fn text_outside_the_base45_alphabet_is_bad_base45() {
    let mut text = token();
    text.push('a');
    assert_eq!(check(&text).unwrap_err(), VerifyError::BadBase45);
    assert_eq!(check("DL1:A").unwrap_err(), VerifyError::BadBase45);
}

#[test]
fn data_that_is_not_zlib_is_bad_zlib() {
    let text = format!("DL1:{}", base45::encode(b"this is not zlib"));
    assert_eq!(check(&text).unwrap_err(), VerifyError::BadZlib);
}

#[test]
fn a_payload_inflating_past_16_kib_is_bad_zlib() {
    let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 16 * 1024 + 1], 9);
    assert!(bomb.len() < 200, "a small input that inflates large");
    let text = format!("DL1:{}", base45::encode(&bomb));
    assert_eq!(check(&text).unwrap_err(), VerifyError::BadZlib);
}

#[test]
fn zlib_that_is_not_cose_is_bad_cbor() {
    for inner in [
        &b"\xff\xff"[..],
        &cbor::encode(&Value::Array(vec![Value::Integer(1)])),
    ] {
        assert_eq!(
            check(&encode_text(inner)).unwrap_err(),
            VerifyError::BadCbor
        );
    }
}

#[test]
fn another_algorithm_is_unsupported() {
    let protected = cbor::encode(&Value::Map(vec![
        (Value::Integer(1), Value::Integer(-37)),
        (Value::Integer(4), Value::Bytes(issuer().kid().to_vec())),
    ]));
    let text = encode_text(&encode_sign1(
        &protected,
        &claims_at(NOW, NOW + 180).to_cbor_bytes(),
        &[0; 64],
    ));
    assert_eq!(check(&text).unwrap_err(), VerifyError::UnsupportedAlgorithm);
}

#[test]
fn an_algorithm_only_in_the_unprotected_header_is_not_trusted() {
    let cose = cose_of(&token());
    let Value::Tag(18, inner) = cbor::decode(&cose).expect("cbor") else {
        panic!("tagged")
    };
    let Value::Array(items) = *inner else {
        panic!("array")
    };
    let protected = cbor::encode(&Value::Map(vec![(
        Value::Integer(4),
        Value::Bytes(issuer().kid().to_vec()),
    )]));
    let unprotected = Value::Map(vec![(Value::Integer(1), Value::Integer(-7))]);
    let rebuilt = cbor::encode(&Value::Array(vec![
        Value::Bytes(protected),
        unprotected,
        items[2].clone(),
        items[3].clone(),
    ]));
    assert_eq!(
        check(&encode_text(&rebuilt)).unwrap_err(),
        VerifyError::UnsupportedAlgorithm
    );
}

#[test]
fn a_key_the_trust_list_does_not_know_is_unknown_kid() {
    let stranger = Issuer::new(key(9), ISSUER);
    let text = stranger.sign_claims(&claims_at(NOW, NOW + 180));
    assert_eq!(check(&text).unwrap_err(), VerifyError::UnknownKid);
}

fn list_with(status: KeyStatus, nbf: i64, exp: i64) -> TrustList {
    TrustList::new(
        "t".into(),
        NOW,
        NOW + 86_400,
        vec![trusted(&issuer(), status, nbf, exp)],
    )
    .expect("list")
}

#[test]
fn a_revoked_key_is_key_revoked() {
    let list = list_with(KeyStatus::Revoked, NOW - 86_400, NOW + 86_400);
    assert_eq!(
        verify(&token(), &list, NOW, &Policy::default()).unwrap_err(),
        VerifyError::KeyRevoked
    );
}

#[test]
fn a_retired_key_still_verifies_its_tokens_in_flight() {
    let list = list_with(KeyStatus::Retired, NOW - 86_400, NOW + 86_400);
    assert!(verify(&token(), &list, NOW, &Policy::default()).is_ok());
}

#[test]
fn a_key_outside_its_validity_is_key_not_valid() {
    let not_yet = list_with(KeyStatus::Active, NOW + 3600, NOW + 86_400);
    assert_eq!(
        verify(&token(), &not_yet, NOW, &Policy::default()).unwrap_err(),
        VerifyError::KeyNotValid
    );
    let no_longer = list_with(KeyStatus::Active, NOW - 86_400, NOW - 3600);
    assert_eq!(
        verify(&token(), &no_longer, NOW, &Policy::default()).unwrap_err(),
        VerifyError::KeyNotValid
    );
}

#[test]
fn a_flipped_signature_byte_is_bad_signature() {
    let cose = cose_of(&token());
    let mut tampered = cose.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    assert_eq!(
        check(&encode_text(&tampered)).unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn a_payload_byte_flipped_and_recompressed_is_bad_signature() {
    let cose = cose_of(&token());
    // Change the licence number inside the payload: the forger's attack.
    let needle = b"KR-ERB-0012345";
    let at = cose
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the number is in the payload");
    let mut tampered = cose.clone();
    tampered[at + needle.len() - 1] = b'9';
    assert_eq!(
        check(&encode_text(&tampered)).unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn a_signed_payload_missing_a_claim_is_bad_claims() {
    let Value::Map(mut entries) =
        cbor::decode(&claims_at(NOW, NOW + 180).to_cbor_bytes()).expect("cbor")
    else {
        panic!("a map")
    };
    entries.retain(|(k, _)| *k != Value::Integer(7)); // no cti
    let text = issuer().sign_payload(&cbor::encode(&Value::Map(entries)));
    assert_eq!(check(&text).unwrap_err(), VerifyError::BadClaims);
    // A signed payload that is not even CBOR is also a claims failure, found after the signature.
    assert_eq!(
        check(&issuer().sign_payload(b"\xff")).unwrap_err(),
        VerifyError::BadClaims
    );
}

#[test]
fn another_issuer_than_the_keys_is_issuer_mismatch() {
    let mut claims = claims_at(NOW, NOW + 180);
    claims.iss = "BAGHDAD-GDT".into();
    assert_eq!(
        check(&issuer().sign_claims(&claims)).unwrap_err(),
        VerifyError::IssuerMismatch
    );
}

#[test]
fn a_token_from_the_future_is_not_yet_valid_beyond_the_leeway() {
    let early = issuer().sign_claims(&claims_at(NOW + 61, NOW + 241));
    assert_eq!(check(&early).unwrap_err(), VerifyError::NotYetValid);
    let within_leeway = issuer().sign_claims(&claims_at(NOW + 59, NOW + 239));
    assert!(check(&within_leeway).is_ok());
}

#[test]
fn a_token_past_its_expiry_is_expired_beyond_the_leeway() {
    let old = issuer().sign_claims(&claims_at(NOW - 300, NOW - 120));
    assert_eq!(check(&old).unwrap_err(), VerifyError::Expired);
    let just = issuer().sign_claims(&claims_at(NOW - 230, NOW - 50));
    assert!(check(&just).is_ok());
}

#[test]
fn a_token_valid_for_over_300_seconds_is_validity_too_long() {
    let long = issuer().sign_claims(&claims_at(NOW - 10, NOW + 291));
    assert_eq!(check(&long).unwrap_err(), VerifyError::ValidityTooLong);
}

#[test]
fn a_token_shown_twice_to_one_kiosk_is_replayed() {
    let mut guard = ReplayGuard::default();
    let verified = check(&token()).expect("valid");
    guard
        .check(&verified, NOW, &Policy::default())
        .expect("first showing");
    assert_eq!(
        guard
            .check(&verified, NOW + 5, &Policy::default())
            .unwrap_err(),
        VerifyError::Replayed
    );
    // After the token has expired it is forgotten (and verify would reject it anyway).
    guard
        .check(&verified, NOW + 1000, &Policy::default())
        .expect("forgotten");
}

#[test]
fn the_checks_run_in_the_specs_order() {
    // A token that is both from an unknown key and expired reports the earlier failure.
    let stranger = Issuer::new(key(9), ISSUER);
    let text = stranger.sign_claims(&claims_at(NOW - 1000, NOW - 900));
    assert_eq!(check(&text).unwrap_err(), VerifyError::UnknownKid);
    // Bad signature comes before bad claims: a tampered payload is never read.
    let protected = protected_header(&issuer().kid());
    let sig = vec![0u8; 64];
    let text = encode_text(&encode_sign1(&protected, b"\xff", &sig));
    assert_eq!(check(&text).unwrap_err(), VerifyError::BadSignature);
    let _ = signature_structure(&protected, b"");
}

#[test]
fn every_error_variant_has_a_distinct_name() {
    let names: std::collections::BTreeSet<&str> =
        VerifyError::ALL.iter().map(|e| e.name()).collect();
    assert_eq!(names.len(), VerifyError::ALL.len());
}

#[test]
fn zlib_with_a_foreign_preset_dictionary_is_bad_zlib() {
    let compressed = base45::decode(&token()[4..]).expect("base45");
    let mut foreign = compressed.clone();
    foreign[2] ^= 0xff; // the dictionary id
    assert_eq!(
        check(&format!("DL1:{}", base45::encode(&foreign))).unwrap_err(),
        VerifyError::BadZlib
    );
}
