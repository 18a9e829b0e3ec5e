//! Validated identifiers, parsed at the edge so deeper code never holds an invalid one.
//! Input may use Eastern Arabic or Persian digits, spaces, hyphens and bidi marks; the stored
//! and shown form is always ASCII.

use serde::{Deserialize, Serialize};

/// Why an identifier was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Wrong length or a character that does not belong.
    #[error("not a well-formed identifier")]
    Malformed,
    /// A reference whose check character does not match (a typo).
    #[error("the check character does not match")]
    CheckCharacter,
}

/// An Eastern Arabic (U+0660–0669) or Persian (U+06F0–06F9) digit as its ASCII digit; `None`
/// for any other character.
pub fn ascii_digit(ch: char) -> Option<char> {
    let zero = match ch {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        _ => return None,
    };
    char::from_digit(ch as u32 - zero, 10)
}

/// Text as typed with either digit set, trimmed, its Eastern Arabic and Persian digits as ASCII
/// ones and every other character kept (times, counts).
pub fn ascii_digits(text: &str) -> String {
    text.trim()
        .chars()
        .map(|ch| ascii_digit(ch).unwrap_or(ch))
        .collect()
}

/// Keeps the characters of an identifier as typed or pasted: digits of either set become ASCII,
/// letters are upper-cased; spaces, hyphens, tatweel and bidi marks are dropped. `None` for any
/// other character, so callers show an error rather than guess. The app's inputs use it too.
pub fn normalize_identifier(input: &str) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    for ch in input.chars() {
        match ch {
            '0'..='9' | 'A'..='Z' => out.push(ch),
            'a'..='z' => out.push(ch.to_ascii_uppercase()),
            '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => out.extend(ascii_digit(ch)),
            ' '
            | '\u{00A0}'
            | '-'
            | '\u{2010}'..='\u{2012}'
            | '\u{0640}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// A 12-digit Iraqi unified national card number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalId(String);

impl NationalId {
    /// Reads a national ID as typed (either digit set, spaces allowed).
    pub fn parse(input: &str) -> Result<NationalId, IdError> {
        let digits = normalize_identifier(input).ok_or(IdError::Malformed)?;
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::Malformed);
        }
        Ok(NationalId(digits))
    }

    /// The 12 ASCII digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NationalId {
    // Logged values show only the last three digits.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NationalId(*********{})", &self.0[9..])
    }
}

/// A 6-digit one-time sign-in code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OtpCode(String);

impl OtpCode {
    /// Reads a code as typed (either digit set).
    pub fn parse(input: &str) -> Result<OtpCode, IdError> {
        let digits = normalize_identifier(input).ok_or(IdError::Malformed)?;
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::Malformed);
        }
        Ok(OtpCode(digits))
    }

    /// The 6 ASCII digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for OtpCode {
    // Never printed, not even in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OtpCode(******)")
    }
}

/// The unambiguous alphabet of references: no 0/O, 1/I/L, or U (V), 30 symbols.
pub const REFERENCE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A booking reference, `RG-7K3M-Q9P2`: 7 random symbols and a Luhn mod 30 check character,
/// which catches every single mistyped character and every swap of two neighbours.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

fn symbol_value(c: u8) -> Option<usize> {
    REFERENCE_ALPHABET.iter().position(|&a| a == c)
}

/// Luhn mod N over the given symbol values: the check symbol's value.
fn check_value(values: &[usize]) -> usize {
    let n = REFERENCE_ALPHABET.len();
    let mut factor = 2;
    let mut sum = 0;
    for value in values.iter().rev() {
        let addend = factor * value;
        sum += addend / n + addend % n;
        factor = if factor == 2 { 1 } else { 2 };
    }
    (n - sum % n) % n
}

impl Reference {
    /// A reference from 7 random alphabet indices (the caller supplies the randomness).
    pub fn from_random(indices: [u8; 7]) -> Reference {
        let values: Vec<usize> = indices
            .iter()
            .map(|i| usize::from(*i) % REFERENCE_ALPHABET.len())
            .collect();
        let mut symbols: Vec<u8> = values.iter().map(|v| REFERENCE_ALPHABET[*v]).collect();
        symbols.push(REFERENCE_ALPHABET[check_value(&values)]);
        Reference(String::from_utf8(symbols).unwrap_or_default())
    }

    /// Reads a reference as typed or scanned: with or without `RG-` and hyphens, any case,
    /// either digit set.
    pub fn parse(input: &str) -> Result<Reference, IdError> {
        let mut text = normalize_identifier(input).ok_or(IdError::Malformed)?;
        if text.len() == 10 && text.starts_with("RG") {
            text.drain(..2);
        }
        if text.len() != 8 {
            return Err(IdError::Malformed);
        }
        let values: Vec<usize> = text
            .bytes()
            .map(symbol_value)
            .collect::<Option<_>>()
            .ok_or(IdError::Malformed)?;
        if check_value(&values[..7]) != values[7] {
            return Err(IdError::CheckCharacter);
        }
        Ok(Reference(text))
    }

    /// The 8 symbols without decoration, as stored.
    pub fn code(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RG-{}-{}", &self.0[..4], &self.0[4..])
    }
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Reference({self})")
    }
}

macro_rules! string_conversions {
    ($($name:ident => $show:expr),*) => {$(
        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(text: String) -> Result<$name, IdError> {
                $name::parse(&text)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                $show(&value)
            }
        }
    )*};
}

string_conversions!(
    NationalId => |v: &NationalId| v.0.clone(),
    OtpCode => |v: &OtpCode| v.0.clone(),
    Reference => |v: &Reference| v.to_string()
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_digit_set_becomes_ascii_and_other_characters_stay() {
        assert_eq!(ascii_digits(" ١٠:٣٠ "), "10:30");
        assert_eq!(ascii_digits("۰۹:۴۵"), "09:45");
        assert_eq!(ascii_digits("12:00"), "12:00");
        assert_eq!(ascii_digit('x'), None);
    }

    #[test]
    fn a_national_id_is_read_from_either_digit_set() {
        assert_eq!(
            NationalId::parse("١٩٩٠ ٠٤١٢ ٣٤٥٦").expect("valid").as_str(),
            "199004123456"
        );
        assert_eq!(
            NationalId::parse("۱۹۹۰۰۴۱۲۳۴۵۶").expect("valid").as_str(),
            "199004123456"
        );
        assert_eq!(
            NationalId::parse("\u{2066}199004123456\u{2069}")
                .expect("valid")
                .as_str(),
            "199004123456"
        );
        assert_eq!(NationalId::parse("19900412345"), Err(IdError::Malformed));
        assert_eq!(NationalId::parse("1990041234567"), Err(IdError::Malformed));
        assert_eq!(NationalId::parse("19900412345a"), Err(IdError::Malformed));
    }

    #[test]
    fn a_national_id_is_masked_in_debug_output() {
        let id = NationalId::parse("199004123456").expect("valid");
        assert_eq!(format!("{id:?}"), "NationalId(*********456)");
    }

    #[test]
    fn a_one_time_code_is_six_digits_and_never_printed() {
        assert_eq!(OtpCode::parse("٠١٢٣٤٥").expect("valid").as_str(), "012345");
        assert_eq!(OtpCode::parse("12345"), Err(IdError::Malformed));
        assert!(!format!("{:?}", OtpCode::parse("123456").expect("valid")).contains("123456"));
    }

    #[test]
    fn a_reference_round_trips_in_any_written_form() {
        let reference = Reference::from_random([5, 17, 1, 11, 20, 7, 0]);
        let shown = reference.to_string();
        assert!(shown.starts_with("RG-") && shown.len() == 12, "{shown}");
        for form in [
            shown.clone(),
            shown.to_lowercase(),
            shown.replace('-', ""),
            reference.code().to_owned(),
            format!(" {shown} "),
        ] {
            assert_eq!(Reference::parse(&form).expect("valid"), reference, "{form}");
        }
    }

    #[test]
    fn a_reference_with_a_wrong_check_character_is_rejected() {
        let reference = Reference::from_random([3, 9, 27, 14, 0, 22, 8]);
        let code = reference.code().as_bytes();
        // Every single-character change is caught.
        for position in 0..8 {
            for &replacement in REFERENCE_ALPHABET {
                if replacement == code[position] {
                    continue;
                }
                let mut typo = code.to_vec();
                typo[position] = replacement;
                let typo = String::from_utf8(typo).expect("ASCII");
                assert_eq!(
                    Reference::parse(&typo),
                    Err(IdError::CheckCharacter),
                    "{typo}"
                );
            }
        }
        // Every swap of two different neighbours is caught.
        for position in 0..7 {
            if code[position] == code[position + 1] {
                continue;
            }
            let mut swapped = code.to_vec();
            swapped.swap(position, position + 1);
            assert!(Reference::parse(std::str::from_utf8(&swapped).expect("ASCII")).is_err());
        }
    }

    #[test]
    fn ambiguous_characters_are_not_references() {
        assert_eq!(Reference::parse("RG-0OIL-U123"), Err(IdError::Malformed));
        assert_eq!(Reference::parse("RG-7K3M"), Err(IdError::Malformed));
        assert_eq!(Reference::parse("RG-7K3M-Q9P2!"), Err(IdError::Malformed));
    }

    #[test]
    fn references_serialize_in_their_display_form() {
        let reference = Reference::from_random([1, 2, 3, 4, 5, 6, 7]);
        let json = serde_json::to_string(&reference).expect("serializes");
        assert_eq!(json, format!("\"{reference}\""));
        assert_eq!(
            serde_json::from_str::<Reference>(&json).expect("parses"),
            reference
        );
        // A mistyped reference in a request body is refused by deserialization itself.
        let mut typo = reference.to_string().into_bytes();
        typo[4] = if typo[4] == b'2' { b'3' } else { b'2' };
        let typo = format!("\"{}\"", String::from_utf8(typo).expect("ASCII"));
        assert!(serde_json::from_str::<Reference>(&typo).is_err());
    }
}
