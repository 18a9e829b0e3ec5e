//! The footer on every page: who runs the service.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// The site footer.
#[component]
pub fn SiteFooter() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="rg-footer">
            <p class="rg-footer__authority">{move || i18n.t().app_authority()}</p>
        </footer>
    }
}
