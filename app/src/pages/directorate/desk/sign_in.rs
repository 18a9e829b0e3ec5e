//! Staff sign-in: name and password, then (an account with a second factor) the code of its
//! authenticator app or a recovery code.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::ErrorCode;
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
    let (code, set_code) = signal(String::new());
    // The server asked for the second factor's code: the form shows its field.
    let (asking_code, set_asking_code) = signal(false);
    let (error, set_error) = signal(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = StaffSignIn {
            username: username.get_untracked(),
            password: password.get_untracked(),
            code: asking_code
                .get_untracked()
                .then(|| code.get_untracked())
                .filter(|c| !c.trim().is_empty()),
        };
        spawn_local(async move {
            match api::post::<_, StaffInfo>(endpoints::STAFF_SIGN_IN, &body).await {
                Ok(info) => session.set(StaffSession::SignedIn(info)),
                Err(e) => {
                    set_code.set(String::new());
                    match e.code() {
                        // The password was right: it stays, and the code is asked for.
                        Some(
                            ErrorCode::StaffSecondFactorRequired
                            | ErrorCode::StaffSecondFactorWrong,
                        ) => {
                            set_asking_code.set(true);
                            focus_code();
                        }
                        _ => set_password.set(String::new()),
                    }
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
            <Show when=move || asking_code.get()>
                <Field id="desk-code" label=|d| d.desk_code hint=|d| d.desk_code_hint value=code set_value=set_code
                    autocomplete="one-time-code"/>
            </Show>
            <button class="rg-button" type="submit">{move || d().desk_sign_in}</button>
        </form>
    }
}

/// Moves the focus to the code field once it is drawn.
fn focus_code() {
    request_animation_frame(|| {
        if let Some(input) = document()
            .get_element_by_id("desk-code")
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = input.focus();
        }
    });
}
