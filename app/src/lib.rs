//! The Rega browser app: the root component and its routes.

pub mod api;
pub mod clock;
pub mod components;
pub mod device;
pub mod i18n;
pub mod journey;
pub mod js_json;
pub mod navigation;
pub mod pages;
pub mod start;
pub mod storage;

/// The browser's allocator (both apps): talc, smaller and faster in wasm than the default
/// dlmalloc (the sizes are in docs/benchmarks.md).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::i18n::provide_i18n;
use crate::pages::DirectorateScreen;

/// The frame every page shares: skip link, header, the page, footer.
#[component]
fn Frame(
    /// The header: the citizen's, with the navigation, or the directorate screens' without it
    /// (drawn inside the router, which the citizen's needs).
    header: fn() -> AnyView,
    children: Children,
) -> impl IntoView {
    let i18n = i18n::use_i18n();
    view! {
        <Router>
            <a class="rg-skip-link" href="#main">{move || i18n.t().common_skip_to_content()}</a>
            {header()}
            <main id="main" class="rg-main" tabindex="-1">{children()}</main>
            <SiteFooter/>
        </Router>
    }
}

/// A citizen app's root: header, the page of the current address among `screen`'s, footer.
fn citizen(screen: fn() -> AnyView) -> impl IntoView {
    provide_i18n();
    components::session::provide_session();
    view! { <Frame header=|| SiteHeader().into_any()>{screen()}</Frame> }
}

/// The citizen app's start page and sign-in (`index.html`).
#[component]
pub fn App() -> impl IntoView {
    citizen(|| pages::Screen().into_any())
}

/// The citizen app's booking (`book.html`).
#[component]
pub fn BookApp() -> impl IntoView {
    citizen(|| pages::BookScreen().into_any())
}

/// The citizen app's appointments (`appointments.html`).
#[component]
pub fn AppointmentsApp() -> impl IntoView {
    citizen(|| pages::AppointmentsScreen().into_any())
}

/// The citizen app's ticket (`ticket.html`).
#[component]
pub fn TicketApp() -> impl IntoView {
    citizen(|| pages::TicketScreen().into_any())
}

/// The citizen app's licence (`licence.html`).
#[component]
pub fn LicenceApp() -> impl IntoView {
    citizen(|| pages::LicenceScreen().into_any())
}

/// The directorate screens (the desk with the supervisor's and administrator's screens, the
/// board): a second wasm, so that nothing only they need weighs on a citizen's first load.
#[component]
pub fn DirectorateApp() -> impl IntoView {
    provide_i18n();
    components::session::provide_session();
    // No citizen navigation: a public kiosk must not lead to anyone's sign-in.
    view! { <Frame header=|| components::site_header::DirectorateHeader().into_any()><DirectorateScreen/></Frame> }
}

/// The kiosk (`/kiosk`): a wasm of its own with only the kiosk's page.
#[component]
pub fn KioskApp() -> impl IntoView {
    provide_i18n();
    view! {
        <Frame header=|| components::site_header::DirectorateHeader().into_any()>
            {pages::directorate::kiosk::Kiosk()}
        </Frame>
    }
}

/// The verifier (`/verify`): a third wasm with only the verify page, so that an officer's phone
/// downloads neither the citizen screens nor the desk's.
#[component]
pub fn VerifierApp() -> impl IntoView {
    provide_i18n();
    view! {
        <Frame header=|| components::site_header::DirectorateHeader().into_any()>
            {pages::directorate::verify::Verify()}
        </Frame>
    }
}
