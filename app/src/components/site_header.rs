//! The header on every page: the service name, the main navigation and the language switch.

use leptos::prelude::*;
use leptos_router::components::A;
use rega_api::paths;

use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::components::language_switch::LanguageSwitch;
use crate::components::session::use_session;
use crate::i18n::use_i18n;

/// The site header.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = move || {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Even if the network is down, this device forgets what it kept for the session.
            crate::storage::forget_licence();
            if session.sign_out().await.is_ok() {
                navigate("/?signed-out=1", Default::default());
            }
        });
    };
    let link = move |href: &'static str,
                     label: fn(&'static crate::i18n::Messages) -> &'static str| {
        view! {
            <li class="rg-nav__item">
                <A href=href attr:class="rg-nav__link">{move || label(i18n.t())}</A>
            </li>
        }
    };
    view! {
        <header class="rg-header">
            <div class="rg-header__bar">
                <A href=paths::HOME attr:class="rg-header__brand">
                    <span class="rg-header__name">{move || i18n.t().app_name()}</span>
                    <span class="rg-header__tagline">{move || i18n.t().app_tagline()}</span>
                </A>
                <LanguageSwitch/>
            </div>
            <nav class="rg-nav" aria-label=move || i18n.t().common_main_navigation()>
                <ul class="rg-nav__list">
                    {link(paths::BOOK, |m| m.nav_book())}
                    {link(paths::APPOINTMENTS, |m| m.nav_appointments())}
                    {link(paths::LICENCE, |m| m.nav_licence())}
                    {move || if session.signed_in() {
                        view! {
                            <li class="rg-nav__item">
                                <button type="button" class="rg-nav__link rg-link-button" on:click={let sign_out = sign_out.clone(); move |_| sign_out()}>
                                    {move || i18n.t().nav_sign_out()}
                                </button>
                            </li>
                        }.into_any()
                    } else {
                        link(paths::SIGN_IN, |m| m.nav_sign_in()).into_any()
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
