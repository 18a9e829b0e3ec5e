//! The staff area: the directorate desk for staff (SPEC §3.7) and the central administrator's
//! screens (`/admin`), which share the staff session. Rooms: `sign_in`; `password` (an account
//! given a one-time password chooses its own first); `second_factor` (setting up two-step
//! sign-in: required of supervisors and administrators outside demo mode, offered to all); `day` (call next, the day's appointments
//! with their tickets, attendance); `closures` (every desk sees them; a supervisor closes and
//! lifts); `figures` (the day at a glance), `planning`, `kiosks` and `audit` (supervisors; `audit` also the administrator);
//! `accounts`, `configuration` and `trust_list` (the administrator); `form` (what they share).

mod accounts;
mod admin;
mod audit;
mod closures;
mod configuration;
mod day;
mod figures;
mod form;
mod kiosks;
mod password;
mod phones;
mod planning;
mod second_factor;
mod sign_in;
mod trust_list;
mod walk_ins;

pub use admin::Admin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::ErrorCode;
use rega_api::endpoints;
use rega_api::staff::{StaffInfo, StaffRole};

use crate::api::{self, ApiError};
use crate::components::page_heading::PageHeading;
use crate::i18n::{directorate, use_i18n};

/// Where the desk stands with the server.
#[derive(Debug, Clone, PartialEq)]
enum StaffSession {
    /// Asking who is signed in.
    Checking,
    /// Nobody: the sign-in form.
    SignedOut,
    /// Signed in: the day.
    SignedIn(StaffInfo),
    /// The server could not say (no network, or a failure): the message and a retry, never the
    /// sign-in form.
    Unknown(ApiError),
}

impl StaffSession {
    /// The state an answer to `GET /staff/me` puts the desk in.
    fn from_answer(answer: Result<StaffInfo, ApiError>) -> StaffSession {
        match answer {
            Ok(info) => StaffSession::SignedIn(info),
            Err(e) if e.code() == Some(ErrorCode::StaffUnauthenticated) => StaffSession::SignedOut,
            Err(e) => StaffSession::Unknown(e),
        }
    }
}

/// Asks the server who is signed in at this desk.
fn ask_who(session: RwSignal<StaffSession>) {
    session.set(StaffSession::Checking);
    spawn_local(async move {
        let answer = api::get::<StaffInfo>(endpoints::STAFF_ME).await;
        let _ = session.try_set(StaffSession::from_answer(answer));
    });
}

/// The desk: sign-in, then the day.
#[component]
pub fn Desk() -> impl IntoView {
    view! {
        <PageHeading title=|m| m.desk_title() intro=|m| m.desk_intro()/>
        <StaffArea room=desk_room/>
    }
}

/// What a signed-in account sees at the desk: its day, or (an administrator) the way to its own
/// screens.
fn desk_room(info: StaffInfo, session: RwSignal<StaffSession>) -> AnyView {
    if info.role == StaffRole::Admin {
        let i18n = use_i18n();
        let d = move || directorate(i18n.locale());
        return view! {
            <p class="rg-body">{move || d().admin_not_a_desk}" "
                <a class="rg-link" href=rega_api::paths::ADMIN>{move || d().admin_go}</a></p>
            <SignOut session/>
        }
        .into_any();
    }
    view! { <day::Day info session/> }.into_any()
}

/// The staff session's states around a room: checking, the sign-in form, the password to choose
/// first, the room of the signed-in account, or the server's silence with a retry.
#[component]
fn StaffArea(
    /// The room a signed-in account with its own password sees.
    room: fn(StaffInfo, RwSignal<StaffSession>) -> AnyView,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = RwSignal::new(StaffSession::Checking);
    // The account chose to set up two-step sign-in (required ones are sent there anyway).
    let setting_up = RwSignal::new(false);
    ask_who(session);
    move || match session.get() {
        StaffSession::Checking => {
            setting_up.set(false);
            crate::components::status::loading(i18n)
        }
        StaffSession::SignedOut => view! { <sign_in::SignIn session/> }.into_any(),
        StaffSession::SignedIn(info) if info.must_change_password => {
            view! { <password::ChangePassword session/> }.into_any()
        }
        StaffSession::SignedIn(info) if info.must_set_up_second_factor || setting_up.get() => {
            view! { <second_factor::SetUp info session/> }.into_any()
        }
        StaffSession::SignedIn(info) if !info.second_factor => {
            let d = move || directorate(i18n.locale());
            view! {
                {room(info, session)}
                <p class="rg-body">
                    <button type="button" class="rg-link-button" on:click=move |_| setting_up.set(true)>
                        {move || d().second_start}</button>
                </p>
            }
            .into_any()
        }
        StaffSession::SignedIn(info) => room(info, session),
        StaffSession::Unknown(e) => {
            let d = directorate(i18n.locale());
            view! {
                <div class="rg-error-summary" role="alert">
                    <p class="rg-body">{form::failure(d, i18n.t(), &e)}</p>
                </div>
                <button type="button" class="rg-button" on:click=move |_| ask_who(session)>{d.desk_retry}</button>
            }.into_any()
        }
    }
}

/// Ends the staff session.
#[component]
fn SignOut(session: RwSignal<StaffSession>) -> impl IntoView {
    let i18n = use_i18n();
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::post_empty(endpoints::STAFF_SIGN_OUT).await;
            session.set(StaffSession::SignedOut);
        });
    };
    view! {
        <button type="button" class="rg-link-button" on:click=sign_out>
            {move || directorate(i18n.locale()).desk_sign_out}</button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_servers_no_signs_the_desk_out() {
        let info = StaffInfo {
            username: "erbil-desk".into(),
            role: StaffRole::Desk,
            directorate: Some("erbil".into()),
            must_change_password: false,
            second_factor: false,
            must_set_up_second_factor: false,
        };
        assert_eq!(
            StaffSession::from_answer(Ok(info.clone())),
            StaffSession::SignedIn(info)
        );
        let unauthenticated = ApiError::Http {
            status: 401,
            code: Some(ErrorCode::StaffUnauthenticated),
        };
        assert_eq!(
            StaffSession::from_answer(Err(unauthenticated)),
            StaffSession::SignedOut
        );
        for failure in [
            ApiError::Network,
            ApiError::Http {
                status: 503,
                code: None,
            },
            ApiError::Decode,
        ] {
            assert_eq!(
                StaffSession::from_answer(Err(failure.clone())),
                StaffSession::Unknown(failure)
            );
        }
    }
}
