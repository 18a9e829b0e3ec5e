//! The page for an address the app does not know.

use leptos::prelude::*;
use rega_api::paths;

use crate::components::page_heading::PageHeading;
use crate::i18n::use_i18n;

/// Shown for unknown app routes.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeading title=|m| m.not_found_title() intro=|m| m.not_found_intro()/>
        <p class="rg-body"><a href=paths::HOME class="rg-link">{move || i18n.t().common_back_home()}</a></p>
    }
}
