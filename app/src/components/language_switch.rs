//! The language buttons: each language named in itself, the current one marked as pressed.

use leptos::prelude::*;
use rega_api::Locale;

use crate::components::session::Session;
use crate::i18n::use_i18n;

/// Tells the server the signed-in citizen's new language, so their SMS follow it (issue 17).
/// Best effort: the next sign-in sends the language again, and the screen has switched
/// already, so a failure here is not worth a message that would puzzle the citizen.
fn tell_the_server(session: Option<Session>, locale: Locale) {
    if session.is_some_and(|session| untrack(|| session.signed_in())) {
        leptos::task::spawn_local(async move {
            let choice = rega_api::auth::LocaleChoice { locale };
            let _ = crate::api::put_no_content(rega_api::endpoints::AUTH_LOCALE, &choice).await;
        });
    }
}

/// Three buttons that switch the interface language; always visible, also on the kiosk.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    // Only the citizen app has a session; the kiosk's language is its screen's alone.
    let session = use_context::<Session>();
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
                            on:click=move |_| {
                                i18n.set(locale);
                                tell_the_server(session, locale);
                            }
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
