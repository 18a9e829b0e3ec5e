//! A small, strict CBOR (RFC 8949) codec: every input decodes to a value or an error — no panic,
//! no allocation larger than the input, nesting bounded.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// How deep arrays, maps and tags may nest.
const MAX_DEPTH: usize = 32;

/// A decoded CBOR data item.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Major types 0 and 1, within the range of `i128` (all CBOR integers fit).
    Integer(i128),
    /// Major type 2.
    Bytes(Vec<u8>),
    /// Major type 3, valid UTF-8.
    Text(String),
    /// Major type 4.
    Array(Vec<Value>),
    /// Major type 5, in the order written.
    Map(Vec<(Value, Value)>),
    /// Major type 6.
    Tag(u64, Box<Value>),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// A half, single or double precision float.
    Float(f64),
}

/// Why bytes are not one well-formed CBOR item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CborError {
    /// The input ended inside an item.
    Truncated,
    /// Reserved additional information, a bad indefinite-length item, or invalid UTF-8.
    Malformed,
    /// Nesting deeper than the limit.
    TooDeep,
    /// Bytes left after the item.
    TrailingBytes,
}

impl Value {
    /// The map entry with an integer key.
    pub fn map_get_int(&self, key: i128) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| *k == Value::Integer(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The map entry with a text key.
    pub fn map_get_text(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn as_integer(&self) -> Option<i128> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The bytes, if this is a byte string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

/// Decodes exactly one item from the whole input.
pub fn decode(input: &[u8]) -> Result<Value, CborError> {
    let mut reader = Reader { input, pos: 0 };
    let value = reader.item(0)?;
    if reader.pos != input.len() {
        return Err(CborError::TrailingBytes);
    }
    Ok(value)
}

struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

/// What the head of an item says.
enum Argument {
    Value(u64),
    Indefinite,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, CborError> {
        let b = *self.input.get(self.pos).ok_or(CborError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: u64) -> Result<&[u8], CborError> {
        let n = usize::try_from(n).map_err(|_| CborError::Truncated)?;
        let end = self.pos.checked_add(n).ok_or(CborError::Truncated)?;
        let slice = self.input.get(self.pos..end).ok_or(CborError::Truncated)?;
        self.pos = end;
        Ok(slice)
    }

    fn remaining(&self) -> usize {
        self.input.len() - self.pos
    }

    fn head(&mut self) -> Result<(u8, u8, Argument), CborError> {
        let initial = self.byte()?;
        let major = initial >> 5;
        let info = initial & 0x1f;
        let argument = match info {
            0..=23 => Argument::Value(u64::from(info)),
            24 => Argument::Value(u64::from(self.byte()?)),
            25 => Argument::Value(u64::from(u16::from_be_bytes(self.fixed::<2>()?))),
            26 => Argument::Value(u64::from(u32::from_be_bytes(self.fixed::<4>()?))),
            27 => Argument::Value(u64::from_be_bytes(self.fixed::<8>()?)),
            31 => Argument::Indefinite,
            _ => return Err(CborError::Malformed),
        };
        Ok((major, info, argument))
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], CborError> {
        let bytes = self.take(N as u64)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// A declared element count, refused if the input cannot possibly hold that many items
    /// (each takes at least `min_bytes`), so no length field can force a large allocation.
    fn count(&self, declared: u64, min_bytes: usize) -> Result<usize, CborError> {
        let n = usize::try_from(declared).map_err(|_| CborError::Truncated)?;
        if n.checked_mul(min_bytes)
            .is_none_or(|needed| needed > self.remaining())
        {
            return Err(CborError::Truncated);
        }
        Ok(n)
    }

    fn is_break(&self) -> bool {
        self.input.get(self.pos) == Some(&0xff)
    }

    fn item(&mut self, depth: usize) -> Result<Value, CborError> {
        if depth > MAX_DEPTH {
            return Err(CborError::TooDeep);
        }
        let (major, info, argument) = self.head()?;
        match (major, argument) {
            (0, Argument::Value(v)) => Ok(Value::Integer(i128::from(v))),
            (1, Argument::Value(v)) => Ok(Value::Integer(-1 - i128::from(v))),
            (2, Argument::Value(n)) => Ok(Value::Bytes(self.take(n)?.to_vec())),
            (3, Argument::Value(n)) => {
                let bytes = self.take(n)?;
                let text = core::str::from_utf8(bytes).map_err(|_| CborError::Malformed)?;
                Ok(Value::Text(text.into()))
            }
            (2 | 3, Argument::Indefinite) => self.chunks(major),
            (4, Argument::Value(n)) => {
                let n = self.count(n, 1)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Ok(Value::Array(items))
            }
            (4, Argument::Indefinite) => {
                let mut items = Vec::new();
                while !self.is_break() {
                    items.push(self.item(depth + 1)?);
                }
                self.pos += 1;
                Ok(Value::Array(items))
            }
            (5, Argument::Value(n)) => {
                let n = self.count(n, 2)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.item(depth + 1)?;
                    let value = self.item(depth + 1)?;
                    entries.push((key, value));
                }
                Ok(Value::Map(entries))
            }
            (5, Argument::Indefinite) => {
                let mut entries = Vec::new();
                while !self.is_break() {
                    let key = self.item(depth + 1)?;
                    let value = self.item(depth + 1)?;
                    entries.push((key, value));
                }
                self.pos += 1;
                Ok(Value::Map(entries))
            }
            (6, Argument::Value(tag)) => Ok(Value::Tag(tag, Box::new(self.item(depth + 1)?))),
            (7, Argument::Value(v)) => match info {
                20 => Ok(Value::Bool(false)),
                21 => Ok(Value::Bool(true)),
                22 => Ok(Value::Null),
                23 => Ok(Value::Undefined),
                25 => Ok(Value::Float(half_to_f64(v as u16))),
                26 => Ok(Value::Float(f64::from(f32::from_bits(v as u32)))),
                27 => Ok(Value::Float(f64::from_bits(v))),
                // Other simple values are unassigned; a reader of credentials refuses them.
                _ => Err(CborError::Malformed),
            },
            // Indefinite integers, tags or simple values, and a lone break, are malformed.
            _ => Err(CborError::Malformed),
        }
    }

    /// An indefinite-length byte or text string: definite chunks of the same type until break.
    fn chunks(&mut self, major: u8) -> Result<Value, CborError> {
        let mut bytes = Vec::new();
        loop {
            if self.is_break() {
                self.pos += 1;
                break;
            }
            let (chunk_major, _, argument) = self.head()?;
            let (true, Argument::Value(n)) = (chunk_major == major, argument) else {
                return Err(CborError::Malformed);
            };
            bytes.extend_from_slice(self.take(n)?);
        }
        if major == 2 {
            Ok(Value::Bytes(bytes))
        } else {
            String::from_utf8(bytes)
                .map(Value::Text)
                .map_err(|_| CborError::Malformed)
        }
    }
}

fn half_to_f64(half: u16) -> f64 {
    let negative = half & 0x8000 != 0;
    let exponent = u64::from((half >> 10) & 0x1f);
    let mantissa = u64::from(half & 0x3ff);
    let magnitude = match exponent {
        // Subnormal: mantissa × 2⁻²⁴, exact in f64.
        0 => mantissa as f64 / 16_777_216.0,
        31 if mantissa == 0 => f64::INFINITY,
        31 => f64::NAN,
        _ => f64::from_bits(((exponent + 1023 - 15) << 52) | (mantissa << 42)),
    };
    if negative { -magnitude } else { magnitude }
}

/// Encodes a value with definite lengths and the shortest heads (deterministic encoding,
/// RFC 8949 §4.2.1, except that map order is kept as given).
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, value);
    out
}

fn write_head(out: &mut Vec<u8>, major: u8, argument: u64) {
    let m = major << 5;
    if argument < 24 {
        out.push(m | argument as u8);
    } else if argument <= 0xff {
        out.extend_from_slice(&[m | 24, argument as u8]);
    } else if argument <= 0xffff {
        out.push(m | 25);
        out.extend_from_slice(&(argument as u16).to_be_bytes());
    } else if argument <= 0xffff_ffff {
        out.push(m | 26);
        out.extend_from_slice(&(argument as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&argument.to_be_bytes());
    }
}

fn write(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Integer(i) if *i >= 0 => write_head(out, 0, u64::try_from(*i).unwrap_or(u64::MAX)),
        Value::Integer(i) => write_head(out, 1, u64::try_from(-1 - *i).unwrap_or(u64::MAX)),
        Value::Bytes(b) => {
            write_head(out, 2, b.len() as u64);
            out.extend_from_slice(b);
        }
        Value::Text(t) => {
            write_head(out, 3, t.len() as u64);
            out.extend_from_slice(t.as_bytes());
        }
        Value::Array(items) => {
            write_head(out, 4, items.len() as u64);
            items.iter().for_each(|item| write(out, item));
        }
        Value::Map(entries) => {
            write_head(out, 5, entries.len() as u64);
            for (k, v) in entries {
                write(out, k);
                write(out, v);
            }
        }
        Value::Tag(tag, inner) => {
            write_head(out, 6, *tag);
            write(out, inner);
        }
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
        Value::Undefined => out.push(0xf7),
        Value::Float(f) => {
            out.push(0xfb);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn rfc_8949_appendix_a_examples_decode() {
        assert_eq!(decode(&hex("1903e8")), Ok(Value::Integer(1000)));
        assert_eq!(
            decode(&hex("3bffffffffffffffff")),
            Ok(Value::Integer(-18_446_744_073_709_551_616))
        );
        assert_eq!(decode(&hex("6449455446")), Ok(Value::Text("IETF".into())));
        assert_eq!(decode(&hex("f93c00")), Ok(Value::Float(1.0)));
        assert_eq!(decode(&hex("fb3ff199999999999a")), Ok(Value::Float(1.1)));
        assert_eq!(
            decode(&hex("bf61610161629f0203ffff")),
            Ok(Value::Map(vec![
                (Value::Text("a".into()), Value::Integer(1)),
                (
                    Value::Text("b".into()),
                    Value::Array(vec![Value::Integer(2), Value::Integer(3)])
                ),
            ]))
        );
        assert_eq!(
            decode(&hex("5f42010243030405ff")),
            Ok(Value::Bytes(vec![1, 2, 3, 4, 5]))
        );
        assert_eq!(
            decode(&hex("d903ec6a323032312d30322d3236")),
            Ok(Value::Tag(1004, Box::new(Value::Text("2021-02-26".into()))))
        );
    }

    #[test]
    fn encoding_round_trips_with_the_shortest_heads() {
        let value = Value::Map(vec![
            (Value::Integer(1), Value::Text("KRG-GDT".into())),
            (
                Value::Integer(-65537),
                Value::Array(vec![Value::Bytes(vec![0; 300]), Value::Integer(-1)]),
            ),
        ]);
        let bytes = encode(&value);
        assert_eq!(&bytes[..3], &hex("a20167")[..]);
        assert_eq!(decode(&bytes), Ok(value));
    }

    #[test]
    fn malformed_inputs_are_errors_not_panics() {
        for (input, error) in [
            ("", CborError::Truncated),
            ("1a0000", CborError::Truncated),
            ("62ff", CborError::Truncated),
            ("1c", CborError::Malformed),
            ("62c328", CborError::Malformed),
            ("ff", CborError::Malformed),
            ("0101", CborError::TrailingBytes),
            ("5f6161ff", CborError::Malformed),
            ("9bffffffffffffffff", CborError::Truncated),
            ("bbffffffffffffffff", CborError::Truncated),
            ("f8ff", CborError::Malformed),
        ] {
            assert_eq!(decode(&hex(input)), Err(error), "{input}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = [0x81u8; 100];
        assert_eq!(decode(&deep), Err(CborError::TooDeep));
    }
}
