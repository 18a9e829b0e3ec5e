//! Locale loading and switching, and access to the compiled message tables.

/// Numbers, dates and times per locale: shared with the server's SMS (`rega_api::format`).
pub use rega_api::format;
pub mod names;
pub mod plural;

mod messages {
    include!(concat!(env!("OUT_DIR"), "/messages.rs"));
}

mod directorate_messages {
    include!(concat!(env!("OUT_DIR"), "/directorate_messages.rs"));
}

pub use directorate_messages::{DirectorateMessages, directorate_error};
use leptos::prelude::*;
pub use messages::{Messages, error_message};
use rega_api::Locale;

/// The key under which the chosen language is kept on the device.
pub const STORAGE_KEY: &str = "rega.locale";

/// The message table of a locale. Sorani is compiled in; Arabic and English are fetched when
/// first chosen ([`load`]); until then (or if that failed) Sorani stands in.
pub fn messages(locale: Locale) -> &'static Messages {
    #[cfg(not(target_arch = "wasm32"))]
    {
        match locale {
            Locale::Ckb => &messages::CKB,
            Locale::Ar => &messages::AR,
            Locale::En => &messages::EN,
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        loaded(locale).unwrap_or(&messages::CKB)
    }
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    static LOADED: std::cell::Cell<[Option<&'static Messages>; 2]> =
        const { std::cell::Cell::new([None, None]) };
}

/// The table of a locale, if it is at hand without a request.
#[cfg(target_arch = "wasm32")]
fn loaded(locale: Locale) -> Option<&'static Messages> {
    match locale {
        Locale::Ckb => Some(&messages::CKB),
        Locale::Ar => LOADED.with(|l| l.get()[0]),
        Locale::En => LOADED.with(|l| l.get()[1]),
    }
}

/// Whether a locale's table is at hand.
pub fn is_loaded(locale: Locale) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        loaded(locale).is_some()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = locale;
        true
    }
}

/// Fetches a locale's table (`/locales/<tag>.json`, the file the build checked) once per visit.
/// `false` when it cannot be had (offline on a first visit): the language stays as it is.
pub async fn load(locale: Locale) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        if loaded(locale).is_some() {
            return true;
        }
        let path = format!("/locales/{}.json?v={}", locale.tag(), messages::VERSION);
        let Some(object) = crate::api::fetch_static_json(&path).await else {
            return false;
        };
        // The values in file order: `_review`, then every message in the order of the fields
        // (app/build.rs checks both files and order).
        let values = js_sys::Object::values(&object.into());
        if values.length() as usize != messages::COUNT + 1 {
            return false;
        }
        let mut texts = [""; messages::COUNT];
        for (i, slot) in texts.iter_mut().enumerate() {
            let Some(text) = values.get(i as u32 + 1).as_string() else {
                return false;
            };
            // Kept for the rest of the visit, like the compiled-in table.
            *slot = Box::leak(text.into_boxed_str());
        }
        let table: &'static Messages = Box::leak(Box::new(Messages::from_texts(texts)));
        LOADED.with(|l| {
            let mut both = l.get();
            both[usize::from(locale == Locale::En)] = Some(table);
            l.set(both);
        });
        true
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = locale;
        true
    }
}

/// The kiosk, verifier, desk and board strings of a locale (all three compiled into the
/// directorate app; the citizen app never names them).
pub fn directorate(locale: Locale) -> &'static DirectorateMessages {
    match locale {
        Locale::Ckb => &directorate_messages::CKB,
        Locale::Ar => &directorate_messages::AR,
        Locale::En => &directorate_messages::EN,
    }
}

/// The language saved on this device, if any.
pub fn saved() -> Option<Locale> {
    saved_locale()
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
    failed: ReadSignal<bool>,
    set_failed: WriteSignal<bool>,
}

impl I18n {
    /// The current locale (tracked).
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The current locale, read without tracking (in an event handler).
    pub fn locale_untracked(&self) -> Locale {
        self.locale.get_untracked()
    }

    /// The current message table (tracked).
    pub fn t(&self) -> &'static Messages {
        messages(self.locale.get())
    }

    /// Switches the language (fetching its table first if needed), remembers it on the device,
    /// and updates `<html lang dir>`. If the table cannot be had, the language stays and
    /// [`I18n::switch_failed`] says so.
    pub fn set(&self, locale: Locale) {
        let this = *self;
        leptos::task::spawn_local(async move {
            let ok = load(locale).await;
            this.set_failed.set(!ok);
            if ok {
                save_locale(locale);
                this.set_locale.set(locale);
            }
        });
    }

    /// Whether the last language switch failed for want of a network.
    pub fn switch_failed(&self) -> bool {
        self.failed.get()
    }
}

/// Reads the saved language and provides the [`I18n`] context; `<html lang dir>` follows it.
pub fn provide_i18n() -> I18n {
    // The saved language if its table is here (main.rs fetches it before mounting).
    let start = saved_locale().filter(|l| is_loaded(*l)).unwrap_or_default();
    let (locale, set_locale) = signal(start);
    let (failed, set_failed) = signal(false);
    let i18n = I18n {
        locale,
        set_locale,
        failed,
        set_failed,
    };
    Effect::new(move |_| apply_to_document(locale.get()));
    provide_context(i18n);
    i18n
}

/// The [`I18n`] context. Panics only if called outside `App`, which is a programming error.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn saved_locale() -> Option<Locale> {
    let tag = crate::storage::read(STORAGE_KEY)?;
    Locale::from_tag(&tag)
}

fn save_locale(locale: Locale) {
    crate::storage::write(STORAGE_KEY, Some(locale.tag()));
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
        assert_eq!(messages(Locale::En).nav_sign_in(), "Sign in");
        assert_eq!(messages(Locale::Ckb).nav_sign_in(), "چوونەژوورەوە");
        assert_eq!(messages(Locale::Ar).nav_sign_in(), "تسجيل الدخول");
    }
}
