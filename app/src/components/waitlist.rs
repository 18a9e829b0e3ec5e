//! The waiting list's parts on the pages (docs/waitlist.md): joining it under the booking's
//! calendar, the entries and the places held for the citizen at the top of My appointments
//! (take or decline), and asking for an earlier place of a booking.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::appointments::AppointmentView;
use rega_api::endpoints;
use rega_api::paths;
use rega_api::service::ServiceKind;
use rega_api::time::Date;
use rega_api::waitlist::{DayPart, JoinWaitlist, WaitEarlier, WaitlistEntryView, WaitlistList};

use crate::api::{self, ApiError};
use crate::components::radios::{Choice, Radios};
use crate::i18n::format::{date_with_weekday, hour_minute, time};
use crate::i18n::names::{localized, part_name, service_name};
use crate::i18n::{fill, use_i18n};
use crate::navigation::use_go;

/// What a failed request leads to: sign-in for an ended session, else its message shown.
pub fn failed(error: ApiError, set_failure: WriteSignal<Option<ApiError>>) {
    if api::is_signed_out(&error) {
        crate::navigation::leave(&api::sign_in_href(&api::current_path()), true);
    } else {
        set_failure.set(Some(error));
    }
}

/// Joining the waiting list for the service at the directorate, under the calendar of the
/// booking window: the first and last of its open `days`, and the part of the day. Joined, the
/// citizen sees the entry in My appointments.
#[component]
pub fn JoinWaitlistForm(
    /// The directorate.
    directorate: String,
    /// The service.
    service: ServiceKind,
    /// The open days of the booking window.
    days: Vec<Date>,
) -> impl IntoView {
    let i18n = use_i18n();
    let go = use_go();
    let (first, last) = (days.first().copied(), days.last().copied());
    let (from, set_from) = signal(first);
    let (to, set_to) = signal(last);
    let part = RwSignal::new(Some(DayPart::Any.word().to_owned()));
    let (busy, set_busy) = signal(false);
    let (failure, set_failure) = signal(None::<ApiError>);
    let join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(from), Some(to)) = (from.get_untracked(), to.get_untracked()) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        let body = JoinWaitlist {
            directorate: directorate.clone(),
            service: service.code().to_owned(),
            from,
            to,
            part: part
                .get_untracked()
                .and_then(|p| DayPart::from_word(&p))
                .unwrap_or(DayPart::Any),
        };
        let go = go.clone();
        set_busy.set(true);
        set_failure.set(None);
        spawn_local(async move {
            // The entry is shown in My appointments; here the answer only says it joined. (The
            // key is not one `/waitlist` needs: this is the helper that reads an answer without
            // decoding it, the smallest in a wing with little room.)
            match api::post_once_no_content(endpoints::WAITLIST, &body, &api::new_key()).await {
                Ok(_) => go(
                    &format!("{}#waitlist", paths::APPOINTMENTS),
                    Default::default(),
                ),
                Err(e) => failed(e, set_failure),
            }
            set_busy.set(false);
        });
    };
    // Made again whenever the calendar is (the language too), so its texts are read once.
    let (m, locale) = (i18n.t(), i18n.locale());
    let day_field = |id: &'static str,
                     label: &'static str,
                     chosen: Option<Date>,
                     set: WriteSignal<Option<Date>>| {
        view! {
            <div class="rg-form-group">
                <label class="rg-label" for=id>{label}</label>
                <select class="rg-input" id=id on:change=move |ev| set.set(Date::parse(&event_target_value(&ev)).ok())>
                    {days.iter().map(|date| view! {
                        <option value=date.to_string() selected=Some(*date) == chosen>{date_with_weekday(locale, *date)}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let choices: Vec<Choice> = [DayPart::Any, DayPart::Morning, DayPart::Afternoon]
        .into_iter()
        .map(|p| Choice {
            value: p.word().to_owned(),
            label: part_name(m, p).to_owned(),
            hint: None,
        })
        .collect();
    view! {
        <details class="rg-details">
            <summary>{m.waitlist_link()}</summary>
            <p class="rg-body">{m.waitlist_intro()}</p>
            <form class="rg-form" novalidate on:submit=join>
                {day_field("waitlist-from", m.waitlist_from(), first, set_from)}
                {day_field("waitlist-to", m.waitlist_to(), last, set_to)}
                <p class="rg-label" aria-hidden="true">{m.waitlist_part()}</p>
                <Radios name="waitlist-part" legend=m.waitlist_part().to_owned()
                    choices=choices selected=part error=Signal::stored(None::<String>)/>
                {move || failure.get().map(|e| view! { <p class="rg-error-message" role="alert">{e.message(i18n.t())}</p> })}
                <button class="rg-button" type="submit" disabled=busy>{m.waitlist_title()}</button>
            </form>
        </details>
    }
}

/// The citizen's waiting-list entries at the top of My appointments: a place held for them with
/// "take" and "decline", else what they wait for with "leave".
#[component]
pub fn WaitlistEntries() -> impl IntoView {
    let i18n = use_i18n();
    let go = use_go();
    let version = RwSignal::new(0_u32);
    let list = api::use_get::<WaitlistList>(move || {
        version.track();
        Some(endpoints::WAITLIST.to_owned())
    });
    let (failure, set_failure) = signal(None::<ApiError>);
    let key = StoredValue::new(api::new_key());
    // Takes the held place (a booking under its key), or declines or leaves (then the list
    // is read again).
    let act = move |path: String, take: bool| {
        let go = go.clone();
        set_failure.set(None);
        spawn_local(async move {
            let done = if take {
                api::post_once_without_body::<AppointmentView>(&path, &key.get_value())
                    .await
                    .map(Some)
            } else {
                api::post_empty(&path).await.map(|()| None)
            };
            match done {
                Ok(Some(a)) => go(
                    &format!("{}/{}?done=booked", paths::APPOINTMENTS, a.reference),
                    Default::default(),
                ),
                Ok(None) => version.update(|v| *v += 1),
                Err(e) => {
                    key.set_value(api::new_key());
                    failed(e, set_failure);
                    version.update(|v| *v += 1);
                }
            }
        });
    };
    move || {
        let Some(Ok(WaitlistList { entries })) = list.get() else {
            return ().into_any();
        };
        if entries.is_empty() && failure.get().is_none() {
            return ().into_any();
        }
        let m = i18n.t();
        let locale = i18n.locale();
        view! {
            <h2 class="rg-heading-m" id="waitlist">{m.waitlist_heading()}</h2>
            {move || failure.get().map(|e| view! { <p class="rg-error-message" role="alert">{e.message(i18n.t())}</p> })}
            <ul class="rg-appointment-list">
                {entries.into_iter().map(|e| {
                    let service = service_name(m, e.service);
                    let place = localized(&e.place.name, locale);
                    let id = e.id;
                    let act = act.clone();
                    let body = match &e.offer {
                        Some(offer) => {
                            let (h, min) = hour_minute(&offer.time);
                            let (uh, umin) = hour_minute(&offer.until_time);
                            let text = fill(m.waitlist_offer(), &[
                                ("service", service),
                                ("date", &date_with_weekday(locale, offer.date)),
                                ("time", &time(locale, h, min)),
                                ("directorate", &place),
                                ("until", &time(locale, uh, umin)),
                            ]);
                            let decline = act.clone();
                            view! {
                                <div class="rg-notice rg-notice--important" role="note">
                                    <p class="rg-body">{text}</p>
                                    <div class="rg-button-group">
                                        <button class="rg-button" type="button" on:click=move |_| act(endpoints::fill(endpoints::WAITLIST_ACCEPT, id), true)>{m.waitlist_take()}</button>
                                        <button class="rg-button rg-button--secondary" type="button" on:click=move |_| decline(endpoints::fill(endpoints::WAITLIST_DECLINE, id), false)>{m.waitlist_decline()}</button>
                                    </div>
                                </div>
                            }.into_any()
                        }
                        None => {
                            let what = match &e.reference {
                                Some(reference) => fill(m.waitlist_earlier(), &[("reference", &format!("\u{2066}{reference}\u{2069}"))]),
                                None => fill(m.waitlist_waiting(), &[
                                    ("service", service),
                                    ("directorate", &place),
                                    ("from", &date_with_weekday(locale, e.from)),
                                    ("to", &date_with_weekday(locale, e.to)),
                                    ("part", part_name(m, e.part)),
                                ]),
                            };
                            view! {
                                <p class="rg-body">{what}</p>
                                <button class="rg-link-button" type="button" on:click=move |_| act(endpoints::fill(endpoints::WAITLIST_LEAVE, id), false)>{m.waitlist_leave()}</button>
                            }.into_any()
                        }
                    };
                    view! { <li class="rg-appointment-item">{body}</li> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

/// "Ask for an earlier place" on a booking that can still be changed.
#[component]
pub fn AskEarlier(
    /// The booking's reference.
    reference: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let (asked, set_asked) = signal(false);
    let (failure, set_failure) = signal(None::<ApiError>);
    let path = endpoints::fill(endpoints::APPOINTMENT_EARLIER, &reference);
    let ask = move |_| {
        let path = path.clone();
        set_failure.set(None);
        spawn_local(async move {
            let body = WaitEarlier { part: DayPart::Any };
            match api::post::<_, WaitlistEntryView>(&path, &body).await {
                Ok(_) => set_asked.set(true),
                Err(e) => failed(e, set_failure),
            }
        });
    };
    move || {
        let m = i18n.t();
        if asked.get() {
            return view! { <p class="rg-notice" role="status">{m.waitlist_earlier_asked()}</p> }
                .into_any();
        }
        let ask = ask.clone();
        view! {
            {failure.get().map(|e| view! { <p class="rg-error-message" role="alert">{e.message(m)}</p> })}
            <button class="rg-link-button" type="button" on:click=ask>{m.waitlist_earlier_ask()}</button>
        }
        .into_any()
    }
}
