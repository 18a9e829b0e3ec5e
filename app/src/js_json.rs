//! Reads JSON the browser has parsed (`JSON.parse`, a `JsValue`) into the API's Rust types
//! through serde: the app's one JSON reader, for the API's answers and what it keeps on the
//! device.
//!
//! Its error says only that a value could not be read, never why: the app shows the same
//! message for any unreadable answer, so a reason would be text no one sees. That matters for
//! size (issue 20): serde builds its reasons with `format_args!` ("invalid type: floating point
//! `1.5`, expected …"), and a reader that formats them, as serde-wasm-bindgen's does, keeps
//! Rust's float printing and its tables in the citizen wasm. Here [`Unreadable::custom`] drops
//! its argument, so once inlined nothing refers to that code and the linker leaves it out.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// A value the app cannot read as the type it expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unreadable JSON")
    }
}

impl std::error::Error for Unreadable {}

impl de::Error for Unreadable {
    fn custom<T: std::fmt::Display>(_reason: T) -> Self {
        Unreadable
    }
}

/// Reads `value` as a `T`.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Unreadable> {
    T::deserialize(Reader(value))
}

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// One JavaScript value, read once.
struct Reader(JsValue);

impl Reader {
    fn is_nothing(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }
}

impl<'de> de::Deserializer<'de> for Reader {
    type Error = Unreadable;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        let value = self.0;
        if value.is_null() || value.is_undefined() {
            return visitor.visit_unit();
        }
        if let Some(flag) = value.as_bool() {
            return visitor.visit_bool(flag);
        }
        if let Some(number) = value.as_f64() {
            // Whole numbers as integers, so integer fields take them; the rest as floats.
            if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
                return if number >= 0.0 {
                    visitor.visit_u64(number as u64)
                } else {
                    visitor.visit_i64(number as i64)
                };
            }
            return visitor.visit_f64(number);
        }
        if let Some(text) = value.as_string() {
            return visitor.visit_string(text);
        }
        if js_sys::Array::is_array(&value) {
            return visitor.visit_seq(Items {
                items: value.unchecked_into(),
                next: 0,
            });
        }
        if value.is_object() {
            return visitor.visit_map(Entries {
                entries: js_sys::Object::entries(value.unchecked_ref()),
                next: 0,
                value: None,
            });
        }
        Err(Unreadable)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        if self.is_nothing() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        visitor.visit_newtype_struct(self)
    }

    /// Enums of words (the API's only kind): the word names the variant.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        let word = self.0.as_string().ok_or(Unreadable)?;
        visitor.visit_enum(IntoDeserializer::<Unreadable>::into_deserializer(word))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// The items of an array, in order.
struct Items {
    items: js_sys::Array,
    next: u32,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Unreadable;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Unreadable> {
        if self.next >= self.items.length() {
            return Ok(None);
        }
        let item = self.items.get(self.next);
        self.next += 1;
        seed.deserialize(Reader(item)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.items.length() - self.next) as usize)
    }
}

/// The own properties of an object, as `[name, value]` pairs (`Object.entries`).
struct Entries {
    entries: js_sys::Array,
    next: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Unreadable;

    fn next_key_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Unreadable> {
        if self.next >= self.entries.length() {
            return Ok(None);
        }
        let pair: js_sys::Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.value = Some(pair.get(1));
        seed.deserialize(Reader(pair.get(0))).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, Unreadable> {
        let value = self.value.take().ok_or(Unreadable)?;
        seed.deserialize(Reader(value))
    }
}

/// In a real JavaScript engine: `cargo test -p rega-app --target wasm32-unknown-unknown` (Node).
#[cfg(all(test, target_family = "wasm"))]
mod tests {
    use super::*;
    use rega_api::ErrorCode;
    use rega_api::appointments::{AppointmentState, EligibilityList};
    use rega_api::service::ServiceKind;
    use serde::Deserialize;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn read<T: DeserializeOwned>(json: &str) -> Result<T, Unreadable> {
        from_value(js_sys::JSON::parse(json).expect("test JSON parses"))
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        id: i64,
        count: u32,
        share: f64,
        name: String,
        note: Option<String>,
        #[serde(default)]
        missing: Option<u8>,
        flags: Vec<bool>,
        state: AppointmentState,
        nested: Vec<Vec<i32>>,
    }

    #[wasm_bindgen_test]
    fn reads_every_kind_of_json_value_into_its_field() {
        let sample: Sample = read(
            r#"{"id": -9007199254740991, "count": 42, "share": 0.5, "name": "هەولێر \u2066A-7\u2069",
                "note": null, "flags": [true, false], "state": "checked_in", "nested": [[1, -2], []],
                "ignored": {"deep": [1, 2, 3]}}"#,
        )
        .expect("reads");
        assert_eq!(
            sample,
            Sample {
                id: -9_007_199_254_740_991,
                count: 42,
                share: 0.5,
                name: "هەولێر \u{2066}A-7\u{2069}".to_owned(),
                note: None,
                missing: None,
                flags: vec![true, false],
                state: AppointmentState::CheckedIn,
                nested: vec![vec![1, -2], vec![]],
            }
        );
        // A whole number is also a float.
        assert_eq!(read::<f64>("3"), Ok(3.0));
    }

    #[wasm_bindgen_test]
    fn refuses_what_does_not_fit_instead_of_guessing() {
        assert_eq!(read::<u32>("-1"), Err(Unreadable));
        assert_eq!(read::<u8>("256"), Err(Unreadable));
        assert_eq!(read::<u32>("1.5"), Err(Unreadable));
        assert_eq!(read::<i64>("1e300"), Err(Unreadable));
        assert_eq!(read::<String>("7"), Err(Unreadable));
        assert_eq!(read::<ServiceKind>(r#""no_such_service""#), Err(Unreadable));
        assert_eq!(read::<Sample>(r#"{"id": 1}"#), Err(Unreadable));
        assert_eq!(read::<Vec<u8>>(r#"{"0": 1}"#), Err(Unreadable));
    }

    #[wasm_bindgen_test]
    fn reads_an_api_answer_with_its_word_enums() {
        let list: EligibilityList = read(
            r#"{"services": [{"service": "renewal"},
                             {"service": "practical_test", "reason": "not_eligible_too_young"}]}"#,
        )
        .expect("reads");
        assert_eq!(list.services[0].service, ServiceKind::Renewal);
        assert_eq!(list.services[0].reason, None);
        assert_eq!(
            list.services[1].reason,
            Some(ErrorCode::NotEligibleTooYoung)
        );
    }
}
