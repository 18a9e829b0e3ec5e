//! The "Back" link at the top of a question page: to the previous question, answers kept.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A link back to the previous step.
#[component]
pub fn BackLink(
    /// The previous step's address, with the answers so far.
    #[prop(into)]
    href: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a href=move || href.get() class="rg-back-link">{move || i18n.t().common_back()}</a>
    }
}
