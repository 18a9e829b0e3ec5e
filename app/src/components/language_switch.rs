//! The language buttons: each language named in itself, the current one marked as pressed. A
//! signed-in citizen's choice is also the language of their SMS from then on.

use leptos::prelude::*;
use rega_api::Locale;

use crate::i18n::use_i18n;

/// Three buttons that switch the interface language; always visible, also on the kiosk.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    // The citizen app's session (the directorate's screens have none).
    let session = use_context::<crate::components::session::Session>();
    let choose = move |locale: Locale| {
        i18n.set(locale);
        if session.is_some_and(|s| s.signed_in_untracked()) {
            // `LocaleChoice`'s JSON.
            let json = format!(r#"{{"locale":"{}"}}"#, locale.tag());
            leptos::task::spawn_local(async move {
                let _ =
                    crate::api::put_json_no_content(rega_api::endpoints::AUTH_LOCALE, json).await;
            });
        }
    };
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
                            on:click=move |_| choose(locale)
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
