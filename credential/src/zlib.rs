//! zlib (RFC 1950) for DL1: inflation bounded in size, with the DL1 preset dictionary.
//!
//! DL1 tokens are compressed with a preset dictionary (RFC 1950 `FDICT`) holding the COSE and
//! claims skeleton and the ISO 18013-5 element names, so that those names cost a few bits each:
//! a typical token is about 340 characters of QR text instead of about 640. Streams without a
//! dictionary (such as the EU DCC's) inflate as usual; any other dictionary is refused.

use alloc::vec;
use alloc::vec::Vec;

use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};

/// The DL1 preset dictionary. Part of the format: changing a byte breaks every verifier in the
/// field, so a test pins its Adler-32. It holds structure and element names only, never
/// personal data.
pub static DL1_DICTIONARY: &[u8] = include_bytes!("dl1-zlib-dictionary.bin");

/// Why bytes did not inflate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZlibError {
    /// Not a zlib stream, a broken one, a wrong checksum, or bytes after its end.
    Malformed,
    /// A preset dictionary other than DL1's.
    UnknownDictionary,
    /// It inflates past the limit.
    TooLarge,
}

/// Adler-32 (RFC 1950 §8.2).
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the longest run before the sums could overflow u32.
    for chunk in data.chunks(5552) {
        for byte in chunk {
            a += u32::from(*byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Inflates a zlib stream to at most `limit` bytes.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, ZlibError> {
    let [cmf, flg, rest @ ..] = data else {
        return Err(ZlibError::Malformed);
    };
    // Deflate, window at most 32 KiB, header checksum.
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(*cmf) * 256 + u16::from(*flg)) % 31 != 0 {
        return Err(ZlibError::Malformed);
    }
    let (dictionary, body): (&[u8], &[u8]) = if flg & 0x20 != 0 {
        let [d0, d1, d2, d3, body @ ..] = rest else {
            return Err(ZlibError::Malformed);
        };
        if u32::from_be_bytes([*d0, *d1, *d2, *d3]) != adler32(DL1_DICTIONARY) {
            return Err(ZlibError::UnknownDictionary);
        }
        (DL1_DICTIONARY, body)
    } else {
        (&[], rest)
    };
    // The output buffer starts with the dictionary, so back-references can reach into it; one
    // byte over the limit tells "too large" from "exactly the limit".
    let start = dictionary.len();
    let mut out = vec![0u8; start + limit + 1];
    out[..start].copy_from_slice(dictionary);
    let mut state = DecompressorOxide::new();
    let (status, consumed, written) = decompress(
        &mut state,
        body,
        &mut out,
        start,
        inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    match status {
        TINFLStatus::Done => {}
        TINFLStatus::HasMoreOutput => return Err(ZlibError::TooLarge),
        _ => return Err(ZlibError::Malformed),
    }
    if written > limit {
        return Err(ZlibError::TooLarge);
    }
    let output = &out[start..start + written];
    let trailer = body.get(consumed..).ok_or(ZlibError::Malformed)?;
    let [t0, t1, t2, t3] = trailer else {
        return Err(ZlibError::Malformed);
    };
    if u32::from_be_bytes([*t0, *t1, *t2, *t3]) != adler32(output) {
        return Err(ZlibError::Malformed);
    }
    Ok(output.to_vec())
}

/// Compresses with the DL1 dictionary (the issuing side).
#[cfg(feature = "sign")]
pub fn deflate_with_dictionary(data: &[u8]) -> Vec<u8> {
    let mut compressor = flate2::Compress::new(flate2::Compression::best(), true);
    // With the zlib-rs backend these cannot fail for a fresh stream and a valid level.
    let _ = compressor.set_dictionary(DL1_DICTIONARY);
    let mut out = Vec::with_capacity(data.len() + 64);
    loop {
        match compressor.compress_vec(
            &data[compressor.total_in() as usize..],
            &mut out,
            flate2::FlushCompress::Finish,
        ) {
            Ok(flate2::Status::StreamEnd) => return out,
            Ok(_) => out.reserve(256),
            Err(_) => return Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dl1_dictionary_is_frozen() {
        // Changing the dictionary changes the DL1 format: update verifiers first, then this.
        assert_eq!(adler32(DL1_DICTIONARY), 0xc752_8773);
        assert_eq!(DL1_DICTIONARY.len(), 375);
    }

    #[test]
    fn adler32_matches_rfc_1950() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        assert_eq!(adler32(&[0xff; 100_000]), {
            let (mut a, mut b) = (1u64, 0u64);
            for _ in 0..100_000 {
                a = (a + 255) % 65_521;
                b = (b + a) % 65_521;
            }
            ((b << 16) | a) as u32
        });
    }

    #[test]
    fn plain_zlib_inflates_and_bombs_are_refused() {
        let data = miniz_oxide::deflate::compress_to_vec_zlib(b"hello hello hello", 9);
        assert_eq!(inflate(&data, 100).expect("inflates"), b"hello hello hello");
        assert_eq!(
            inflate(&data, 17).expect("exactly the limit"),
            b"hello hello hello"
        );
        assert_eq!(inflate(&data, 16), Err(ZlibError::TooLarge));
        let mut corrupt = data.clone();
        let last = corrupt.len() - 1;
        corrupt[last] ^= 1;
        assert_eq!(inflate(&corrupt, 100), Err(ZlibError::Malformed));
        let mut trailing = data.clone();
        trailing.push(0);
        assert_eq!(inflate(&trailing, 100), Err(ZlibError::Malformed));
        assert_eq!(inflate(&[0x78], 100), Err(ZlibError::Malformed));
        assert_eq!(inflate(&[0x78, 0x9c], 100), Err(ZlibError::Malformed));
    }

    #[test]
    fn an_unknown_preset_dictionary_is_refused() {
        // Header 0x78 0xbb: deflate, 32 KiB window, FDICT set, valid check bits.
        let stream = [0x78, 0xbb, 0, 0, 0, 1, 0x03, 0x00, 0, 0, 0, 1];
        assert_eq!(inflate(&stream, 100), Err(ZlibError::UnknownDictionary));
    }
}

#[cfg(all(test, feature = "sign"))]
mod dictionary_tests {
    use super::*;

    #[test]
    fn a_dictionary_stream_round_trips() {
        let data =
            b"family_name_national_character given_name_national_character driving_privileges";
        let compressed = deflate_with_dictionary(data);
        assert_eq!(
            compressed[1] & 0x20,
            0x20,
            "FDICT set: {:02x?}",
            &compressed[..6]
        );
        assert_eq!(inflate(&compressed, 1000).expect("inflates"), data);
    }
}
