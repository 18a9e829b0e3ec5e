//! The ticket's own link (issue 18 item 3): at check-in the kiosk shows a QR code and a short
//! code that open the queue ticket on the citizen's phone without signing in. The code is the
//! only key: 16 characters of an alphabet without look-alikes (80 random bits), grouped by four
//! to read and type, good for the ticket's day only, and it reveals the ticket's number, place
//! in the queue and counter, nothing of the citizen or the appointment. The server keeps only
//! its SHA-256, so a copy of the database opens no ticket.

use sha2::{Digest, Sha256};

/// 32 characters: digits without 0 and 1, letters without I and O.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Characters in a code, without the dashes.
pub const LENGTH: usize = 16;

/// A code from 10 random bytes (80 bits, 5 per character): `XXXX-XXXX-XXXX-XXXX`.
pub fn code_from(random: [u8; 10]) -> String {
    let bits = random
        .iter()
        .fold(0_u128, |acc, byte| (acc << 8) | u128::from(*byte));
    let chars: Vec<char> = (0..LENGTH)
        .rev()
        .map(|i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        .collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A new link from 10 random bytes: the code to show, and the digest to keep (the kiosk's
/// check-in and the desk's walk-in).
pub fn new_link(random: [u8; 10]) -> (String, String) {
    let code = code_from(random);
    let kept = digest(&code.replace('-', ""));
    (code, kept)
}

/// A typed or scanned code in its one form (capitals, no dashes or spaces), or `None` if it
/// cannot be one.
pub fn normalize(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// What the server keeps of a code typed, scanned or just made: the digest of its normalized
/// form, or `None` if it cannot be a code.
pub fn digest_of(input: &str) -> Option<String> {
    normalize(input).map(|code| digest(&code))
}

/// What the server keeps of a code: the SHA-256 of its normalized form, in hex.
pub fn digest(normalized: &str) -> String {
    let digest = Sha256::digest(format!("rega-ticket-link:{normalized}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_sixteen_readable_characters_in_groups_of_four() {
        let code = code_from([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xff]);
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        assert!(normalize(&code).is_some());
        assert_eq!(code_from([0; 10]), "2222-2222-2222-2222");
        assert_eq!(code_from([0xff; 10]), "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        // Every bit counts: codes of inputs one bit apart differ.
        let mut other = [0_u8; 10];
        other[9] = 1;
        assert_ne!(code_from(other), code_from([0; 10]));
        // What is kept of a new link is what a typed code is looked up by.
        let (code, kept) = new_link([7; 10]);
        assert_eq!(digest_of(&code).as_deref(), Some(kept.as_str()));
    }

    #[test]
    fn a_code_is_read_back_however_it_was_typed() {
        let code = "K7M2-9QXD-4FHT-ABCD";
        let normal = normalize(code).expect("a code");
        assert_eq!(normalize("k7m2 9qxd 4fht abcd"), Some(normal.clone()));
        assert_eq!(normalize("K7M29QXD4FHTABCD"), Some(normal.clone()));
        assert_eq!(
            digest(&normal),
            digest(&normalize("k7m29qxd-4fht-abcd").expect("a code"))
        );
        for bad in [
            "",
            "K7M2-9QXD-4FHT-ABC",
            "K7M2-9QXD-4FHT-ABCDE",
            "O7M2-9QXD-4FHT-ABCD",
            "K7M2-9QXD-4FHT-ABC1",
            "ک7M2-9QXD-4FHT-ABCD",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_digest_is_not_the_code() {
        let normal = normalize("K7M2-9QXD-4FHT-ABCD").expect("a code");
        let kept = digest(&normal);
        assert_eq!(kept.len(), 64);
        assert!(!kept.contains(&normal.to_lowercase()));
        assert_ne!(
            kept,
            digest(&normalize("K7M2-9QXD-4FHT-ABCE").expect("a code"))
        );
    }
}
