//! The verifier's entry point (`verifier.html`, `/verify`): a first load of its own with only the
//! verify page, its camera reader and the DL1 verifier (issue 20), so a traffic officer's phone
//! at the roadside downloads only what verifying needs, and keeps it for offline use.
//!
//! Also two measurement hooks for `cargo xtask bench` (SPEC §8: verify and QR render in WASM,
//! p99 ≤ 15 ms), exported from this wasm only, so the citizen app does not carry them. They
//! time the app's own code with the browser's clock (`performance.now`).

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    rega_app::start::start(rega_app::VerifierApp);
    rega_app::start::keep_for_offline("cache-verifier");
}

fn clock() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Verifies `token` against the trust list `jws` (signed by the anchor JWK `kid`/`x`/`y`) at
/// Unix time `now`, `runs` times, as the verify page does per scan; the milliseconds of each run.
/// Empty when the list or the token does not verify.
#[wasm_bindgen]
pub fn bench_verify(
    token: &str,
    jws: &str,
    kid: &str,
    x: &str,
    y: &str,
    now: f64,
    runs: u32,
) -> Vec<f64> {
    let (Some(clock), Some(anchor)) = (clock(), rega_credential::keys::from_jwk(kid, x, y)) else {
        return Vec::new();
    };
    let Ok(list) = rega_credential::TrustList::from_jws(jws, &anchor) else {
        return Vec::new();
    };
    let mut times = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        let start = clock.now();
        let outcome = rega_app::pages::directorate::verify::check(token, Some(&list), now as i64);
        times.push(clock.now() - start);
        if !matches!(
            outcome,
            rega_app::pages::directorate::verify::Outcome::Valid(_)
        ) {
            return Vec::new();
        }
    }
    times
}

/// Draws the QR code of `text` as the licence page does (level Q, one SVG path), `runs` times;
/// the milliseconds of each run.
#[wasm_bindgen]
pub fn bench_qr(text: &str, runs: u32) -> Vec<f64> {
    let Some(clock) = clock() else {
        return Vec::new();
    };
    let mut times = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        let start = clock.now();
        let drawn = rega_app::components::qr_code::qr_path(text);
        times.push(clock.now() - start);
        if drawn.is_none() {
            return Vec::new();
        }
    }
    times
}
