//! Locale loading and switching, and access to the compiled message tables.

pub mod format;

mod messages {
    include!(concat!(env!("OUT_DIR"), "/messages.rs"));
}

use leptos::prelude::*;
pub use messages::{Messages, error_message};
use rega_api::Locale;

/// The key under which the chosen language is kept on the device.
pub const STORAGE_KEY: &str = "rega.locale";

/// The message table of a locale.
pub fn messages(locale: Locale) -> &'static Messages {
    match locale {
        Locale::Ckb => &messages::CKB,
        Locale::Ar => &messages::AR,
        Locale::En => &messages::EN,
    }
}

/// Fills `{name}` placeholders in a message.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The current language, shared by every component.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: ReadSignal<Locale>,
    set_locale: WriteSignal<Locale>,
}

impl I18n {
    /// The current locale (tracked).
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The current message table (tracked).
    pub fn t(&self) -> &'static Messages {
        messages(self.locale.get())
    }

    /// Switches the language, remembers it on the device, and updates `<html lang dir>`.
    pub fn set(&self, locale: Locale) {
        save_locale(locale);
        self.set_locale.set(locale);
    }
}

/// Reads the saved language and provides the [`I18n`] context; `<html lang dir>` follows it.
pub fn provide_i18n() -> I18n {
    let (locale, set_locale) = signal(saved_locale().unwrap_or_default());
    let i18n = I18n { locale, set_locale };
    Effect::new(move |_| apply_to_document(locale.get()));
    provide_context(i18n);
    i18n
}

/// The [`I18n`] context. Panics only if called outside `App`, which is a programming error.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn saved_locale() -> Option<Locale> {
    let tag = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    Locale::from_tag(&tag)
}

fn save_locale(locale: Locale) {
    if let Some(storage) = storage() {
        // A full or disabled storage only costs the memory of the choice.
        let _ = storage.set_item(STORAGE_KEY, locale.tag());
    }
}

fn apply_to_document(locale: Locale) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = root.set_attribute("lang", locale.tag());
    let _ = root.set_attribute("dir", locale.dir());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_has_a_message_for_every_error_code() {
        for locale in Locale::ALL {
            for &code in rega_api::ErrorCode::ALL {
                assert!(!error_message(messages(locale), code).is_empty());
            }
        }
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(
            fill("{n} of {total}", &[("n", "٣"), ("total", "٥")]),
            "٣ of ٥"
        );
    }

    #[test]
    fn the_three_tables_are_really_in_their_languages() {
        assert_eq!(messages(Locale::En).nav_sign_in, "Sign in");
        assert_eq!(messages(Locale::Ckb).nav_sign_in, "چوونەژوورەوە");
        assert_eq!(messages(Locale::Ar).nav_sign_in, "تسجيل الدخول");
    }
}
