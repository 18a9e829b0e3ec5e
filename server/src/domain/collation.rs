//! Alphabetical order in the reader's language (the directorate list): each letter by its place
//! in the language's alphabet, not by its code point (which puts Sorani's ڕ and ک after ه, and
//! orders by the Latin identifiers when names are not compared at all).

use rega_api::Locale;

/// The Sorani alphabet, in order.
const SORANI: &str = "ئابپتجچحخدرڕزژسشعغفڤقکگلڵمنهەوۆیێ";
/// The Arabic alphabet, in order (hamza forms of alef with alef, teh marbuta with teh).
const ARABIC: &str = "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي";

/// A key that sorts texts of `locale` alphabetically: letters by their place in its alphabet,
/// anything else after them by code point.
pub fn sort_key(locale: Locale, text: &str) -> Vec<u32> {
    text.chars()
        .map(|c| {
            let c = match (locale, c) {
                (Locale::Ar, 'أ' | 'إ' | 'آ') => 'ا',
                (Locale::Ar, 'ة') => 'ت',
                (Locale::Ar, 'ى') => 'ي',
                (Locale::En, c) => c.to_ascii_lowercase(),
                (_, c) => c,
            };
            let alphabet = match locale {
                Locale::Ckb => SORANI,
                Locale::Ar => ARABIC,
                Locale::En => "",
            };
            alphabet
                .chars()
                .position(|letter| letter == c)
                .map_or(0x1_0000 + u32::from(c), |place| place as u32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(locale: Locale, names: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        names.sort_by_key(|n| sort_key(locale, n));
        names
    }

    #[test]
    fn sorani_orders_by_its_alphabet() {
        // Code-point order would put ڕانیە and کەلار after هەولێر; ڵ comes before و.
        assert_eq!(
            sorted(
                Locale::Ckb,
                &[
                    "هەولێر",
                    "کەلار",
                    "ڕانیە",
                    "دهۆک",
                    "سلێمانی",
                    "زاخۆ",
                    "هەڵەبجە"
                ]
            ),
            [
                "دهۆک",
                "ڕانیە",
                "زاخۆ",
                "سلێمانی",
                "کەلار",
                "هەڵەبجە",
                "هەولێر"
            ]
        );
    }

    #[test]
    fn arabic_and_english_order_by_theirs() {
        assert_eq!(
            sorted(
                Locale::Ar,
                &[
                    "مديرية مرور أربيل",
                    "مديرية مرور السليمانية",
                    "مديرية مرور حلبجة",
                    "مديرية مرور دهوك"
                ]
            ),
            [
                "مديرية مرور أربيل",
                "مديرية مرور السليمانية",
                "مديرية مرور حلبجة",
                "مديرية مرور دهوك"
            ]
        );
        assert_eq!(
            sorted(Locale::En, &["zakho", "Erbil", "duhok"]),
            ["duhok", "Erbil", "zakho"]
        );
    }
}
