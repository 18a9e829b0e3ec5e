//! The language buttons: each language named in itself, the current one marked as pressed.

use leptos::prelude::*;
use rega_api::Locale;

use crate::i18n::use_i18n;

/// Three buttons that switch the interface language; always visible, also on the kiosk.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="rg-language-switch" role="group" aria-label=move || i18n.t().common_language()>
            {Locale::ALL
                .into_iter()
                .map(|locale| {
                    view! {
                        <button
                            type="button"
                            class="rg-language-switch__button"
                            lang=locale.tag()
                            dir=locale.dir()
                            aria-pressed=move || (i18n.locale() == locale).to_string()
                            on:click=move |_| i18n.set(locale)
                        >
                            {locale.endonym()}
                        </button>
                    }
                })
                .collect_view()}
            {move || i18n.switch_failed().then(|| view! {
                <p class="rg-language-switch__error" role="alert">{i18n.t().common_network_error()}</p>
            })}
        </div>
    }
}
