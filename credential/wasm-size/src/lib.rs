//! An exported function that verifies a DL1 text against a trust list JWS and a pinned anchor
//! (with the `verifier` feature), or only reads its inputs (without): the size difference is
//! what the verifier costs a wasm build. Both builds use std and its allocator, like the app.
use std::slice;

/// Verifies `text` (UTF-8 at `text_ptr`) with the trust list JWS at `list_ptr` and the anchor's
/// SEC1 point at `anchor_ptr`, at Unix time `now`. Returns 0 when valid, else 1 + the error index.
///
/// # Safety
/// The pointers and lengths must describe readable memory.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn check(
    text_ptr: *const u8,
    text_len: usize,
    list_ptr: *const u8,
    list_len: usize,
    anchor_ptr: *const u8,
    anchor_len: usize,
    now: i64,
) -> u32 {
    let (text, list, anchor) = unsafe {
        (
            slice::from_raw_parts(text_ptr, text_len),
            slice::from_raw_parts(list_ptr, list_len),
            slice::from_raw_parts(anchor_ptr, anchor_len),
        )
    };
    run(text, list, anchor, now)
}

#[cfg(feature = "verifier")]
fn run(text: &[u8], list: &[u8], anchor: &[u8], now: i64) -> u32 {
    use rega_credential::{Policy, TrustList, VerifyError, verify};
    let (Ok(text), Ok(list)) = (core::str::from_utf8(text), core::str::from_utf8(list)) else { return 100 };
    let Ok(anchor) = p256_key(anchor) else { return 101 };
    let Ok(list) = TrustList::from_jws(list, &anchor) else { return 102 };
    match verify(text, &list, now, &Policy::default()) {
        Ok(_) => 0,
        Err(e) => 1 + VerifyError::ALL.iter().position(|x| *x == e).unwrap_or(0) as u32,
    }
}

#[cfg(feature = "verifier")]
fn p256_key(sec1: &[u8]) -> Result<rega_credential::keys::VerifyingKey, ()> {
    rega_credential::keys::VerifyingKey::from_sec1_bytes(sec1).map_err(|_| ())
}

#[cfg(not(feature = "verifier"))]
fn run(text: &[u8], list: &[u8], anchor: &[u8], now: i64) -> u32 {
    (text.len() + list.len() + anchor.len()) as u32 ^ now as u32
}
