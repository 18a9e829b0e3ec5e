//! One appointment: the booking confirmation (SPEC §3.2 step 6) and the place to change or
//! cancel it (§3.3) — reference, service, where, when, what to bring, the QR code for the
//! kiosk, "Add to calendar", and a layout that prints on one page.

use crate::navigation::use_go;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_query_map;
use rega_api::appointments::{AppointmentState, AppointmentView};
use rega_api::endpoints;
use rega_api::paths;

use crate::api::{self, ApiError};
use crate::components::back_link::BackLink;
use crate::components::cut_off_notice::CutOffNotice;
use crate::components::error_summary::ErrorSummary;
use crate::components::kept_appointments::{kept_appointments, offline_notice};
use crate::components::page_heading::PageHeading;
use crate::components::qr_code::QrImage;
use crate::components::waitlist::AskEarlier;
use crate::i18n::format::hour_minute;
use crate::i18n::format::{date_with_weekday, time};
use crate::i18n::names::{localized, service_name, status_name, what_to_bring};
use crate::i18n::use_i18n;
use crate::journey::{Answers, Step};

/// The cancel request has no fields: the address says which appointment.
#[derive(serde::Serialize)]
struct NoBody {}

/// The address of the day question for moving this appointment (same service and place).
pub fn reschedule_href(a: &AppointmentView) -> String {
    Answers {
        service: Some(a.service),
        directorate: Some(a.place.id.clone()),
        reschedule: Some(a.reference.clone()),
        ..Answers::default()
    }
    .href(Step::Day)
}

/// The server's answer, or without a network the upcoming appointment as the phone kept it
/// (with when it was kept), so its code can be shown at the kiosk.
fn offline_or(
    answer: Result<AppointmentView, api::ApiError>,
    reference: &str,
) -> Result<(AppointmentView, Option<i64>), api::ApiError> {
    match answer {
        Ok(a) => Ok((a, None)),
        Err(api::ApiError::Network) => kept_appointments()
            .and_then(|(list, at)| {
                let a = list
                    .upcoming
                    .into_iter()
                    .find(|a| a.reference == reference)?;
                Some((a, Some(at)))
            })
            .ok_or(api::ApiError::Network),
        Err(e) => Err(e),
    }
}

/// One appointment, and the confirmation after booking or changing it.
#[component]
pub fn AppointmentPage(
    /// The appointment's reference, from the address.
    reference: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let reference = StoredValue::new(reference);
    let query = use_query_map();
    let appointment = api::use_get::<AppointmentView>(move || {
        Some(endpoints::fill(
            endpoints::APPOINTMENT,
            reference.get_value(),
        ))
    });
    let done = Memo::new(move |_| query.get().get("done"));
    let qr_label = Signal::derive(move || i18n.t().appointment_qr_label());

    view! {
        <div class="rg-no-print"><BackLink href=paths::APPOINTMENTS/></div>
        {move || {
            let m = i18n.t();
            match done.get().as_deref() {
                Some("booked") => Some(view! { <div class="rg-panel" role="status"><h2 class="rg-panel__title">{m.appointment_booked()}</h2></div> }.into_any()),
                Some("changed") => Some(view! { <div class="rg-panel" role="status"><h2 class="rg-panel__title">{m.appointment_changed()}</h2></div> }.into_any()),
                Some("cancelled") => Some(view! { <div class="rg-panel rg-panel--plain" role="status"><h2 class="rg-panel__title">{m.appointment_cancelled()}</h2></div> }.into_any()),
                _ => None,
            }
        }}
        <PageHeading title=|m| m.appointment_title() intro=|m| m.appointment_intro()/>
        {move || match appointment.get().map(|answer| offline_or(answer, &reference.get_value())) {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => crate::components::status::failed(i18n, &e),
            Some(Ok((a, kept_at))) => {
                let m = i18n.t();
                let locale = i18n.locale();
                let (h, min) = hour_minute(&a.time);
                let active = matches!(a.status, AppointmentState::Booked | AppointmentState::CheckedIn);
                let qr_text = Signal::stored(a.reference.clone());
                view! {
                    {kept_at.map(|at| offline_notice(i18n, at))}
                    <section class="rg-appointment" aria-labelledby="appointment-reference">
                        <p class="rg-appointment__reference-label" id="appointment-reference">{m.appointment_reference()}</p>
                        <p class="rg-appointment__reference"><bdi dir="ltr">{a.reference.clone()}</bdi></p>
                        <dl class="rg-summary-list">
                            <div><dt>{m.book_answer_service()}</dt><dd>{service_name(m, a.service)}</dd></div>
                            <div><dt>{m.appointment_status()}</dt><dd>{status_name(m, &a)}</dd></div>
                            <div><dt>{m.book_answer_date()}</dt><dd>{date_with_weekday(locale, a.date)}</dd></div>
                            <div><dt>{m.book_answer_time()}</dt><dd>{time(locale, h, min)}</dd></div>
                            <div><dt>{m.book_answer_directorate()}</dt><dd>{localized(&a.place.name, locale)}<br/>{localized(&a.place.address, locale)}</dd></div>
                            <div><dt>{m.appointment_phone()}</dt><dd><bdi dir="ltr">{a.place.phone.clone()}</bdi></dd></div>
                        </dl>
                        {active.then(|| view! {
                            <h2 class="rg-heading-s">{m.appointment_bring()}</h2>
                            <p class="rg-body">{a.bring.as_ref().map_or_else(
                                || what_to_bring(m, a.service).to_owned(),
                                |b| localized(b, locale),
                            )}</p>
                            <div class="rg-appointment__qr">
                                <QrImage text=qr_text label=qr_label/>
                                <p class="rg-hint">{m.appointment_qr_help()}</p>
                            </div>
                        })}
                    </section>
                    {active.then(|| view! {
                        <ul class="rg-actions rg-no-print">
                            {(a.status == AppointmentState::CheckedIn).then(|| view! {
                                <li><a class="rg-button" href=format!("{}?reference={}", paths::TICKET, a.reference)>{m.appointment_follow_ticket()}</a></li>
                            })}
                            <li><a class="rg-button rg-button--secondary" download=format!("{}.ics", a.reference)
                                href=format!("{}/appointments/{}/calendar.ics?lang={}", rega_api::API_BASE, a.reference, locale.tag())>{m.appointment_add_to_calendar()}</a></li>
                            <li><button class="rg-button rg-button--secondary" type="button" on:click=|_| {
                                if let Some(w) = web_sys::window() { let _ = w.print(); }
                            }>{m.appointment_print()}</button></li>
                        </ul>
                    })}
                    {if a.can_change {
                        view! {
                            <ul class="rg-actions rg-no-print">
                                <li><a href=reschedule_href(&a) class="rg-link">{m.appointment_reschedule()}</a></li>
                                <li><a href=format!("/appointments/{}/cancel", a.reference) class="rg-link">{m.appointment_cancel()}</a></li>
                                <li><AskEarlier reference=a.reference.clone()/></li>
                            </ul>
                        }.into_any()
                    } else if a.status == AppointmentState::Booked {
                        view! { <CutOffNotice appointment=a.clone()/> }.into_any()
                    } else {
                        ().into_any()
                    }}
                }.into_any()
            }
        }}
    }
}

/// "Are you sure?" before cancelling; the cancel request carries an Idempotency-Key.
#[component]
pub fn CancelPage(
    /// The appointment's reference, from the address.
    reference: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let reference = StoredValue::new(reference);
    let navigate = use_go();
    let appointment = api::use_get::<AppointmentView>(move || {
        Some(endpoints::fill(
            endpoints::APPOINTMENT,
            reference.get_value(),
        ))
    });
    let (busy, set_busy) = signal(false);
    let (failure, set_failure) = signal(None::<ApiError>);
    let key = StoredValue::new(api::new_key());

    let cancel = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let r = reference.get_value();
        let navigate = navigate.clone();
        set_busy.set(true);
        set_failure.set(None);
        spawn_local(async move {
            let result = api::post_once::<_, AppointmentView>(
                &endpoints::fill(endpoints::APPOINTMENT_CANCEL, &r),
                &NoBody {},
                &key.get_value(),
            )
            .await;
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            match result {
                Ok(_) => navigate(&format!("/appointments/{r}?done=cancelled"), replace),
                Err(e) if api::is_signed_out(&e) => {
                    navigate(&api::sign_in_href(&api::current_path()), replace)
                }
                Err(e) => set_failure.set(Some(e)),
            }
            set_busy.set(false);
        });
    };

    view! {
        <BackLink href=Signal::derive(move || format!("/appointments/{}", reference.get_value()))/>
        <ErrorSummary message=Signal::derive(move || failure.get().map(|e| e.message(i18n.t()).to_owned()))
            target="cancel-yes"/>
        <PageHeading title=|m| m.cancel_title() intro=|m| m.cancel_intro()/>
        {move || match appointment.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => crate::components::status::failed(i18n, &e),
            Some(Ok(a)) => {
                let m = i18n.t();
                let locale = i18n.locale();
                let (h, min) = hour_minute(&a.time);
                view! {
                    <p class="rg-body rg-body--lead">
                        {service_name(m, a.service)}" — "{date_with_weekday(locale, a.date)}", "{time(locale, h, min)}
                        " — "{localized(&a.place.name, locale)}
                    </p>
                    <form class="rg-form" novalidate on:submit=cancel.clone()>
                        <div class="rg-button-group">
                            <button class="rg-button rg-button--warning" id="cancel-yes" type="submit" disabled=busy>{m.cancel_yes()}</button>
                            <a href=format!("/appointments/{}", a.reference) class="rg-link">{m.cancel_no()}</a>
                        </div>
                        {move || busy.get().then(|| view! { <p class="rg-hint" role="status">{i18n.t().common_loading()}</p> })}
                    </form>
                }.into_any()
            }
        }}
    }
}
