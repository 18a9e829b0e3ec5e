//! What the desk's rooms share: the labelled field of their forms, and the message for a failed
//! request.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{DirectorateMessages, directorate, directorate_error, error_message, use_i18n};

/// The message for a failed desk request.
pub(super) fn failure(
    d: &'static DirectorateMessages,
    m: &'static crate::i18n::Messages,
    error: &ApiError,
) -> &'static str {
    match error {
        ApiError::Network => d.desk_network,
        ApiError::Http {
            code: Some(code), ..
        } => directorate_error(d, *code).unwrap_or_else(|| error_message(m, *code)),
        _ => error.message(m),
    }
}

/// One labelled input of the desk's forms: its label (and hint) from the directorate table, the
/// value kept in a signal. Numbers, names, dates and times run left to right (`dir` None: as the
/// page).
#[component]
pub(super) fn Field(
    /// The input's id; a hint's id is `<id>-hint`.
    id: &'static str,
    /// Picks the label.
    label: fn(&'static DirectorateMessages) -> &'static str,
    /// Picks a hint shown under the label, if any.
    #[prop(optional)]
    hint: Option<fn(&'static DirectorateMessages) -> &'static str>,
    /// The id of a hint outside the field that describes it too.
    #[prop(optional)]
    described_by: Option<&'static str>,
    /// The text.
    value: ReadSignal<String>,
    /// Sets the text as it is typed.
    set_value: WriteSignal<String>,
    /// The input's type.
    #[prop(default = "text")]
    kind: &'static str,
    /// A width modifier, e.g. `rg-input--id`.
    #[prop(default = "")]
    class: &'static str,
    /// The `autocomplete` token.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// The text's direction.
    #[prop(default = Some("ltr"))]
    dir: Option<&'static str>,
    /// Digits only: the phone shows its number pad.
    #[prop(optional)]
    numeric: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    let describedby = match (hint.is_some(), described_by) {
        (true, _) => Some(hint_id.clone()),
        (false, other) => other.map(str::to_owned),
    };
    view! {
        <div class="rg-form-group">
            <label class="rg-label" for=id>{move || label(directorate(i18n.locale()))}</label>
            {hint.map(|hint| view! { <p class="rg-hint" id=hint_id>{move || hint(directorate(i18n.locale()))}</p> })}
            <input class=format!("rg-input {class}") id=id type=kind dir=dir autocomplete=autocomplete
                autocapitalize="off" spellcheck="false" inputmode=numeric.then_some("numeric")
                aria-describedby=describedby
                prop:value=value on:input=move |ev| set_value.set(event_target_value(&ev))/>
        </div>
    }
}
