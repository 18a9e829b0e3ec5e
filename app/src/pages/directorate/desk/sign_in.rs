//! Staff sign-in: name and password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::staff::{StaffInfo, StaffSignIn};

use super::StaffSession;
use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::{directorate, use_i18n};

/// Staff sign-in: username and password.
#[component]
pub(super) fn SignIn(session: RwSignal<StaffSession>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (username, set_username) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let (error, set_error) = signal(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = StaffSignIn {
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match api::post::<_, StaffInfo>(endpoints::STAFF_SIGN_IN, &body).await {
                Ok(info) => session.set(StaffSession::SignedIn(info)),
                Err(e) => {
                    set_password.set(String::new());
                    set_error.set(Some(e));
                }
            }
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_sign_in_title}</h2>
        {move || error.get().map(|e| view! {
            <div class="rg-error-summary" role="alert"><p class="rg-body">{failure(d(), i18n.t(), &e)}</p></div>
        })}
        <form class="rg-form" on:submit=submit novalidate=true>
            <Field id="desk-username" label=|d| d.desk_username value=username set_value=set_username autocomplete="username"/>
            <Field id="desk-password" label=|d| d.desk_password value=password set_value=set_password kind="password"
                autocomplete="current-password"/>
            <button class="rg-button" type="submit">{move || d().desk_sign_in}</button>
        </form>
    }
}
