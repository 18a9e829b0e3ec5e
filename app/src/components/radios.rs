//! Radio buttons in the GOV.UK pattern: a fieldset whose legend is the question, one large
//! target per option (label and hint included), and the error tied to the group.

use leptos::prelude::*;

/// One choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The value the page acts on.
    pub value: String,
    /// What the citizen reads.
    pub label: String,
    /// A second line under the label (an address, places left).
    pub hint: Option<String>,
}

/// A group of radio buttons.
#[component]
pub fn Radios(
    /// The group's name; the first input's id is `{name}-0`, the target of the error summary.
    name: &'static str,
    /// The question (read by screen readers as the group's name).
    #[prop(into)]
    legend: Signal<String>,
    /// The choices, in order.
    #[prop(into)]
    choices: Signal<Vec<Choice>>,
    /// The chosen value.
    selected: RwSignal<Option<String>>,
    /// The localized error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    view! {
        <div class="rg-form-group" class:rg-form-group--error=move || error.get().is_some()>
            <fieldset class="rg-fieldset"
                aria-describedby=move || error.get().map(|_| format!("{name}-error"))>
                <legend class="rg-visually-hidden">{move || legend.get()}</legend>
                {move || error.get().map(|text| view! { <p class="rg-error-message" id=error_id.clone()>{text}</p> })}
                <div class="rg-radios">
                    {move || choices.get().into_iter().enumerate().map(|(i, choice)| {
                        let id = format!("{name}-{i}");
                        let hint_id = format!("{id}-hint");
                        let value = choice.value.clone();
                        let checked = {
                            let value = value.clone();
                            move || selected.get().as_deref() == Some(value.as_str())
                        };
                        view! {
                            <div class="rg-radios__item">
                                <input class="rg-radios__input" type="radio" id=id.clone() name=name
                                    value=value.clone() prop:checked=checked
                                    aria-describedby=choice.hint.as_ref().map(|_| hint_id.clone())
                                    on:change=move |_| selected.set(Some(value.clone()))/>
                                <label class="rg-radios__label" for=id>{choice.label}</label>
                                {choice.hint.map(|h| view! { <p class="rg-radios__hint rg-hint" id=hint_id>{h}</p> })}
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}
