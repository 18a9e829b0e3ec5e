//! A supervisor's kiosks: the directorate's list, enrolling one (its code shown once), revoking
//! one.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::staff::{EnrolKiosk, KioskEntry};

use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::{directorate, fill, use_i18n};

/// A supervisor's kiosks: enrol one (its code shown once), revoke one.
#[component]
pub(super) fn Kiosks() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (list, set_list) = signal(None::<Result<Vec<KioskEntry>, ApiError>>);
    let (version, set_version) = signal(0_u32);
    let (label, set_label) = signal(String::new());
    let (enrolled, set_enrolled) = signal(None::<KioskEntry>);
    let (error, set_error) = signal(None::<ApiError>);
    Effect::new(move |_| {
        version.track();
        spawn_local(async move {
            let answer = api::get::<Vec<KioskEntry>>(endpoints::STAFF_KIOSKS).await;
            let _ = set_list.try_set(Some(answer));
        });
    });
    let enrol = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = EnrolKiosk {
            label: label.get_untracked(),
        };
        spawn_local(async move {
            match api::post::<_, KioskEntry>(endpoints::STAFF_KIOSKS, &body).await {
                Ok(entry) => {
                    set_error.set(None);
                    set_label.set(String::new());
                    set_enrolled.set(Some(entry));
                }
                Err(e) => set_error.set(Some(e)),
            }
            set_version.update(|v| *v += 1);
        });
    };
    let revoke = move |id: i64| {
        spawn_local(async move {
            if let Err(e) =
                api::post_empty(&endpoints::fill(endpoints::STAFF_KIOSK_REVOKE, id)).await
            {
                set_error.set(Some(e));
            }
            set_version.update(|v| *v += 1);
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_kiosks_title}</h2>
        {move || error.get().map(|e| view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> })}
        <div role="status">
            {move || enrolled.get().map(|k| view! {
                <p class="rg-panel rg-panel--plain">{fill(d().desk_kiosk_code, &[
                    ("label", &k.label), ("code", &k.code.unwrap_or_default()),
                ])}</p>
            })}
        </div>
        {move || match list.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            Some(Ok(all)) => view! {
        <ul class="rg-list">
            {all.into_iter().map(|k| {
                let id = k.id;
                view! {
                    <li>
                        {format!("{} ({}) – ", k.label, k.id)}
                        {if k.revoked { d().desk_kiosk_revoked } else { d().desk_kiosk_in_use }}" "
                        {(!k.revoked).then(|| view! {
                            <button type="button" class="rg-link-button"
                                aria-label=fill(d().desk_for_reference, &[("action", d().desk_revoke), ("reference", &k.label)])
                                on:click=move |_| revoke(id)>{d().desk_revoke}</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
            }.into_any(),
        }}
        <form class="rg-form" on:submit=enrol novalidate=true>
            <Field id="desk-kiosk-label" label=|d| d.desk_kiosk_label value=label set_value=set_label dir=None/>
            <button class="rg-button rg-button--secondary" type="submit">{move || d().desk_enrol_kiosk}</button>
        </form>
    }
}
