//! The header on every page: the service name, the main navigation and the language switch.

use leptos::prelude::*;
use rega_api::paths;

use crate::navigation::use_go;
use leptos::task::spawn_local;

use crate::components::language_switch::LanguageSwitch;
use crate::components::session::use_session;
use crate::i18n::use_i18n;

/// The site header.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_go();
    let sign_out = move || {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Even if the network is down, this device forgets everything it kept for the
            // citizen: the phone's key, the licence, the appointments.
            crate::storage::forget_at_sign_out();
            if session.sign_out().await.is_ok() {
                navigate("/?signed-out=1", Default::default());
            }
        });
    };
    let location = leptos_router::hooks::use_location();
    // A page that needs a signed-in citizen is reached through sign-in when this device has
    // none; the link is the current page's only when the page is its own.
    let link = move |href: &'static str,
                     protected: bool,
                     label: fn(&'static crate::i18n::Messages) -> &'static str| {
        let target = move || {
            if protected {
                crate::navigation::signed_in_href(href, session.signed_in())
            } else {
                href.to_owned()
            }
        };
        let current = move || {
            location
                .pathname
                .with(|path| paths::at_or_under(path, href).then_some("page"))
        };
        view! {
            <li class="rg-nav__item">
                <a href=target class="rg-nav__link" aria-current=current>{move || label(i18n.t())}</a>
            </li>
        }
    };
    view! {
        <header class="rg-header">
            <div class="rg-header__bar">
                <a href=paths::HOME class="rg-header__brand">
                    <span class="rg-header__name">{move || i18n.t().app_name()}</span>
                    <span class="rg-header__tagline">{move || i18n.t().app_tagline()}</span>
                </a>
                <LanguageSwitch/>
            </div>
            <nav class="rg-nav" aria-label=move || i18n.t().common_main_navigation()>
                <ul class="rg-nav__list">
                    {link(paths::BOOK, true, |m| m.nav_book())}
                    {link(paths::APPOINTMENTS, true, |m| m.nav_appointments())}
                    {link(paths::LICENCE, true, |m| m.nav_licence())}
                    {move || if session.signed_in() {
                        view! {
                            <li class="rg-nav__item">
                                <button type="button" class="rg-nav__link rg-link-button" on:click={let sign_out = sign_out.clone(); move |_| sign_out()}>
                                    {move || i18n.t().nav_sign_out()}
                                </button>
                            </li>
                        }.into_any()
                    } else {
                        link(paths::SIGN_IN, false, |m| m.nav_sign_in()).into_any()
                    }}
                </ul>
            </nav>
        </header>
    }
}

/// The header of the directorate screens (a public kiosk, the hall's board, the desk): the
/// service's name and the language switch, and no way into the citizen app.
#[component]
pub fn DirectorateHeader() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="rg-header">
            <div class="rg-header__bar">
                <span class="rg-header__brand">
                    <span class="rg-header__name">{move || i18n.t().app_name()}</span>
                    <span class="rg-header__tagline">{move || i18n.t().app_tagline()}</span>
                </span>
                <LanguageSwitch/>
            </div>
        </header>
    }
}
