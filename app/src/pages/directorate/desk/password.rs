//! An account given a one-time password chooses its own before anything else.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::staff::{ChangePassword as ChangeRequest, StaffInfo};

use super::StaffSession;
use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::{directorate, use_i18n};

/// The form that replaces the one-time password with the account's own.
#[component]
pub(super) fn ChangePassword(session: RwSignal<StaffSession>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (current, set_current) = signal(String::new());
    let (new, set_new) = signal(String::new());
    let (error, set_error) = signal(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ChangeRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        spawn_local(async move {
            match api::post::<_, StaffInfo>(endpoints::STAFF_PASSWORD, &body).await {
                Ok(info) => session.set(StaffSession::SignedIn(info)),
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().password_title}</h2>
        <p class="rg-body">{move || d().password_intro}</p>
        {move || error.get().map(|e| view! {
            <div class="rg-error-summary" role="alert"><p class="rg-body">{failure(d(), i18n.t(), &e)}</p></div>
        })}
        <form class="rg-form" on:submit=submit novalidate=true>
            <Field id="staff-current-password" label=|d| d.password_current value=current set_value=set_current
                kind="password" autocomplete="current-password"/>
            <Field id="staff-new-password" label=|d| d.password_new hint=|d| d.password_hint value=new
                set_value=set_new kind="password" autocomplete="new-password"/>
            <button class="rg-button" type="submit">{move || d().password_save}</button>
        </form>
        <super::SignOut session/>
    }
}
