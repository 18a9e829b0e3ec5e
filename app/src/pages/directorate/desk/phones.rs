//! A citizen's lost phone, at the desk (issue 19): after checking the citizen's ID card in
//! person, the desk lists the phones that keep their licence and withdraws one, so that it is
//! issued nothing more (docs/credential.md, "Withdrawing a phone").

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::licence::{DeviceOwner, DeviceWithdrawal, LicenceDevice};
use rega_api::time::LocalDateTime;

use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::format::date_time;
use crate::i18n::{directorate, fill, use_i18n};

/// The form, and the phones of the citizen whose ID card was checked.
#[component]
pub(super) fn LostPhones() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (national_id, set_national_id) = signal(String::new());
    let (phones, set_phones) = signal(None::<Result<Vec<LicenceDevice>, ApiError>>);
    let show = move || {
        let body = DeviceOwner {
            national_id: national_id.get_untracked().trim().to_owned(),
        };
        spawn_local(async move {
            let answer =
                api::post::<_, Vec<LicenceDevice>>(endpoints::STAFF_LICENCE_DEVICES, &body).await;
            let _ = set_phones.try_set(Some(answer));
        });
    };
    let withdraw = move |device: i64| {
        let body = DeviceWithdrawal {
            national_id: national_id.get_untracked().trim().to_owned(),
            device,
        };
        spawn_local(async move {
            match api::post::<_, LicenceDevice>(endpoints::STAFF_LICENCE_DEVICE_WITHDRAW, &body)
                .await
            {
                Ok(_) => show(),
                Err(e) => {
                    let _ = set_phones.try_set(Some(Err(e)));
                }
            }
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_phones_title}</h2>
        <p class="rg-body">{move || d().desk_phones_intro}</p>
        <form class="rg-form" novalidate=true on:submit=move |ev| { ev.prevent_default(); show(); }>
            <Field id="phones-national-id" label=|d| d.desk_phones_national_id value=national_id
                set_value=set_national_id class="rg-input--id" numeric=true/>
            <button class="rg-button rg-button--secondary" type="submit">{move || d().desk_phones_show}</button>
        </form>
        <div role="status" class="rg-desk__notice" id="desk-phones">
            {move || phones.get().map(|answer| match answer {
                Ok(list) if list.is_empty() => view! { <p class="rg-body">{d().desk_phones_none}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="rg-appointment-list">
                        {list.into_iter().map(|p| {
                            let locale = i18n.locale();
                            let state = match p.withdrawn_at {
                                Some(_) => d().desk_phones_withdrawn.to_owned(),
                                None => fill(d().desk_phones_until, &[("date", &date_time(locale, LocalDateTime::from_unix(p.valid_until)))]),
                            };
                            let id = p.id;
                            view! {
                                <li class="rg-appointment-item rg-devices__item">
                                    <p class="rg-body"><strong><bdi>{p.label.clone()}</bdi></strong>" — "{state}</p>
                                    {p.withdrawn_at.is_none().then(|| view! {
                                        <button type="button" class="rg-button rg-button--secondary" on:click=move |_| withdraw(id)>
                                            {d().desk_phones_withdraw}<span class="rg-visually-hidden">" "<bdi>{p.label.clone()}</bdi></span>
                                        </button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
    }
}
