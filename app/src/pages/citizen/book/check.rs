//! Step 5: check your answers, each with a Change link, then book (or move the appointment).
//! The booking request carries an Idempotency-Key kept for this set of answers, so a double
//! tap, a retry or a reload after a dropped connection can never book twice.

use crate::navigation::use_go;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use rega_api::ErrorCode;
use rega_api::appointments::{AppointmentView, CreateAppointment, RescheduleAppointment};
use rega_api::endpoints;
use rega_api::reference::DirectorateInfo;

use crate::api::{self, ApiError};
use crate::components::back_link::BackLink;
use crate::components::error_summary::ErrorSummary;
use crate::components::page_heading::PageHeading;
use crate::i18n::format::hour_minute;
use crate::i18n::format::{date_with_weekday, time};
use crate::i18n::names::{localized, service_name};
use crate::i18n::use_i18n;
use crate::journey::{Answers, Step, ask_missing_first, use_answers, use_slots};

const KEY_PREFIX: &str = "rega.booking-key:";

/// The idempotency key for these answers: the same one until the booking has an answer.
fn key_for(answers: &Answers) -> String {
    let name = format!("{KEY_PREFIX}{}", answers.href(Step::Check));
    let storage = crate::storage::session();
    if let Some(key) = storage
        .as_ref()
        .and_then(|s| s.get_item(&name).ok().flatten())
    {
        return key;
    }
    let key = api::new_key();
    if let Some(s) = storage {
        // Without storage the key still covers retries while the page stays open.
        let _ = s.set_item(&name, &key);
    }
    key
}

fn forget_key(answers: &Answers) {
    if let Some(s) = crate::storage::session() {
        let _ = s.remove_item(&format!("{KEY_PREFIX}{}", answers.href(Step::Check)));
    }
}

/// What to do with the answer to the booking request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Booked: show the confirmation of this reference.
    Done(String),
    /// The place went to someone else: choose another time.
    ChooseAgain(ErrorCode),
    /// Signed out meanwhile: sign in, then come back here.
    SignIn,
    /// Anything else: say what went wrong here; the key stays for a retry.
    Show(ApiError),
}

/// Sorts the booking answer into what the page does next.
pub fn outcome(result: Result<AppointmentView, ApiError>) -> Outcome {
    match result {
        Ok(view) => Outcome::Done(view.reference),
        Err(e) if api::is_signed_out(&e) => Outcome::SignIn,
        Err(e) => match e.code() {
            Some(code @ (ErrorCode::SlotFull | ErrorCode::SlotNotFound)) => {
                Outcome::ChooseAgain(code)
            }
            _ => Outcome::Show(e),
        },
    }
}

/// The check-your-answers page.
#[component]
pub fn CheckPage() -> impl IntoView {
    ask_missing_first(Step::Check);
    let i18n = use_i18n();
    let answers = use_answers();
    let navigate = use_go();
    let directorates =
        api::use_get::<Vec<DirectorateInfo>>(|| Some(endpoints::DIRECTORATES.to_owned()));
    let slots = use_slots(answers);
    let (busy, set_busy) = signal(false);
    let (failure, set_failure) = signal(None::<ApiError>);

    let book = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let a = answers.get_untracked();
        let (Some(service), Some(slot_id)) = (a.service, a.slot) else {
            return;
        };
        let key = key_for(&a);
        let navigate = navigate.clone();
        set_busy.set(true);
        set_failure.set(None);
        spawn_local(async move {
            let result = match &a.reschedule {
                Some(reference) => {
                    api::post_once::<_, AppointmentView>(
                        &endpoints::fill(endpoints::APPOINTMENT_RESCHEDULE, reference),
                        &RescheduleAppointment { slot_id },
                        &key,
                    )
                    .await
                }
                None => {
                    api::post_once::<_, AppointmentView>(
                        endpoints::APPOINTMENTS,
                        &CreateAppointment {
                            slot_id,
                            service: service.code().to_owned(),
                        },
                        &key,
                    )
                    .await
                }
            };
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            match outcome(result) {
                Outcome::Done(reference) => {
                    forget_key(&a);
                    let done = if a.reschedule.is_some() {
                        "changed"
                    } else {
                        "booked"
                    };
                    navigate(&format!("/appointments/{reference}?done={done}"), replace);
                }
                Outcome::ChooseAgain(code) => {
                    forget_key(&a);
                    let back = a.with(|a| a.slot = None).href(Step::Time);
                    navigate(
                        &format!("{back}&problem={}", code.as_str()),
                        Default::default(),
                    );
                }
                Outcome::SignIn => navigate(&api::sign_in_href(&api::current_path()), replace),
                Outcome::Show(e) => set_failure.set(Some(e)),
            }
            set_busy.set(false);
        });
    };

    let row = move |label: &'static str, value: String, change: Option<(String, &'static str)>| {
        view! {
            <div>
                <dt>{label}</dt>
                <dd>{value}</dd>
                <dd class="rg-summary-list__action">
                    {change.map(|(href, what)| view! {
                        <a href=href class="rg-link">
                            {i18n.t().common_change()}<span class="rg-visually-hidden">{format!(" {what}")}</span>
                        </a>
                    })}
                </dd>
            </div>
        }
    };

    view! {
        <BackLink href=Signal::derive(move || answers.get().href(Step::Time))/>
        <ErrorSummary message=Signal::derive(move || failure.get().map(|e| e.message(i18n.t()).to_owned()))
            target="confirm"/>
        <PageHeading title=|m| m.book_check_title() intro=|m| m.book_check_intro()/>
        {move || {
            let a = answers.get();
            let m = i18n.t();
            let locale = i18n.locale();
            let directorate = match (directorates.get(), &a.directorate) {
                (Some(Ok(list)), Some(id)) => list.iter().find(|d| &d.id == id).map(|d| {
                    format!("{} — {}", localized(&d.name, locale), localized(&d.address, locale))
                }),
                _ => None,
            };
            let slot_time = match (slots.get(), a.slot) {
                (Some(Ok(r)), Some(id)) => r.slots.iter().find(|s| s.slot_id == id).map(|s| {
                    let (h, min) = hour_minute(&s.time);
                    time(locale, h, min)
                }),
                _ => None,
            };
            let loading = directorates.get().is_none() || slots.get().is_none();
            if loading {
                return crate::components::status::loading(i18n);
            }
            let rescheduling = a.reschedule.clone();
            view! {
                {rescheduling.clone().map(|r| view! {
                    <p class="rg-notice">{m.book_rescheduling()}" "<bdi dir="ltr" class="rg-reference">{r}</bdi></p>
                })}
                <dl class="rg-summary-list rg-summary-list--actions">
                    {a.service.map(|s| row(m.book_answer_service(), service_name(m, s).to_owned(),
                        rescheduling.is_none().then(|| (a.href(Step::Service), m.book_answer_service()))))}
                    {row(m.book_answer_directorate(), directorate.unwrap_or_default(),
                        Some((a.href(Step::Directorate), m.book_answer_directorate())))}
                    {a.date.map(|d| row(m.book_answer_date(), date_with_weekday(locale, d),
                        Some((a.href(Step::Day), m.book_answer_date()))))}
                    {row(m.book_answer_time(), slot_time.clone().unwrap_or_else(|| m.book_time_gone().to_owned()),
                        Some((a.href(Step::Time), m.book_answer_time())))}
                </dl>
                <form class="rg-form" novalidate on:submit=book.clone()>
                    <button class="rg-button" id="confirm" type="submit" disabled=busy>
                        {if rescheduling.is_some() { m.book_confirm_change() } else { m.book_confirm() }}
                    </button>
                    {move || busy.get().then(|| view! { <p class="rg-hint" role="status">{i18n.t().book_booking()}</p> })}
                </form>
            }.into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_place_sends_the_citizen_back_to_choose_a_time() {
        let lost = ApiError::Http {
            status: 409,
            code: Some(ErrorCode::SlotFull),
        };
        assert_eq!(
            outcome(Err(lost)),
            Outcome::ChooseAgain(ErrorCode::SlotFull)
        );
        let signed_out = ApiError::Http {
            status: 401,
            code: Some(ErrorCode::Unauthenticated),
        };
        assert_eq!(outcome(Err(signed_out)), Outcome::SignIn);
        assert_eq!(
            outcome(Err(ApiError::Network)),
            Outcome::Show(ApiError::Network)
        );
    }
}
