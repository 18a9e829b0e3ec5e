//! The trust list: signed with the anchor key as a JWS, verified against the pinned anchor.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{NOW, issuer, key, trust_list, trusted};
use rega_credential::sign::{Issuer, sign_trust_list};
use rega_credential::trust::TrustListError;
use rega_credential::{KeyStatus, Policy, TrustList, verify};

fn anchor() -> p256::ecdsa::SigningKey {
    key(42)
}

#[test]
fn a_signed_trust_list_reads_back_identically_and_its_keys_verify_tokens() {
    let jws = sign_trust_list(&trust_list(), &anchor());
    let read = TrustList::from_jws(&jws, anchor().verifying_key()).expect("verifies");
    assert_eq!(read, trust_list());
    let token = issuer()
        .issue(&common::licence("valid"), NOW)
        .expect("signed");
    assert!(verify(&token, &read, NOW, &Policy::default()).is_ok());
}

#[test]
fn a_list_signed_by_another_key_is_refused() {
    let jws = sign_trust_list(&trust_list(), &key(43));
    assert_eq!(
        TrustList::from_jws(&jws, anchor().verifying_key()),
        Err(TrustListError::BadSignature)
    );
}

#[test]
fn a_list_whose_payload_was_changed_is_refused() {
    let jws = sign_trust_list(&trust_list(), &anchor());
    let parts: Vec<&str> = jws.split('.').collect();
    let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("utf8");
    let forged = payload
        .replace("\"revoked\"", "\"active\"")
        .replace("\"active\"", "\"retired\"");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(forged),
        parts[2]
    );
    assert_eq!(
        TrustList::from_jws(&forged, anchor().verifying_key()),
        Err(TrustListError::BadSignature)
    );
}

#[test]
fn an_unsigned_or_other_algorithm_list_is_refused() {
    let jws = sign_trust_list(&trust_list(), &anchor());
    let parts: Vec<&str> = jws.split('.').collect();
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
        parts[1]
    );
    assert_eq!(
        TrustList::from_jws(&none, anchor().verifying_key()),
        Err(TrustListError::UnsupportedAlgorithm)
    );
    let hs = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#),
        parts[1],
        parts[2]
    );
    assert_eq!(
        TrustList::from_jws(&hs, anchor().verifying_key()),
        Err(TrustListError::UnsupportedAlgorithm)
    );
}

#[test]
fn malformed_lists_are_refused_without_panicking() {
    for text in [
        "",
        ".",
        "..",
        "a.b.c",
        "a.b.c.d",
        "e30.e30.",
        &"A".repeat(300_000),
    ] {
        assert!(
            TrustList::from_jws(text, anchor().verifying_key()).is_err(),
            "{text:.20}"
        );
    }
}

#[test]
fn duplicate_kids_are_refused() {
    let i = issuer();
    let keys = vec![
        trusted(&i, KeyStatus::Active, 0, NOW * 2),
        trusted(&i, KeyStatus::Retired, 0, NOW * 2),
    ];
    assert_eq!(
        TrustList::new("t".into(), NOW, NOW + 1, keys).unwrap_err(),
        TrustListError::DuplicateKid
    );
    // Also when they arrive inside a signed list.
    let mut list = trust_list();
    list.keys.push(list.keys[0].clone());
    let jws = sign_trust_list(&list, &anchor());
    assert_eq!(
        TrustList::from_jws(&jws, anchor().verifying_key()),
        Err(TrustListError::DuplicateKid)
    );
}

#[test]
fn a_kid_that_does_not_belong_to_its_key_is_refused() {
    let mut list = trust_list();
    list.keys[0].kid = [0; 8];
    let jws = sign_trust_list(&list, &anchor());
    assert_eq!(
        TrustList::from_jws(&jws, anchor().verifying_key()),
        Err(TrustListError::BadKey)
    );
}

#[test]
fn rotation_keeps_tokens_in_flight_valid() {
    // The new key is added before the old one is retired; a token signed by the old key a
    // moment before the switch still verifies with the new list.
    let old = issuer();
    let new = Issuer::new(key(8), common::ISSUER);
    let in_flight = old.issue(&common::licence("valid"), NOW).expect("signed");
    let rotated = TrustList::new(
        "t".into(),
        NOW + 60,
        NOW + 7 * 86_400,
        vec![
            trusted(&old, KeyStatus::Retired, NOW - 86_400, NOW + 86_400),
            trusted(&new, KeyStatus::Active, NOW, NOW + 365 * 86_400),
        ],
    )
    .expect("a list");
    let jws = sign_trust_list(&rotated, &anchor());
    let read = TrustList::from_jws(&jws, anchor().verifying_key()).expect("verifies");
    assert!(verify(&in_flight, &read, NOW + 90, &Policy::default()).is_ok());
    let fresh = new
        .issue(&common::licence("valid"), NOW + 90)
        .expect("signed");
    assert!(verify(&fresh, &read, NOW + 90, &Policy::default()).is_ok());
    assert!(!read.is_expired(NOW + 86_400) && read.is_expired(NOW + 8 * 86_400));
}
