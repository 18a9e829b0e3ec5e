//! Fuzzes the trust-list parser: arbitrary text as the JWS, and arbitrary bytes as a payload
//! correctly signed by the anchor (so the JSON and key parsing behind the signature is reached).
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::Signer;
use rega_credential::TrustList;

fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fuzz_target!(|data: &[u8]| {
    let anchor = SigningKey::from_slice(&[42; 32]).expect("a scalar");
    let Some((mode, rest)) = data.split_first() else { return };
    let jws = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let input = format!("{}.{}", b64url(br#"{"alg":"ES256"}"#), b64url(rest));
        let signature: p256::ecdsa::Signature = anchor.sign(input.as_bytes());
        format!("{input}.{}", b64url(&signature.to_bytes()))
    };
    let _ = TrustList::from_jws(&jws, anchor.verifying_key());
});
