//! The three interface languages and how a locale tag is read.

use serde::{Deserialize, Serialize};

/// An interface language of Rega. Sorani Kurdish is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Locale {
    /// Sorani Kurdish, Arabic script, right-to-left.
    #[default]
    #[serde(rename = "ckb")]
    Ckb,
    /// Arabic as written in Iraq (formatted as `ar-IQ`), right-to-left.
    #[serde(rename = "ar")]
    Ar,
    /// English, left-to-right.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Every locale, in the order the language switch shows them.
    pub const ALL: [Locale; 3] = [Locale::Ckb, Locale::Ar, Locale::En];

    /// The value for `<html lang>` and for storage on the device.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Ckb => "ckb",
            Locale::Ar => "ar",
            Locale::En => "en",
        }
    }

    /// Whether text in this locale runs right-to-left.
    pub fn is_rtl(self) -> bool {
        !matches!(self, Locale::En)
    }

    /// The value for `<html dir>`.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// The language's own name, as the language switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::Ckb => "کوردی",
            Locale::Ar => "العربية",
            Locale::En => "English",
        }
    }

    /// Reads a stored tag or a BCP-47 tag such as `ar-IQ` or `ckb-Arab-IQ`.
    /// Unknown languages give `None`, so the caller decides the fallback.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let language = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match language.as_str() {
            "ckb" => Some(Locale::Ckb),
            "ar" => Some(Locale::Ar),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorani_is_the_default_and_right_to_left() {
        assert_eq!(Locale::default(), Locale::Ckb);
        assert_eq!(Locale::Ckb.dir(), "rtl");
        assert_eq!(Locale::Ar.dir(), "rtl");
        assert_eq!(Locale::En.dir(), "ltr");
    }

    #[test]
    fn regional_tags_are_read_by_their_language() {
        assert_eq!(Locale::from_tag("ar-IQ"), Some(Locale::Ar));
        assert_eq!(Locale::from_tag("ckb-Arab-IQ"), Some(Locale::Ckb));
        assert_eq!(Locale::from_tag("EN_gb"), Some(Locale::En));
        assert_eq!(Locale::from_tag("fa"), None);
        assert_eq!(Locale::from_tag(""), None);
    }

    #[test]
    fn a_locale_round_trips_through_its_tag() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }
}
