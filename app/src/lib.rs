//! The Rega browser app: the root component and its routes.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::i18n::provide_i18n;
use crate::pages::Screen;

/// The whole app: header, the page of the current route, footer.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    view! {
        <Router>
            <a class="rg-skip-link" href="#main">{move || i18n.t().common_skip_to_content}</a>
            <SiteHeader/>
            <main id="main" class="rg-main" tabindex="-1">
                <Screen/>
            </main>
            <SiteFooter/>
        </Router>
    }
}
