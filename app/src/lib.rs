//! The Rega browser app: the root component and its routes.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod start;
pub mod storage;

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::i18n::provide_i18n;
use crate::pages::{DirectorateScreen, Screen};

/// The frame every page shares: skip link, header, the page, footer.
#[component]
fn Frame(
    /// Whether the header has the citizen's navigation (not on the directorate screens: a
    /// public kiosk must not lead to anyone's sign-in).
    citizen_nav: bool,
    children: Children,
) -> impl IntoView {
    let i18n = i18n::use_i18n();
    view! {
        <Router>
            <a class="rg-skip-link" href="#main">{move || i18n.t().common_skip_to_content}</a>
            <SiteHeader citizen_nav/>
            <main id="main" class="rg-main" tabindex="-1">{children()}</main>
            <SiteFooter/>
        </Router>
    }
}

/// The citizen screens: header, the page of the current address, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    components::session::provide_session();
    view! { <Frame citizen_nav=true><Screen/></Frame> }
}

/// The directorate screens (kiosk, verify, desk, board): a second wasm, so that nothing only
/// they need weighs on a citizen's first load.
#[component]
pub fn DirectorateApp() -> impl IntoView {
    provide_i18n();
    components::session::provide_session();
    view! { <Frame citizen_nav=false><DirectorateScreen/></Frame> }
}
