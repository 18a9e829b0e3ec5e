//! Sign in with the national card number and an SMS code (SPEC §3.1).

use crate::navigation::use_go;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use rega_api::ErrorCode;
use rega_api::auth::{CodeRequest, CodeSent, SessionInfo, VerifyRequest};
use rega_api::endpoints;
use rega_api::paths;

use crate::api::{self, ApiError};
use crate::components::error_summary::ErrorSummary;
use crate::components::page_heading::PageHeading;
use crate::components::text_field::TextField;
use crate::i18n::format::{digits, parse_digits};
use crate::i18n::{error_message, fill, use_i18n};

/// Which question the page asks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    NationalId,
    Code,
}

/// A problem to show beside a field.
#[derive(Clone, PartialEq, Eq)]
enum Problem {
    /// Found before asking the server.
    Input(ErrorCode),
    /// The server's answer.
    Api(ApiError),
}

/// Where to go after signing in: a path of this app only (never another site).
pub fn next_path(requested: Option<String>) -> String {
    match requested {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => paths::APPOINTMENTS.to_owned(),
    }
}

/// The national ID as typed, if it is 12 digits of either set.
pub fn national_id_input(text: &str) -> Option<String> {
    parse_digits(text).filter(|d| d.len() == 12)
}

/// The code as typed, if it is 6 digits of either set.
pub fn code_input(text: &str) -> Option<String> {
    parse_digits(text).filter(|d| d.len() == 6)
}

/// The sign-in page.
#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let (step, set_step) = signal(Step::NationalId);
    let (national_id, set_national_id) = signal(String::new());
    let (code, set_code) = signal(String::new());
    // "This is a shared phone": nothing of the citizen's is kept on it.
    let (shared_phone, set_shared_phone) = signal(false);
    let (problem, set_problem) = signal(None::<Problem>);
    let (busy, set_busy) = signal(false);
    let (resend_at, set_resend_at) = signal(0.0_f64);
    let (now, set_now) = signal(js_sys::Date::now());
    let query = use_query_map();
    let navigate = use_go();
    let session = crate::components::session::use_session();

    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let message = move || {
        problem.get().map(|p| match p {
            Problem::Input(code) => error_message(i18n.t(), code),
            Problem::Api(error) => error.message(i18n.t()),
        })
    };
    let show = move |p: Problem| set_problem.set(Some(p));

    let send_code = move || {
        let Some(id) = national_id_input(&national_id.get_untracked()) else {
            show(Problem::Input(ErrorCode::InvalidNationalId));
            return;
        };
        set_busy.set(true);
        // The code's SMS is written in the language the app shows.
        let locale = Some(i18n.locale_untracked());
        spawn_local(async move {
            match api::post::<_, CodeSent>(
                endpoints::AUTH_CODE,
                &CodeRequest {
                    national_id: id,
                    locale,
                },
            )
            .await
            {
                Ok(sent) => {
                    set_problem.set(None);
                    let at = js_sys::Date::now();
                    set_now.set(at);
                    set_resend_at.set(at + sent.resend_after_seconds as f64 * 1000.0);
                    set_step.set(Step::Code);
                }
                Err(error) => show(Problem::Api(error)),
            }
            set_busy.set(false);
        });
    };

    let sign_in = {
        let navigate = navigate.clone();
        move || {
            let Some(entered) = code_input(&code.get_untracked()) else {
                show(Problem::Input(ErrorCode::InvalidCode));
                return;
            };
            let id = national_id_input(&national_id.get_untracked()).unwrap_or_default();
            let target = next_path(query.get_untracked().get("next"));
            let navigate = navigate.clone();
            set_busy.set(true);
            // The citizen's messages are written in it from now on.
            let locale = Some(i18n.locale_untracked());
            let shared = shared_phone.get_untracked();
            spawn_local(async move {
                match api::post::<_, SessionInfo>(
                    endpoints::AUTH_VERIFY,
                    &VerifyRequest {
                        national_id: id,
                        code: entered,
                        locale,
                        shared_device: shared,
                    },
                )
                .await
                {
                    Ok(_) => {
                        // What the device kept for an earlier session is not this citizen's.
                        crate::storage::forget_all();
                        if shared {
                            crate::storage::set_shared_phone();
                        }
                        session.set(true);
                        navigate(&target, Default::default())
                    }
                    Err(error) => show(Problem::Api(error)),
                }
                set_busy.set(false);
            });
        }
    };

    let field_id = move || {
        if step.get() == Step::NationalId {
            "national-id"
        } else {
            "code"
        }
    };
    let wait_seconds = move || ((resend_at.get() - now.get()) / 1000.0).ceil().max(0.0) as u64;

    view! {
        <PageHeading title=|m| m.sign_in_title() intro=|m| m.sign_in_intro()/>
        <ErrorSummary message=Signal::derive(move || message().map(str::to_owned))
            target=Signal::derive(move || field_id().to_owned())/>
        {move || match step.get() {
            Step::NationalId => {
                let send_code = send_code;
                view! {
                    <form class="rg-form" novalidate on:submit=move |ev| { ev.prevent_default(); send_code(); }>
                        <TextField id="national-id" label=|m| m.sign_in_national_id_label() hint=|m| m.sign_in_national_id_hint()
                            error=Signal::derive(message) value=national_id set_value=set_national_id
                            autocomplete="off" class="rg-input--id"/>
                        <button class="rg-button" type="submit" disabled=busy>{move || i18n.t().sign_in_send_code()}</button>
                    </form>
                }
                .into_any()
            }
            Step::Code => {
                let sign_in = sign_in.clone();
                view! {
                    <form class="rg-form" novalidate on:submit=move |ev| { ev.prevent_default(); sign_in(); }>
                        <TextField id="code" label=|m| m.sign_in_code_label() hint=|m| m.sign_in_code_hint()
                            error=Signal::derive(message) value=code set_value=set_code
                            autocomplete="one-time-code" class="rg-input--code"/>
                        <div class="rg-radios__item">
                            <input class="rg-checkbox" type="checkbox" id="shared-phone" aria-describedby="shared-phone-hint"
                                prop:checked=shared_phone on:change=move |ev| set_shared_phone.set(event_target_checked(&ev))/>
                            <label class="rg-radios__label" for="shared-phone">{move || i18n.t().sign_in_shared_phone()}</label>
                            <p class="rg-hint rg-radios__hint" id="shared-phone-hint">{move || i18n.t().sign_in_shared_phone_hint()}</p>
                        </div>
                        <button class="rg-button" type="submit" disabled=busy>{move || i18n.t().sign_in_submit()}</button>
                        <p class="rg-body">
                            {move || if wait_seconds() > 0 {
                                view! {
                                    <span class="rg-hint">
                                        {fill(i18n.t().sign_in_resend_wait(wait_seconds()), &[("seconds", &digits(i18n.locale(), wait_seconds()))])}
                                    </span>
                                }.into_any()
                            } else {
                                view! {
                                    <button class="rg-button rg-button--secondary" type="button" disabled=busy
                                        on:click=move |_| send_code()>{move || i18n.t().sign_in_resend()}</button>
                                }.into_any()
                            }}
                        </p>
                        <p class="rg-body">
                            <button class="rg-link-button" type="button" on:click=move |_| {
                                set_problem.set(None);
                                set_code.set(String::new());
                                set_step.set(Step::NationalId);
                            }>{move || i18n.t().sign_in_change_id()}</button>
                        </p>
                    </form>
                }
                .into_any()
            }
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_sign_in_the_citizen_goes_only_to_a_page_of_this_app() {
        assert_eq!(next_path(Some("/licence".into())), "/licence");
        assert_eq!(next_path(Some("/book/day?x=1".into())), "/book/day?x=1");
        assert_eq!(next_path(Some("//evil.example/".into())), "/appointments");
        assert_eq!(
            next_path(Some("https://evil.example/".into())),
            "/appointments"
        );
        assert_eq!(next_path(Some("/\\\\evil.example".into())), "/appointments");
        assert_eq!(next_path(None), "/appointments");
    }

    #[test]
    fn ids_and_codes_are_read_from_either_digit_set() {
        assert_eq!(
            national_id_input("١٠٠٠ ٠٠٠٠ ٠٠٠١").as_deref(),
            Some("100000000001")
        );
        assert_eq!(national_id_input("10000000000"), None);
        assert_eq!(code_input("۱۲۳۴۵۶").as_deref(), Some("123456"));
        assert_eq!(code_input("12345a"), None);
    }
}
