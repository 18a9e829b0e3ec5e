//! The directorate desk for staff (SPEC §3.7). Rooms: `sign_in`; `day` (call next, the day's
//! appointments with their tickets, attendance); `closures` (every desk sees them; a supervisor
//! closes and lifts); `planning` and `kiosks` (supervisors); `form` (what they share).

mod closures;
mod day;
mod form;
mod kiosks;
mod planning;
mod sign_in;

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::ErrorCode;
use rega_api::endpoints;
use rega_api::staff::StaffInfo;

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
    let i18n = use_i18n();
    let session = RwSignal::new(StaffSession::Checking);
    ask_who(session);
    view! {
        <PageHeading title=|m| m.desk_title() intro=|m| m.desk_intro()/>
        {move || match session.get() {
            StaffSession::Checking => crate::components::status::loading(i18n),
            StaffSession::SignedOut => view! { <sign_in::SignIn session/> }.into_any(),
            StaffSession::SignedIn(info) => view! { <day::Day info session/> }.into_any(),
            StaffSession::Unknown(e) => {
                let d = directorate(i18n.locale());
                view! {
                    <div class="rg-error-summary" role="alert">
                        <p class="rg-body">{form::failure(d, i18n.t(), &e)}</p>
                    </div>
                    <button type="button" class="rg-button" on:click=move |_| ask_who(session)>{d.desk_retry}</button>
                }.into_any()
            }
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rega_api::staff::StaffRole;

    #[test]
    fn only_the_servers_no_signs_the_desk_out() {
        let info = StaffInfo {
            username: "erbil-desk".into(),
            role: StaffRole::Desk,
            directorate: "erbil".into(),
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
