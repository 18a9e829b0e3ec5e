//! The Rega browser app: the root component and its routes.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::i18n::provide_i18n;
use crate::pages::{
    appointments::Appointments, board::Board, book::Book, desk::Desk, home::Home, kiosk::Kiosk,
    licence::Licence, not_found::NotFound, sign_in::SignIn, verify::Verify,
};

/// The whole app: header, the page of the current route, footer.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    view! {
        <Router>
            <a class="rg-skip-link" href="#main">{move || i18n.t().common_skip_to_content}</a>
            <SiteHeader/>
            <main id="main" class="rg-main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/sign-in") view=SignIn/>
                    <Route path=path!("/book") view=Book/>
                    <Route path=path!("/appointments") view=Appointments/>
                    <Route path=path!("/licence") view=Licence/>
                    <Route path=path!("/kiosk") view=Kiosk/>
                    <Route path=path!("/verify") view=Verify/>
                    <Route path=path!("/desk") view=Desk/>
                    <Route path=path!("/board") view=Board/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
