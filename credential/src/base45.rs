//! Base45 (RFC 9285): the QR alphanumeric-mode text encoding of binary data.

use alloc::string::String;
use alloc::vec::Vec;

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Why text is not Base45.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base45Error {
    /// A character outside the 45-character alphabet.
    InvalidCharacter,
    /// A trailing group of one character, or a group whose value does not fit its bytes.
    InvalidGroup,
}

/// Encodes bytes as Base45 text.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(2) * 3);
    for pair in data.chunks(2) {
        let (mut n, digits) = match pair {
            [a, b] => (u32::from(*a) * 256 + u32::from(*b), 3),
            [a] => (u32::from(*a), 2),
            _ => continue,
        };
        for _ in 0..digits {
            out.push(char::from(ALPHABET[(n % 45) as usize]));
            n /= 45;
        }
    }
    out
}

fn digit(c: u8) -> Result<u32, Base45Error> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
        .ok_or(Base45Error::InvalidCharacter)
}

/// Decodes Base45 text. Every malformed input is an error.
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for group in bytes.chunks(3) {
        match group {
            [c, d, e] => {
                let n = digit(*c)? + digit(*d)? * 45 + digit(*e)? * 2025;
                let n = u16::try_from(n).map_err(|_| Base45Error::InvalidGroup)?;
                out.extend_from_slice(&n.to_be_bytes());
            }
            [c, d] => {
                let n = digit(*c)? + digit(*d)? * 45;
                out.push(u8::try_from(n).map_err(|_| Base45Error::InvalidGroup)?);
            }
            _ => {
                // A lone character: still report a bad character first.
                digit(group[0])?;
                return Err(Base45Error::InvalidGroup);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9285_examples_round_trip() {
        for (plain, encoded) in [
            ("AB", "BB8"),
            ("Hello!!", "%69 VD92EX0"),
            ("base-45", "UJCLQE7W581"),
            ("ietf!", "QED8WEX0"),
        ] {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).expect("decodes"), plain.as_bytes());
        }
        assert_eq!(encode(b""), "");
    }

    #[test]
    fn invalid_base45_is_refused() {
        assert_eq!(decode("GGW"), Err(Base45Error::InvalidGroup)); // 65535 < value
        assert_eq!(decode(":::"), Err(Base45Error::InvalidGroup));
        assert_eq!(decode("A"), Err(Base45Error::InvalidGroup));
        assert_eq!(decode("ab"), Err(Base45Error::InvalidCharacter));
        assert_eq!(decode("BB8\n"), Err(Base45Error::InvalidCharacter));
        assert_eq!(decode("::"), Err(Base45Error::InvalidGroup)); // 2024 > 255
    }

    #[test]
    fn every_byte_pair_round_trips() {
        for a in 0..=255u8 {
            for b in [0u8, 1, 44, 45, 127, 200, 255] {
                assert_eq!(decode(&encode(&[a, b])).expect("decodes"), [a, b]);
                assert_eq!(decode(&encode(&[a])).expect("decodes"), [a]);
            }
        }
    }
}
