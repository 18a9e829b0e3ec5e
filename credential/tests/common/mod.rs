//! Fixtures shared by the credential tests: demo licences, a test issuer and its trust list.
#![allow(dead_code)]

use p256::ecdsa::SigningKey;
use rega_credential::sign::Issuer;
use rega_credential::{KeyStatus, Licence, TrustList, TrustedKey};

/// A fixed moment: 2026-11-28T09:00:00Z.
pub const NOW: i64 = 1_795_856_400;
pub const ISSUER: &str = "KRG-GDT";

/// The demo licences, by name, from `credential/testdata/licences/`.
pub fn demo_licences() -> Vec<(String, Licence)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/licences");
    let mut out: Vec<(String, Licence)> = std::fs::read_dir(&dir)
        .expect("the licence fixtures exist")
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let name = path
                .file_stem()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("readable");
            (
                name,
                serde_json::from_str(&text).expect("a licence in the SPEC's element names"),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

pub fn licence(name: &str) -> Licence {
    demo_licences()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, l)| l)
        .expect("a known fixture")
}

/// A deterministic key, so failures are reproducible.
pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).expect("a valid scalar")
}

pub fn issuer() -> Issuer {
    Issuer::new(key(7), ISSUER)
}

pub fn trusted(issuer: &Issuer, status: KeyStatus, nbf: i64, exp: i64) -> TrustedKey {
    TrustedKey {
        kid: issuer.kid(),
        key: *issuer.verifying_key(),
        iss: issuer.iss().to_owned(),
        nbf,
        exp,
        status,
    }
}

/// A trust list holding the test issuer's key, active for a year around NOW.
pub fn trust_list() -> TrustList {
    let issuer = issuer();
    TrustList::new(
        "KRG-GDT-TRUST".into(),
        NOW - 3600,
        NOW + 7 * 86_400,
        vec![trusted(
            &issuer,
            KeyStatus::Active,
            NOW - 180 * 86_400,
            NOW + 180 * 86_400,
        )],
    )
    .expect("no duplicate kids")
}
