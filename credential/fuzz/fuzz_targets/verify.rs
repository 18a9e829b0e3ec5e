//! Fuzzes `verify` at every layer of both forms: the first byte picks where the fuzzer's bytes
//! enter — as the QR text itself, as the zlib stream under a correct prefix and Base45, as the
//! COSE message under correct text layers, or as a signed payload (so the claims parser is
//! reached too); and in the bound form as the whole body, as a signed payload under a
//! presentation, or as the presentation of a genuine bound credential (so key recovery and the
//! device signature check see arbitrary signatures).
#![no_main]

use libfuzzer_sys::fuzz_target;
use p256::ecdsa::SigningKey;
use rega_credential::bound::presentation_text;
use rega_credential::sign::{Issuer, encode_text};
use rega_credential::{
    DeviceBinding, KeyStatus, Licence, Policy, TrustList, TrustedKey, base45, verify,
};

const NOW: i64 = 1_795_856_400;
const LICENCE: &str = include_str!("../../testdata/licences/valid.json");

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
    // A presentation's 68 bytes taken from the fuzzer's (zero-padded).
    let presentation = |bytes: &[u8]| {
        let mut tail = [0u8; 68];
        for (t, b) in tail.iter_mut().zip(bytes) {
            *t = *b;
        }
        let at = u32::from_be_bytes([tail[0], tail[1], tail[2], tail[3]]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&tail[4..]);
        (at, signature)
    };
    let text = match mode % 7 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => format!("DL1:{}", base45::encode(rest)),
        2 => encode_text(rest),
        3 => issuer.sign_payload(rest),
        4 => format!("DLB:{}", base45::encode(rest)),
        5 => {
            let (at, signature) = presentation(rest);
            let cose = issuer.sign_cose(rest.get(68..).unwrap_or_default());
            let packed = rega_credential::zlib::deflate_with_dictionary(&cose);
            presentation_text(&packed, at, &signature)
        }
        _ => {
            let (at, signature) = presentation(rest);
            let licence: Licence = serde_json::from_str(LICENCE).expect("a licence");
            let device = DeviceBinding(*b"0123456789abcdef");
            let credential = issuer.issue_bound(&licence, device, NOW, 7);
            presentation_text(&credential.packed, at, &signature)
        }
    };
    let _ = verify(&text, &list, NOW, &Policy::default());
});
