//! The GOV.UK error summary: a box at the top of the page that takes focus when it appears, so
//! a screen reader reads the problem at once, with a link to the field to fix.

use leptos::html::Div;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Shows `message` (when there is one) with a link to the element with id `target`.
#[component]
pub fn ErrorSummary(
    /// The localized problem, or `None` to show nothing.
    #[prop(into)]
    message: Signal<Option<String>>,
    /// The id of the field or section to fix.
    #[prop(into)]
    target: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let summary = NodeRef::<Div>::new();
    Effect::new(move |_| {
        if message.get().is_some() {
            request_animation_frame(move || {
                if let Some(el) = summary.get_untracked() {
                    let _ = el.focus();
                }
            });
        }
    });
    view! {
        <Show when=move || message.get().is_some()>
            <div class="rg-error-summary" role="alert" tabindex="-1" node_ref=summary>
                <h2 class="rg-error-summary__title">{move || i18n.t().common_error_summary()}</h2>
                <a class="rg-error-summary__link" href=move || format!("#{}", target.get())>{move || message.get()}</a>
            </div>
        </Show>
    }
}
