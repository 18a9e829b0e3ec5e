//! Reading the app's word-like enums (a service, a weekday, a state, an error code) back from
//! their wire form with one small reader each: the enum lists its variants and their words once,
//! and [`wire_words!`] gives it `ALL_WORDS`, `word`, `from_word` and a `Deserialize` that reads
//! a string and looks it up. Serde's derived reader for such an enum is a string match of its
//! own plus an enum-access visitor per type, the largest readers in the citizen wasm (issue 20).
//! Writing stays serde's derive (`rename_all`), and each enum's test proves both agree.

/// Gives a fieldless enum its wire words and a `Deserialize` that reads them.
#[macro_export]
macro_rules! wire_words {
    ($name:ident, $what:literal, { $($variant:ident = $word:literal,)* }) => {
        impl $name {
            /// Every variant with its wire word, in declaration order.
            pub const ALL_WORDS: &[($name, &str)] = &[$(($name::$variant, $word)),*];

            /// The wire word.
            pub fn word(&self) -> &'static str {
                match self { $($name::$variant => $word,)* }
            }

            /// The variant whose wire word is `word`, if there is one.
            pub fn from_word(word: &str) -> Option<$name> {
                $name::ALL_WORDS.iter().find(|(_, w)| *w == word).map(|(v, _)| v.clone())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Words;
                impl serde::de::Visitor<'_> for Words {
                    type Value = $name;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<$name, E> {
                        $name::from_word(word)
                            .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(word), &self))
                    }
                }
                deserializer.deserialize_str(Words)
            }
        }
    };
}

/// Test helper: every variant writes (through serde's derive) exactly the word it reads back.
#[cfg(test)]
pub(crate) fn assert_round_trip<T>(all: &[(T, &str)])
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    for (value, word) in all {
        assert_eq!(
            serde_json::to_string(value).expect("writes"),
            format!("\"{word}\"")
        );
        let back: T = serde_json::from_str(&format!("\"{word}\"")).expect("reads");
        assert_eq!(&back, value);
    }
    assert!(serde_json::from_str::<T>("\"no_such_word\"").is_err());
    assert!(serde_json::from_str::<T>("7").is_err());
}
