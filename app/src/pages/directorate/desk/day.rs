//! The signed-in desk's day: who is signed in, calling the next ticket of a counter area, and
//! the day's appointments in time order with their status, ticket and attendance buttons.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::ErrorCode;
use rega_api::appointments::AppointmentState;
use rega_api::endpoints;
use rega_api::service::ServiceKind;
use rega_api::staff::{
    CallNext, CallNextResult, DayList, RecordTestResult, StaffInfo, StaffRole, TestOutcome,
    TicketStatus,
};

use super::StaffSession;
use super::audit::AuditTrail;
use super::closures::Closures;
use super::figures::Figures;
use super::form::{Field, failure};
use super::kiosks::Kiosks;
use super::planning::Planning;
use super::walk_ins::{Notice, TicketTools, WalkInForm, WalkIns, ticket_cell};
use crate::api::{self, ApiError};
use crate::i18n::format::localize_digits;
use crate::i18n::names::{area_name, localized, service_name};
use crate::i18n::{DirectorateMessages, directorate, fill, use_i18n};

/// Where the desk remembers its counter's name between sign-ins.
const COUNTER: &str = "rega.desk.counter";

fn status_text(d: &'static DirectorateMessages, status: AppointmentState) -> &'static str {
    match status {
        AppointmentState::Booked => d.desk_status_booked,
        AppointmentState::CheckedIn => d.desk_status_checked_in,
        AppointmentState::Attended => d.desk_status_attended,
        AppointmentState::NoShow => d.desk_status_no_show,
        AppointmentState::Cancelled => d.desk_status_cancelled,
    }
}

/// The signed-in desk: call next, and the day's list with attendance.
#[component]
pub(super) fn Day(info: StaffInfo, session: RwSignal<StaffSession>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (list, set_list) = signal(None::<Result<DayList, ApiError>>);
    let (version, set_version) = signal(0_u32);
    let (notice, set_notice) = signal(Notice::None);
    let (area, set_area) = signal("A".to_owned());
    let kept_counter = crate::storage::read(COUNTER).unwrap_or_default();
    let (counter, set_counter) = signal(kept_counter);
    // The list, again after each action and on each change at the directorate (other
    // counters call, the kiosk checks citizens in), and every minute besides.
    Effect::new(move |_| {
        version.track();
        spawn_local(async move {
            let answer = api::get::<DayList>(endpoints::STAFF_DAY).await;
            if matches!(
                answer,
                Err(ApiError::Http {
                    code: Some(ErrorCode::StaffUnauthenticated),
                    ..
                })
            ) {
                let _ = session.try_set(StaffSession::SignedOut);
                return;
            }
            let _ = set_list.try_set(Some(answer));
        });
    });
    let read_again = move || {
        let _ = set_version.try_update(|v| *v += 1);
    };
    let changed = Callback::new(move |()| read_again());
    if let Some(directorate) = &info.directorate {
        api::follow_changes(directorate, std::time::Duration::from_secs(5), read_again);
    }
    if let Ok(handle) = set_interval_with_handle(read_again, std::time::Duration::from_secs(60)) {
        on_cleanup(move || handle.clear());
    }
    let call = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CallNext {
            area: area.get_untracked(),
            counter: counter.get_untracked().trim().to_owned(),
        };
        crate::storage::write(COUNTER, Some(&body.counter));
        spawn_local(async move {
            let key = api::new_key();
            let answer =
                api::post_once::<_, CallNextResult>(endpoints::STAFF_CALL_NEXT, &body, &key).await;
            set_notice.set(Some(answer));
            set_version.update(|v| *v += 1);
        });
    };
    let record = move |reference: String, attended: bool| {
        let path = endpoints::fill(
            if attended {
                endpoints::STAFF_ATTENDED
            } else {
                endpoints::STAFF_NO_SHOW
            },
            &reference,
        );
        spawn_local(async move {
            if let Err(e) = api::post_empty_once(&path, &api::new_key()).await {
                set_notice.set(Some(Err(e)));
            }
            set_version.update(|v| *v += 1);
        });
    };
    let recall = move |reference: String| {
        let path = endpoints::fill(endpoints::STAFF_RECALL, &reference);
        spawn_local(async move {
            let answer =
                api::post_once_without_body::<CallNextResult>(&path, &api::new_key()).await;
            set_notice.set(Some(answer));
            set_version.update(|v| *v += 1);
        });
    };
    let result = move |reference: String, passed: bool| {
        let path = endpoints::fill(endpoints::STAFF_TEST_RESULT, &reference);
        let body = RecordTestResult {
            result: if passed {
                TestOutcome::Passed
            } else {
                TestOutcome::Failed
            },
        };
        spawn_local(async move {
            if let Err(e) = api::post_once_no_content(&path, &body, &api::new_key()).await {
                set_notice.set(Some(Err(e)));
            }
            set_version.update(|v| *v += 1);
        });
    };
    let supervisor = info.role == StaffRole::Supervisor;
    let role = info.role;
    // The directorate's name in the desk's language (its id until the list arrives).
    let (places, set_places) = signal(Vec::<rega_api::reference::DirectorateInfo>::new());
    spawn_local(async move {
        if let Ok(all) =
            api::get::<Vec<rega_api::reference::DirectorateInfo>>(endpoints::DIRECTORATES).await
        {
            let _ = set_places.try_set(all);
        }
    });
    let who = move || {
        let d = d();
        let place = places.with(|all| {
            let here = info.directorate.clone().unwrap_or_default();
            all.iter()
                .find(|p| p.id == here)
                .map_or_else(|| here.clone(), |p| localized(&p.name, i18n.locale()))
        });
        let role = if role == StaffRole::Supervisor {
            d.desk_role_supervisor
        } else {
            d.desk_role_desk
        };
        fill(
            d.desk_signed_in_as,
            &[
                ("username", &info.username),
                ("role", role),
                ("directorate", &place),
            ],
        )
    };
    let area_choice = move |letter: &'static str| {
        let id = format!("desk-area-{}", letter.to_lowercase());
        view! {
            <div class="rg-radios__item">
                <input class="rg-radios__input" type="radio" name="desk-area" id=id.clone() value=letter
                    prop:checked=move || area.get() == letter on:change=move |_| set_area.set(letter.to_owned())/>
                <label class="rg-radios__label" for=id>{move || format!("{letter} – {}", area_name(d(), letter))}</label>
            </div>
        }
    };
    view! {
        <p class="rg-body">{who}" "<super::SignOut session/></p>
        <h2 class="rg-heading-m">{move || d().desk_call_title}</h2>
        <form class="rg-form" on:submit=call novalidate=true>
            <fieldset class="rg-fieldset">
                <legend class="rg-label">{move || d().desk_area}</legend>
                {area_choice("A")}{area_choice("T")}{area_choice("P")}{area_choice("M")}
            </fieldset>
            <Field id="desk-counter" label=|d| d.desk_counter hint=|d| d.desk_counter_hint value=counter set_value=set_counter
                class="rg-input--code"/>
            <button class="rg-button" type="submit">{move || d().desk_call_next}</button>
        </form>
        <div role="status" class="rg-desk__notice">
            {move || notice.get().map(|n| match n {
                Ok(CallNextResult { called: Some(c) }) => {
                    let text = match &c.reference {
                        Some(reference) => fill(d().desk_calling, &[
                            ("ticket", &c.ticket), ("counter", &c.counter), ("reference", reference),
                        ]),
                        None => fill(d().desk_calling_walk_in, &[("ticket", &c.ticket), ("counter", &c.counter)]),
                    };
                    view! { <p class="rg-panel rg-panel--plain">{text}</p> }.into_any()
                }
                Ok(CallNextResult { called: None }) => view! { <p class="rg-body">{d().desk_none_waiting}</p> }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
        <WalkInForm changed/>
        <h2 class="rg-heading-m">{move || d().desk_day_title}</h2>
        {move || match list.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            Some(Ok(day)) => {
                let walk_ins = view! { <WalkIns walk_ins=day.walk_ins.clone() set_notice changed/> };
                if day.appointments.is_empty() {
                    return view! { <p class="rg-body">{d().desk_empty_day}</p>{walk_ins} }.into_any();
                }
                let (d, m, locale) = (d(), i18n.t(), i18n.locale());
                view! {
                    <div class="rg-table-wrap">
                    <table class="rg-table">
                        <thead><tr>
                            <th scope="col">{d.desk_col_time}</th>
                            <th scope="col">{d.desk_col_reference}</th>
                            <th scope="col">{d.desk_col_service}</th>
                            <th scope="col">{d.desk_col_status}</th>
                            <th scope="col">{d.desk_col_ticket}</th>
                            <th scope="col">{d.desk_col_actions}</th>
                        </tr></thead>
                        <tbody>
                            {day.appointments.into_iter().map(|a| {
                                let active = matches!(a.status, AppointmentState::Booked | AppointmentState::CheckedIn);
                                let service = service_name(m, a.service);
                                let (yes, no) = (a.reference.clone(), a.reference.clone());
                                let label = |action: &str| fill(d.desk_for_reference, &[("action", action), ("reference", &a.reference)]);
                                let (yes_label, no_label) = (label(d.desk_attended), label(d.desk_no_show));
                                let (pass_label, fail_label) = (label(d.desk_result_passed), label(d.desk_result_failed));
                                let is_test = matches!(a.service, ServiceKind::TheoryTest | ServiceKind::PracticalTest);
                                let can_record = is_test && a.result.is_none()
                                    && matches!(a.status, AppointmentState::Booked | AppointmentState::CheckedIn | AppointmentState::Attended);
                                let (pass, fail) = (a.reference.clone(), a.reference.clone());
                                let called = a.ticket_status == Some(TicketStatus::Called);
                                let again = a.reference.clone();
                                let recall_label = label(d.desk_recall);
                                let tools = a.ticket.clone().filter(|_| a.ticket_status.is_some_and(|s| s != TicketStatus::Done))
                                    .map(|ticket| {
                                        let queue_area = a.queue_area.clone().unwrap_or_else(|| a.service.area().to_owned());
                                        view! { <TicketTools ticket queue_area priority=a.priority set_notice changed/> }
                                    });
                                let shown_result = a.result.map(|r| match r {
                                    TestOutcome::Passed => d.desk_result_passed,
                                    TestOutcome::Failed => d.desk_result_failed,
                                });
                                view! {
                                    <tr>
                                        <td>{localize_digits(locale, &a.time.to_string())}</td>
                                        <td><bdi dir="ltr">{a.reference.clone()}</bdi></td>
                                        <td>{service}</td>
                                        <td>{status_text(d, a.status)}{shown_result.map(|r| view! { " · "{r} })}</td>
                                        <td>{a.ticket.clone().map(|t| ticket_cell(d, locale, t,
                                            (a.queue_area.clone(), a.priority), (a.counter.clone(), a.recalls)))}</td>
                                        <td><span class="rg-button-row">
                                            {called.then(|| view! {
                                                <button type="button" class="rg-button rg-button--small" aria-label=recall_label
                                                    on:click=move |_| recall(again.clone())>{d.desk_recall}</button>
                                            })}
                                            {active.then(|| view! {
                                                <button type="button" class="rg-button rg-button--small" aria-label=yes_label
                                                    on:click=move |_| record(yes.clone(), true)>{d.desk_attended}</button>
                                                <button type="button" class="rg-button rg-button--secondary rg-button--small" aria-label=no_label
                                                    on:click=move |_| record(no.clone(), false)>{d.desk_no_show}</button>
                                            })}
                                            {can_record.then(|| view! {
                                                <button type="button" class="rg-button rg-button--small" aria-label=pass_label
                                                    on:click=move |_| result(pass.clone(), true)>{d.desk_result_passed}</button>
                                                <button type="button" class="rg-button rg-button--secondary rg-button--small" aria-label=fail_label
                                                    on:click=move |_| result(fail.clone(), false)>{d.desk_result_failed}</button>
                                            })}
                                            {tools}
                                        </span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    {walk_ins}
                }.into_any()
            }
        }}
        <Closures supervisor/>
        <super::phones::LostPhones/>
        {supervisor.then(|| view! { <Figures/><Planning/><Kiosks/><AuditTrail/> })}
    }
}
