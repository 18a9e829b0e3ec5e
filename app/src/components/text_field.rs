//! A text field in the GOV.UK pattern: label, hint, error message, and an input tied to them
//! with `aria-describedby` and `aria-invalid`. For numbers and codes the input runs
//! left-to-right inside the right-to-left page and accepts either digit set.

use leptos::prelude::*;

use crate::i18n::{Messages, use_i18n};

/// One labelled text field.
#[component]
pub fn TextField(
    /// The input's id and name; the hint and error ids derive from it.
    id: &'static str,
    /// Picks the label from the message table.
    label: fn(&'static Messages) -> &'static str,
    /// Picks the hint from the message table.
    hint: fn(&'static Messages) -> &'static str,
    /// The localized error to show, if any.
    #[prop(into)]
    error: Signal<Option<&'static str>>,
    /// The current text.
    value: ReadSignal<String>,
    /// Sets the text as the citizen types.
    set_value: WriteSignal<String>,
    /// The `autocomplete` token (`off`, `one-time-code`, …).
    autocomplete: &'static str,
    /// A width modifier for the input, e.g. `rg-input--id`.
    class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            if error.get().is_some() {
                format!("{hint_id} {error_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    view! {
        <div class="rg-form-group" class:rg-form-group--error=move || error.get().is_some()>
            <label class="rg-label" for=id>{move || label(i18n.t())}</label>
            <p class="rg-hint" id=hint_id>{move || hint(i18n.t())}</p>
            {move || error.get().map(|text| view! { <p class="rg-error-message" id=error_id.clone()>{text}</p> })}
            <input class=format!("rg-input {class}") id=id name=id type="text"
                inputmode="numeric" dir="ltr" autocomplete=autocomplete spellcheck="false"
                aria-describedby=described_by
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=value
                on:input=move |ev| set_value.set(event_target_value(&ev))/>
        </div>
    }
}
