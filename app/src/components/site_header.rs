//! The header on every page: the service name, the main navigation and the language switch.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::language_switch::LanguageSwitch;
use crate::i18n::use_i18n;

/// The site header.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    let link = |href: &'static str, label: fn(&'static crate::i18n::Messages) -> &'static str| {
        view! {
            <li class="rg-nav__item">
                <A href=href attr:class="rg-nav__link">{move || label(i18n.t())}</A>
            </li>
        }
    };
    view! {
        <header class="rg-header">
            <div class="rg-header__bar">
                <A href="/" attr:class="rg-header__brand">
                    <span class="rg-header__name">{move || i18n.t().app_name}</span>
                    <span class="rg-header__tagline">{move || i18n.t().app_tagline}</span>
                </A>
                <LanguageSwitch/>
            </div>
            <nav class="rg-nav" aria-label=move || i18n.t().common_main_navigation>
                <ul class="rg-nav__list">
                    {link("/book", |m| m.nav_book)}
                    {link("/appointments", |m| m.nav_appointments)}
                    {link("/licence", |m| m.nav_licence)}
                    {link("/sign-in", |m| m.nav_sign_in)}
                </ul>
            </nav>
        </header>
    }
}
