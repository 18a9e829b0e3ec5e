//! A supervisor's planning: the places of a service's slots on a day, and extra slots.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::service::ServiceKind;
use rega_api::staff::{CapacityResult, OpenSlot, SetCapacity};

use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::names::service_name;
use crate::i18n::{directorate, fill, use_i18n};

/// A supervisor's planning: the places of a service's slots on a day, and extra slots.
#[component]
pub(super) fn Planning() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let today =
        rega_api::time::LocalDateTime::from_unix((js_sys::Date::now() / 1000.0) as i64).date;
    let (date, set_date) = signal(today.add_days(1).to_string());
    let (service, set_service) = signal(ServiceKind::MedicalCheck.code().to_owned());
    let (capacity, set_capacity) = signal("4".to_owned());
    let (time, set_time) = signal("15:00".to_owned());
    let (answer, set_answer) = signal(None::<Result<CapacityResult, ApiError>>);
    let places = move || {
        capacity
            .get_untracked()
            .trim()
            .parse::<u32>()
            .unwrap_or(u32::MAX)
    };
    let set_places = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SetCapacity {
            date: date.get_untracked(),
            service: service.get_untracked(),
            capacity: places(),
        };
        spawn_local(async move {
            set_answer.set(Some(
                api::post_once(endpoints::STAFF_CAPACITY, &body, &api::new_key()).await,
            ));
        });
    };
    let open = move |_| {
        let body = OpenSlot {
            date: date.get_untracked(),
            time: time.get_untracked(),
            service: service.get_untracked(),
            capacity: places(),
        };
        spawn_local(async move {
            set_answer.set(Some(
                api::post_once(endpoints::STAFF_SLOTS, &body, &api::new_key()).await,
            ));
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_capacity_title}</h2>
        <div role="status">
            {move || answer.get().map(|a| match a {
                Ok(r) => view! { <p class="rg-body">{fill(d().desk_capacity_done, &[
                    ("changed", &r.changed.to_string()), ("kept", &r.kept.to_string()),
                ])}</p> }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
        <form class="rg-form" on:submit=set_places novalidate=true>
            <Field id="desk-date" label=|d| d.desk_date value=date set_value=set_date kind="date" class="rg-input--id"/>
            <div class="rg-form-group">
                <label class="rg-label" for="desk-service">{move || d().desk_service}</label>
                <select class="rg-input" id="desk-service" on:change=move |ev| set_service.set(event_target_value(&ev))>
                    {ServiceKind::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=*s == ServiceKind::MedicalCheck>{move || service_name(i18n.t(), *s)}</option>
                    }).collect_view()}
                </select>
            </div>
            <Field id="desk-capacity" label=|d| d.desk_capacity value=capacity set_value=set_capacity class="rg-input--code"
                numeric=true/>
            <div class="rg-form-group">
                <button class="rg-button" type="submit">{move || d().desk_save_capacity}</button>
            </div>
            <Field id="desk-slot-time" label=|d| d.desk_slot_time value=time set_value=set_time class="rg-input--id"/>
            <button class="rg-button rg-button--secondary" type="button" on:click=open>{move || d().desk_open_slot}</button>
        </form>
    }
}
