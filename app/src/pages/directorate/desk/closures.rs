//! The directorate's closures from today on; a supervisor closes a day or part of one, after
//! the server says how many appointments it would cancel (each citizen is then told by SMS), and
//! lifts a closure.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::ids::ascii_digits;
use rega_api::staff::{CloseDay, ClosureEntry, ClosurePreview};

use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::format::{isolated, localize_digits};
use crate::i18n::{DirectorateMessages, directorate, fill, use_i18n};

/// A period as the desk says it: "the whole day" or `HH:MM–HH:MM` (isolated for right-to-left).
fn period(
    d: &'static DirectorateMessages,
    locale: rega_api::Locale,
    from: &str,
    to: &str,
) -> String {
    if from.is_empty() && to.is_empty() || from == "00:00" && to == "24:00" {
        d.desk_whole_day.to_owned()
    } else {
        isolated(locale, &format!("{}\u{2013}{}", from.trim(), to.trim()))
    }
}

/// The directorate's closures from today on; a supervisor closes a day or part of one, after a
/// check that says how many appointments it cancels (each citizen is then sent an SMS).
#[component]
pub(super) fn Closures(supervisor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let today =
        rega_api::time::LocalDateTime::from_unix((js_sys::Date::now() / 1000.0) as i64).date;
    let (list, set_list) = signal(None::<Result<Vec<ClosureEntry>, ApiError>>);
    let (version, set_version) = signal(0_u32);
    let (date, set_date) = signal(today.add_days(1).to_string());
    let (from, set_from) = signal(String::new());
    let (to, set_to) = signal(String::new());
    let (note, set_note) = signal(String::new());
    // The check's answer: how many appointments the closure cancels, and the key it is sent with.
    let (pending, set_pending) = signal(None::<(u64, String)>);
    let (answer, set_answer) = signal(None::<Result<ClosureEntry, ApiError>>);
    let (lifted, set_lifted) = signal(None::<Result<(), ApiError>>);
    let (note_missing, set_note_missing) = signal(false);
    Effect::new(move |_| {
        version.track();
        spawn_local(async move {
            let answer = api::get::<Vec<ClosureEntry>>(endpoints::STAFF_CLOSURES).await;
            let _ = set_list.try_set(Some(answer));
        });
    });
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        set_answer.set(None);
        let reason = note.get_untracked();
        let missing = !(1..=200).contains(&reason.trim().chars().count());
        set_note_missing.set(missing);
        if missing {
            return;
        }
        let (day, start, end) = (
            date.get_untracked(),
            ascii_digits(&from.get_untracked()),
            ascii_digits(&to.get_untracked()),
        );
        let mut preview = format!("{}?date={day}", endpoints::STAFF_CLOSURE_PREVIEW);
        if !(start.is_empty() && end.is_empty()) {
            preview.push_str(&format!("&from={start}&to={end}"));
        }
        spawn_local(async move {
            // The server counts what the closure will cancel, as the closure itself will.
            match api::get::<ClosurePreview>(&preview).await {
                Ok(counted) => set_pending.set(Some((counted.cancels, api::new_key()))),
                Err(e) => set_answer.set(Some(Err(e))),
            }
        });
    };
    let confirm = move |_| {
        let Some((_, key)) = pending.get_untracked() else {
            return;
        };
        let (start, end) = (
            ascii_digits(&from.get_untracked()),
            ascii_digits(&to.get_untracked()),
        );
        let whole = start.is_empty() && end.is_empty();
        let body = CloseDay {
            date: date.get_untracked(),
            from: (!whole).then_some(start),
            to: (!whole).then_some(end),
            note: note.get_untracked().trim().to_owned(),
        };
        spawn_local(async move {
            let result =
                api::post_once::<_, ClosureEntry>(endpoints::STAFF_CLOSURES, &body, &key).await;
            if result.is_ok() {
                set_note.set(String::new());
            }
            set_pending.set(None);
            set_answer.set(Some(result));
            set_version.update(|v| *v += 1);
        });
    };
    let lift = move |id: i64| {
        spawn_local(async move {
            set_lifted.set(Some(
                api::post_empty(&endpoints::fill(endpoints::STAFF_CLOSURE_LIFT, id)).await,
            ));
            set_version.update(|v| *v += 1);
        });
    };
    let item = move |c: &ClosureEntry| {
        let (d, locale) = (d(), i18n.locale());
        // A whole day comes as 00:00–24:00, which `period` names as such.
        let when = period(d, locale, &c.from.to_string(), &c.to.to_string());
        fill(
            d.desk_closure_item,
            &[
                ("date", &isolated(locale, &c.date.to_string())),
                ("period", &when),
                ("count", &localize_digits(locale, &c.cancelled.to_string())),
                // Typed in any script: isolated by its own first letter (FSI … PDI), so a Latin
                // name does not break apart inside a right-to-left sentence.
                ("note", &format!("\u{2068}{}\u{2069}", c.note)),
                ("staff", &format!("\u{2068}{}\u{2069}", c.staff)),
            ],
        )
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_closures_title}</h2>
        <div role="status">
            {move || lifted.get().map(|l| match l {
                Ok(()) => view! { <p class="rg-body">{d().desk_lifted}</p> }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
        {move || match list.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            Some(Ok(all)) if all.is_empty() => view! { <p class="rg-body">{d().desk_no_closures}</p> }.into_any(),
            Some(Ok(all)) => {
                view! {
                    <ul class="rg-list">
                        {all.iter().map(|c| {
                            let id = c.id;
                            let label = fill(d().desk_for_reference, &[("action", d().desk_lift), ("reference", &c.date.to_string())]);
                            view! {
                                <li>{item(c)}" "
                                    {supervisor.then(|| view! {
                                        <button type="button" class="rg-link-button" aria-label=label
                                            on:click=move |_| lift(id)>{d().desk_lift}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
        {supervisor.then(|| view! {
            <h2 class="rg-heading-m">{move || d().desk_close_title}</h2>
            <div role="status">
                {move || answer.get().map(|a| match a {
                    Ok(c) => view! { <p class="rg-panel rg-panel--plain">{fill(d().desk_close_done, &[
                        ("count", &localize_digits(i18n.locale(), &c.cancelled.to_string())),
                    ])}</p> }.into_any(),
                    Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
                })}
            </div>
            {move || match pending.get() {
                Some((count, _)) => {
                    let (d, locale) = (d(), i18n.locale());
                    let text = fill(d.desk_close_confirm, &[
                        ("count", &localize_digits(locale, &count.to_string())),
                        ("date", &isolated(locale, &date.get_untracked())),
                        ("period", &period(d, locale, &ascii_digits(&from.get_untracked()), &ascii_digits(&to.get_untracked()))),
                    ]);
                    view! {
                        <div class="rg-desk__confirm">
                            <p class="rg-body" id="desk-close-confirm">{text}</p>
                            <p class="rg-button-row">
                                <button class="rg-button rg-button--warning" type="button" aria-describedby="desk-close-confirm"
                                    on:click=confirm>{d.desk_close_yes}</button>
                                <button class="rg-button rg-button--secondary" type="button"
                                    on:click=move |_| set_pending.set(None)>{d.desk_close_back}</button>
                            </p>
                        </div>
                    }.into_any()
                }
                None => view! {
                    <form class="rg-form" on:submit=check novalidate=true>
                        <Field id="desk-close-date" label=|d| d.desk_close_date value=date set_value=set_date kind="date"
                            class="rg-input--id"/>
                        <p class="rg-hint" id="desk-close-hint">{move || d().desk_close_hint}</p>
                        <Field id="desk-close-from" label=|d| d.desk_close_from value=from set_value=set_from class="rg-input--id"
                            described_by="desk-close-hint"/>
                        <Field id="desk-close-to" label=|d| d.desk_close_to value=to set_value=set_to class="rg-input--id"
                            described_by="desk-close-hint"/>
                        <div class=move || if note_missing.get() { "rg-form-group rg-form-group--error" } else { "rg-form-group" }>
                            <label class="rg-label" for="desk-close-note">{move || d().desk_close_note}</label>
                            {move || note_missing.get().then(|| view! {
                                <p class="rg-error-message" id="desk-close-note-error">{d().desk_close_note_missing}</p>
                            })}
                            <input class="rg-input" id="desk-close-note" type="text" autocomplete="off" maxlength="200"
                                aria-invalid=move || note_missing.get().then_some("true")
                                aria-describedby=move || note_missing.get().then_some("desk-close-note-error")
                                prop:value=note on:input=move |ev| set_note.set(event_target_value(&ev))/>
                        </div>
                        <button class="rg-button rg-button--secondary" type="submit">{move || d().desk_close_check}</button>
                    </form>
                }.into_any(),
            }}
        })}
    }
}
