//! Step 4: which time — the free slots of the chosen day, with the places left in each.

use crate::navigation::use_go;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rega_api::ErrorCode;

use crate::components::back_link::BackLink;
use crate::components::error_summary::ErrorSummary;
use crate::components::page_heading::PageHeading;
use crate::components::radios::{Choice, Radios};
use crate::i18n::format::hour_minute;
use crate::i18n::format::{date_with_weekday, digits, time};
use crate::i18n::{error_message, fill, use_i18n};
use crate::journey::{Step, ask_missing_first, use_answers, use_slots};

/// Why the citizen was sent back here from "check your answers", if they were.
pub fn sent_back_because(code: Option<String>) -> Option<ErrorCode> {
    let code = code?;
    [ErrorCode::SlotFull, ErrorCode::SlotNotFound]
        .into_iter()
        .find(|c| c.as_str() == code)
}

/// The time question.
#[component]
pub fn TimePage() -> impl IntoView {
    ask_missing_first(Step::Time);
    let i18n = use_i18n();
    let answers = use_answers();
    let query = use_query_map();
    let navigate = use_go();
    let slots = use_slots(answers);
    let selected = RwSignal::new(answers.get_untracked().slot.map(|s| s.to_string()));
    let (unchosen, set_unchosen) = signal(false);
    let sent_back = Memo::new(move |_| sent_back_because(query.get().get("problem")));

    let choices = Signal::derive(move || {
        let locale = i18n.locale();
        let m = i18n.t();
        match slots.get() {
            Some(Ok(response)) => response
                .slots
                .into_iter()
                .filter(|s| s.places_left > 0)
                .map(|s| {
                    let (h, min) = hour_minute(&s.time);
                    Choice {
                        value: s.slot_id.to_string(),
                        label: time(locale, h, min),
                        hint: Some(fill(
                            m.book_places_left(),
                            &[("count", &digits(locale, s.places_left.into()))],
                        )),
                    }
                })
                .collect(),
            _ => Vec::new(),
        }
    });
    let error = Signal::derive(move || {
        let m = i18n.t();
        if unchosen.get() {
            Some(m.book_choose_time().to_owned())
        } else {
            sent_back
                .get()
                .map(|code| error_message(m, code).to_owned())
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match selected.get_untracked().and_then(|s| s.parse::<i64>().ok()) {
            Some(slot) => {
                let next = answers.get_untracked().with(|a| a.slot = Some(slot));
                navigate(&next.href(Step::Check), Default::default());
            }
            None => set_unchosen.set(true),
        }
    };

    view! {
        <BackLink href=Signal::derive(move || answers.get().href(Step::Day))/>
        <ErrorSummary message=error target="time-0"/>
        <PageHeading title=|m| m.book_time_title() intro=|m| m.book_time_intro()/>
        <p class="rg-body rg-chosen-day">
            {move || answers.get().date.map(|d| date_with_weekday(i18n.locale(), d))}
        </p>
        {move || match slots.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => crate::components::status::failed(i18n, &e),
            Some(Ok(_)) if choices.get().is_empty() => view! {
                <p class="rg-notice" role="note">{i18n.t().book_no_free_times()}</p>
            }.into_any(),
            Some(Ok(_)) => view! {
                <form class="rg-form" novalidate on:submit=submit.clone()>
                    <Radios name="time" legend=Signal::derive(move || i18n.t().book_time_title().to_owned())
                        choices=choices selected=selected error=error/>
                    <button class="rg-button" type="submit">{i18n.t().common_continue()}</button>
                </form>
            }.into_any(),
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lost_slot_sends_the_citizen_back_with_a_message() {
        assert_eq!(
            sent_back_because(Some("slot_full".into())),
            Some(ErrorCode::SlotFull)
        );
        assert_eq!(sent_back_because(Some("internal".into())), None);
        assert_eq!(sent_back_because(None), None);
        assert_eq!(hour_minute("09:15"), (9, 15));
    }
}
