//! My appointments (SPEC §3.3): upcoming and past, each with its status; from here the
//! citizen opens one to change, cancel or show it.

use leptos::prelude::*;
use rega_api::appointments::{AppointmentList, AppointmentState, AppointmentView};
use rega_api::endpoints;
use rega_api::paths;

use crate::api;
use crate::components::cut_off_notice::CutOffNotice;
use crate::components::kept_appointments::{keep_appointments, kept_appointments, offline_notice};
use crate::components::page_heading::PageHeading;
use crate::components::waitlist::WaitlistEntries;
use crate::i18n::format::hour_minute;
use crate::i18n::format::{date_time, date_with_weekday};
use crate::i18n::names::{localized, service_name, status_name};
use crate::i18n::{fill, use_i18n};
use rega_api::time::LocalDateTime;

/// The tag's colour class for a status.
fn tag_class(status: AppointmentState) -> &'static str {
    match status {
        AppointmentState::Booked | AppointmentState::CheckedIn => "rg-tag rg-tag--active",
        AppointmentState::Attended => "rg-tag",
        AppointmentState::NoShow | AppointmentState::Cancelled => "rg-tag rg-tag--ended",
    }
}

/// One appointment in the list.
#[component]
fn AppointmentItem(
    /// The appointment.
    appointment: AppointmentView,
) -> impl IntoView {
    let i18n = use_i18n();
    let a = appointment;
    view! {
        {move || {
            let m = i18n.t();
            let locale = i18n.locale();
            let (h, min) = hour_minute(&a.time);
            let cut_off = a.status == AppointmentState::Booked && !a.can_change;
            view! {
                <li class="rg-appointment-item">
                    <h3 class="rg-appointment-item__title">
                        <a href=format!("/appointments/{}", a.reference) class="rg-link">{service_name(m, a.service)}</a>
                    </h3>
                    <p class="rg-appointment-item__when">{date_time(locale, LocalDateTime { date: a.date, hour: h, minute: min })}</p>
                    <p class="rg-appointment-item__where">{localized(&a.place.name, locale)}</p>
                    <p class="rg-appointment-item__meta">
                        <span class=tag_class(a.status)>{status_name(m, &a)}</span>
                        " "<bdi dir="ltr" class="rg-reference">{a.reference.clone()}</bdi>
                    </p>
                    {cut_off.then(|| view! { <CutOffNotice appointment=a.clone()/> })}
                </li>
            }
        }}
    }
}

/// The citizen's appointments.
#[component]
pub fn Appointments() -> impl IntoView {
    let i18n = use_i18n();
    let list = api::use_get::<AppointmentList>(|| Some(endpoints::APPOINTMENTS.to_owned()));
    // Kept on the phone (not a shared one), so the appointments and their codes show offline.
    Effect::new(move |_| {
        if let Some(Ok(l)) = list.get() {
            keep_appointments(&l);
        }
    });
    view! {
        <PageHeading title=|m| m.appointments_title() intro=|m| m.appointments_intro()/>
        {move || match list.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => match kept_appointments().filter(|_| matches!(e, api::ApiError::Network)) {
                Some((kept, at)) => view! {
                    {offline_notice(i18n, at)}
                    <ul class="rg-appointment-list">
                        {kept.upcoming.into_iter().map(|a| view! { <AppointmentItem appointment=a/> }).collect_view()}
                    </ul>
                }.into_any(),
                None => crate::components::status::failed(i18n, &e),
            },
            Some(Ok(AppointmentList { upcoming, past })) => {
                let m = i18n.t();
                let locale = i18n.locale();
                let rebook: Vec<AppointmentView> = past.iter().filter(|a| a.rebook).cloned().collect();
                view! {
                    {rebook.into_iter().map(|a| view! {
                        <div class="rg-notice rg-notice--important" role="note">
                            <p class="rg-body">{fill(m.appointments_rebook(), &[
                                ("directorate", &localized(&a.place.name, locale)),
                                ("reference", &format!("\u{2066}{}\u{2069}", a.reference)),
                                ("service", service_name(m, a.service)),
                                ("date", &date_with_weekday(locale, a.date)),
                            ])}</p>
                            <p class="rg-body"><a href=format!("/book/directorate?service={}", a.service.code()) class="rg-link">
                                {fill(m.appointments_rebook_link(), &[("service", service_name(m, a.service))])}
                            </a></p>
                        </div>
                    }).collect_view()}
                    <WaitlistEntries/>
                    <h2 class="rg-heading-m">{m.appointments_upcoming()}</h2>
                    {if upcoming.is_empty() {
                        view! { <p class="rg-body">{m.appointments_none()}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="rg-appointment-list">
                                {upcoming.into_iter().map(|a| view! { <AppointmentItem appointment=a/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <p class="rg-body"><a href=paths::BOOK class="rg-button">{m.home_book_heading()}</a></p>
                    {(!past.is_empty()).then(|| view! {
                        <h2 class="rg-heading-m">{m.appointments_past()}</h2>
                        <ul class="rg-appointment-list">
                            {past.into_iter().map(|a| view! { <AppointmentItem appointment=a/> }).collect_view()}
                        </ul>
                    })}
                }.into_any()
            }
        }}
    }
}
