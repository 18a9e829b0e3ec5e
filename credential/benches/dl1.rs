//! DL1 speed on this machine: issuing (sign) and verifying one token, over many runs.
//! Prints one JSON object per measurement, for `cargo xtask bench`. Not a test: it asserts
//! nothing about speed.

use std::hint::black_box;
use std::time::Instant;

use p256::ecdsa::SigningKey;
use rega_credential::sign::Issuer;
use rega_credential::{KeyStatus, Licence, Policy, TrustList, TrustedKey, verify};

const RUNS: usize = 3000;
const NOW: i64 = 1_795_856_400;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn report(name: &str, mut micros: Vec<f64>) {
    micros.sort_by(f64::total_cmp);
    let mean = micros.iter().sum::<f64>() / micros.len() as f64;
    println!(
        "{{\"bench\":\"{name}\",\"runs\":{},\"p50_us\":{:.1},\"p99_us\":{:.1},\"mean_us\":{:.1}}}",
        micros.len(),
        percentile(&micros, 0.50),
        percentile(&micros, 0.99),
        mean
    );
}

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/licences/largest.json"
    );
    let licence: Licence =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("a licence");
    let issuer = Issuer::new(
        SigningKey::from_slice(&[7; 32]).expect("a scalar"),
        "KRG-GDT",
    );
    let list = TrustList::new(
        "t".into(),
        NOW,
        NOW + 86_400,
        vec![TrustedKey {
            kid: issuer.kid(),
            key: *issuer.verifying_key(),
            iss: "KRG-GDT".into(),
            nbf: 0,
            exp: NOW * 2,
            status: KeyStatus::Active,
        }],
    )
    .expect("a list");
    let policy = Policy::default();

    // Warm up caches and the allocator.
    for _ in 0..100 {
        black_box(issuer.issue(&licence, NOW).expect("signed"));
    }
    let mut sign = Vec::with_capacity(RUNS);
    let mut tokens = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let token = black_box(issuer.issue(black_box(&licence), NOW).expect("signed"));
        sign.push(started.elapsed().as_secs_f64() * 1e6);
        tokens.push(token);
    }
    let mut check = Vec::with_capacity(RUNS);
    for token in &tokens {
        let started = Instant::now();
        black_box(verify(black_box(token), &list, NOW, &policy).expect("valid"));
        check.push(started.elapsed().as_secs_f64() * 1e6);
    }
    report("dl1_sign_host", sign);
    report("dl1_verify_host", check);
}
