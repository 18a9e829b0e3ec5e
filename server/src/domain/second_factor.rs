//! The staff's second factor: time-based one-time passwords (TOTP, RFC 6238: HMAC-SHA1, 30-second
//! steps, 6 digits, what every authenticator app reads from an `otpauth://` QR code) and one-time
//! recovery codes. Each step's code opens one sign-in (the store records the last step used), and
//! the step before and after the server's are accepted, for a phone's clock a little off.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Steps accepted either side of the current one.
pub const WINDOW: i64 = 1;
/// Bytes of a secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (without the hyphen).
const RECOVERY_LENGTH: usize = 10;
/// What recovery codes are written in: no look-alikes (0/O, 1/I/L), read out and typed easily.
const RECOVERY_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// RFC 4648 base32, the alphabet authenticator apps take secrets in.
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The step `time` (Unix seconds) falls in.
pub fn step_of(time: i64) -> i64 {
    time.div_euclid(STEP_SECONDS)
}

/// The 6-digit code of `secret` at `step` (RFC 4226's dynamic truncation).
pub fn code_at(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

/// The step whose code `code` is, within [`WINDOW`] steps of `now`; the newest first, so a code
/// of the next step is never taken for an older one.
pub fn matching_step(secret: &[u8], code: &str, now: i64) -> Option<i64> {
    let current = step_of(now);
    (current - WINDOW..=current + WINDOW)
        .rev()
        .find(|step| constant_time_eq(code_at(secret, *step).as_bytes(), code.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a member of staff typed in the code field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactorCode {
    /// Six digits from the authenticator app (Eastern Arabic or Persian digits read as ASCII).
    Totp(String),
    /// A recovery code, normalised: upper case, without spaces or hyphens.
    Recovery(String),
}

impl SecondFactorCode {
    /// Reads a typed code; `None` for what can be neither.
    pub fn parse(typed: &str) -> Option<SecondFactorCode> {
        let kept: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c {
                '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
                '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
                other => other.to_ascii_uppercase(),
            })
            .collect();
        if kept.len() == 6 && kept.bytes().all(|b| b.is_ascii_digit()) {
            return Some(SecondFactorCode::Totp(kept));
        }
        (kept.len() == RECOVERY_LENGTH && kept.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
            .then_some(SecondFactorCode::Recovery(kept))
    }
}

/// A recovery code from random bytes, grouped `XXXXX-XXXXX` (about 49 bits).
pub fn recovery_code(random: &[u8; RECOVERY_LENGTH]) -> String {
    let chars: String = random
        .iter()
        .map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()]))
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// How a recovery code is stored: SHA-256 of the account and the normalised code, in hex.
pub fn recovery_code_hash(staff_id: i64, normalised: &str) -> String {
    crate::auth::sessions::hex(&Sha256::digest(
        format!("{staff_id}:{normalised}").as_bytes(),
    ))
}

/// `bytes` in RFC 4648 base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads base32 (as [`base32`] writes it); `None` for anything else.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let value = BASE32.iter().position(|b| *b == c)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
        buffer &= (1 << bits) - 1;
    }
    Some(out)
}

/// The `otpauth://` URI an authenticator app reads from the QR code: the issuer `Rega` and the
/// account's username (lower-case ASCII, so nothing needs escaping).
pub fn otpauth_uri(username: &str, secret_base32: &str) -> String {
    format!(
        "otpauth://totp/Rega:{username}?secret={secret_base32}&issuer=Rega&algorithm=SHA1\
         &digits=6&period={STEP_SECONDS}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 (the last six of its eight digits).
    #[test]
    fn the_codes_are_rfc_6238s() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(code_at(secret, step_of(time)), code, "at {time}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_one_either_side_only() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111;
        let step = step_of(now);
        for offset in -1..=1 {
            let code = code_at(secret, step + offset);
            assert_eq!(matching_step(secret, &code, now), Some(step + offset));
        }
        for offset in [-3, -2, 2, 3] {
            let code = code_at(secret, step + offset);
            assert_eq!(matching_step(secret, &code, now), None, "{offset}");
        }
        assert_eq!(
            matching_step(b"another secret", &code_at(secret, step), now),
            None
        );
    }

    #[test]
    fn base32_is_rfc_4648s_and_reads_back() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(from_base32("MZXW6YTBOI").as_deref(), Some(&b"foobar"[..]));
        let secret: Vec<u8> = (0..20).collect();
        assert_eq!(base32(&secret).len(), 32);
        assert_eq!(from_base32(&base32(&secret)), Some(secret));
        assert_eq!(from_base32("mzxw"), None);
    }

    #[test]
    fn a_typed_code_is_six_digits_or_a_recovery_code() {
        assert_eq!(
            SecondFactorCode::parse(" 123 456 "),
            Some(SecondFactorCode::Totp("123456".into()))
        );
        assert_eq!(
            SecondFactorCode::parse("١٢٣٤٥٦"),
            Some(SecondFactorCode::Totp("123456".into()))
        );
        assert_eq!(
            SecondFactorCode::parse("ab3de-fgh7k"),
            Some(SecondFactorCode::Recovery("AB3DEFGH7K".into()))
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "ABCDE-FGHI0",
            "ABCDE-FGHIJKL",
            "12345a",
        ] {
            assert_eq!(SecondFactorCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_recovery_code_reads_back_as_itself() {
        let code = recovery_code(&[0, 1, 2, 3, 4, 250, 251, 252, 253, 254]);
        assert_eq!(code.len(), 11);
        let Some(SecondFactorCode::Recovery(normalised)) = SecondFactorCode::parse(&code) else {
            panic!("{code} is a recovery code");
        };
        assert_eq!(normalised, code.replace('-', ""));
        assert_ne!(
            recovery_code_hash(1, &normalised),
            recovery_code_hash(2, &normalised)
        );
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_account() {
        assert_eq!(
            otpauth_uri("erbil-supervisor", "MZXW6YTBOI"),
            "otpauth://totp/Rega:erbil-supervisor?secret=MZXW6YTBOI&issuer=Rega&algorithm=SHA1\
             &digits=6&period=30"
        );
    }
}
