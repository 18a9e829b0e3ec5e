//! Fuzzes `verify` at every layer: the first byte picks where the fuzzer's bytes enter — as the
//! QR text itself, as the zlib stream under a correct prefix and Base45, as the COSE message
//! under correct text layers, or as a signed payload (so the claims parser is reached too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use p256::ecdsa::SigningKey;
use rega_credential::sign::{Issuer, encode_text};
use rega_credential::{KeyStatus, Policy, TrustList, TrustedKey, base45, verify};

const NOW: i64 = 1_795_856_400;

fn setup() -> (Issuer, TrustList) {
    let issuer = Issuer::new(SigningKey::from_slice(&[7; 32]).expect("a scalar"), "KRG-GDT");
    let key = TrustedKey {
        kid: issuer.kid(),
        key: *issuer.verifying_key(),
        iss: "KRG-GDT".into(),
        nbf: 0,
        exp: i64::MAX / 2,
        status: KeyStatus::Active,
    };
    let list = TrustList::new("t".into(), 0, i64::MAX / 2, vec![key]).expect("a list");
    (issuer, list)
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else { return };
    let (issuer, list) = setup();
    let text = match mode % 4 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => format!("DL1:{}", base45::encode(rest)),
        2 => encode_text(rest),
        _ => issuer.sign_payload(rest),
    };
    let _ = verify(&text, &list, NOW, &Policy::default());
});
