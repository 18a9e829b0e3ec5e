//! Counted texts read correctly (CLDR plural rules). A counted text's key ends in `#n` in the
//! locale files and holds one form per plural category of its language, joined by `|`, in CLDR
//! order: Arabic zero, one, two, few, many, other; English and Sorani one, other (the build
//! checks the count, `app/build.rs`). The number of forms names the rule, so a text needs no
//! language beside it.

/// The form of `forms` for the count `n`.
pub fn form(forms: &'static str, n: u64) -> &'static str {
    let count = forms.split('|').count();
    let index = if count == 6 {
        arabic(n)
    } else {
        usize::from(n != 1)
    };
    forms.split('|').nth(index).unwrap_or(forms)
}

/// Arabic's category of a whole number: zero 0, one 1, two 2, few 3–10, many 11–99 (modulo
/// 100), other the rest (100–102, …).
fn arabic(n: u64) -> usize {
    match (n, n % 100) {
        (0, _) => 0,
        (1, _) => 1,
        (2, _) => 2,
        (_, 3..=10) => 3,
        (_, 11..=99) => 4,
        _ => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_sorani_have_one_and_other() {
        let forms = "{n} second|{n} seconds";
        assert_eq!(form(forms, 1), "{n} second");
        for n in [0, 2, 5, 11, 21, 101] {
            assert_eq!(form(forms, n), "{n} seconds", "{n}");
        }
    }

    #[test]
    fn arabic_has_six_categories() {
        let forms = "zero|one|two|few|many|other";
        for (n, category) in [
            (0, "zero"),
            (1, "one"),
            (2, "two"),
            (3, "few"),
            (5, "few"),
            (10, "few"),
            (11, "many"),
            (59, "many"),
            (99, "many"),
            (100, "other"),
            (101, "other"),
            (102, "other"),
            (103, "few"),
            (111, "many"),
            (200, "other"),
            (1000, "other"),
        ] {
            assert_eq!(form(forms, n), category, "{n}");
        }
    }

    // Arabic and English are fetched in the browser: their tables exist only in host tests.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn counted_texts_read_as_the_language_counts() {
        use crate::i18n::messages::{AR, CKB, EN};
        // Before: "1 seconds" in English, and "بعد ٥ ثانية" in Arabic.
        assert_eq!(
            EN.sign_in_resend_wait(1),
            "You can ask for a new code in {seconds} second."
        );
        assert_eq!(
            EN.sign_in_resend_wait(5),
            "You can ask for a new code in {seconds} seconds."
        );
        assert_eq!(
            AR.sign_in_resend_wait(5),
            "يمكنك طلب رمز جديد بعد {seconds} ثوانٍ."
        );
        assert_eq!(AR.sign_in_resend_wait(2), "يمكنك طلب رمز جديد بعد ثانيتين.");
        assert_eq!(
            AR.sign_in_resend_wait(45),
            "يمكنك طلب رمز جديد بعد {seconds} ثانية."
        );
        assert_eq!(CKB.sign_in_resend_wait(1), CKB.sign_in_resend_wait(30));
        let d = &crate::i18n::directorate_messages::AR;
        assert_eq!(d.verify_age_days(3), "منذ {count} أيام");
        assert_eq!(d.verify_age_days(11), "منذ {count} يومًا");
        assert_eq!(
            crate::i18n::directorate_messages::EN.verify_age_hours(1),
            "{count} hour old"
        );
    }
}
