//! The desk's tickets beyond the appointments: issuing a walk-in's ticket (its code and QR code
//! for the citizen's phone), the day's walk-ins with their actions, and the tools every ticket
//! that is not done has in its row: transfer to an area's queue and priority.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::service::ServiceKind;
use rega_api::staff::{
    CallNextResult, DayWalkIn, Priority, SetPriority, TicketStatus, TransferTicket, WalkIn,
    WalkInTicket,
};

use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::format::{digits, localize_digits};
use crate::i18n::names::{area_name, service_name};
use crate::i18n::{DirectorateMessages, directorate, fill, use_i18n};

/// A priority's name.
pub(super) fn priority_name(
    d: &'static DirectorateMessages,
    priority: Option<Priority>,
) -> &'static str {
    match priority {
        None => d.desk_priority_none,
        Some(Priority::Elderly) => d.desk_priority_elderly,
        Some(Priority::Disabled) => d.desk_priority_disabled,
        Some(Priority::Pregnant) => d.desk_priority_pregnant,
    }
}

/// The choices of a priority `<select>`: none first.
const PRIORITIES: [Option<Priority>; 4] = [
    None,
    Some(Priority::Elderly),
    Some(Priority::Disabled),
    Some(Priority::Pregnant),
];

fn priority_word(priority: Option<Priority>) -> &'static str {
    priority.map_or("", |p| p.word())
}

/// The form that issues a walk-in's ticket; `changed` is told when one is issued.
#[component]
pub(super) fn WalkInForm(changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (service, set_service) = signal(ServiceKind::Renewal);
    let (priority, set_priority) = signal(None::<Priority>);
    let (national_id, set_national_id) = signal(String::new());
    let (answer, set_answer) = signal(None::<Result<WalkInTicket, ApiError>>);
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = national_id.get_untracked().trim().to_owned();
        let body = WalkIn {
            service: service.get_untracked(),
            priority: priority.get_untracked(),
            national_id: (!typed.is_empty()).then_some(typed),
        };
        spawn_local(async move {
            let issued = api::post_once::<_, WalkInTicket>(
                endpoints::STAFF_WALK_INS,
                &body,
                &api::new_key(),
            )
            .await;
            if issued.is_ok() {
                set_national_id.set(String::new());
                changed.run(());
            }
            set_answer.set(Some(issued));
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_walk_in_title}</h2>
        <p class="rg-body">{move || d().desk_walk_in_intro}</p>
        <form class="rg-form" on:submit=issue novalidate=true>
            <div class="rg-form-group">
                <label class="rg-label" for="walk-in-service">{move || d().desk_walk_in_service}</label>
                <select class="rg-input" id="walk-in-service"
                    on:change=move |ev| if let Some(s) = ServiceKind::from_code(&event_target_value(&ev)) { set_service.set(s) }>
                    {ServiceKind::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=*s == ServiceKind::Renewal>{move || service_name(i18n.t(), *s)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="rg-form-group">
                <label class="rg-label" for="walk-in-priority">{move || d().desk_priority}</label>
                <p class="rg-hint" id="walk-in-priority-hint">{move || d().desk_priority_hint}</p>
                <select class="rg-input" id="walk-in-priority" aria-describedby="walk-in-priority-hint"
                    on:change=move |ev| set_priority.set(Priority::from_word(&event_target_value(&ev)))>
                    {PRIORITIES.iter().map(|p| view! {
                        <option value=priority_word(*p) selected=p.is_none()>{move || priority_name(d(), *p)}</option>
                    }).collect_view()}
                </select>
            </div>
            <Field id="walk-in-national-id" label=|d| d.desk_walk_in_national_id value=national_id
                set_value=set_national_id class="rg-input--id" numeric=true/>
            <button class="rg-button" type="submit">{move || d().desk_walk_in_issue}</button>
        </form>
        <div role="status" class="rg-desk__notice">
            {move || answer.get().map(|a| match a {
                Ok(t) => {
                    let ahead = digits(i18n.locale(), u64::from(t.ahead));
                    view! {
                        <div class="rg-panel rg-panel--plain">
                            <p class="rg-body">{fill(d().desk_walk_in_issued, &[("ticket", &t.ticket), ("ahead", &ahead)])}</p>
                            <crate::pages::directorate::kiosk::TicketLink code=t.code.clone()/>
                        </div>
                    }.into_any()
                }
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
    }
}

/// A ticket action's answer for the desk's notice.
pub(super) type Notice = Option<Result<CallNextResult, ApiError>>;

/// Sends `body` (or nothing) to one of today's tickets' `action` under a new key; a refusal goes
/// to the notice; the list is read again.
fn act<B: serde::Serialize + 'static>(
    template: &'static str,
    ticket: &str,
    body: Option<B>,
    set_notice: WriteSignal<Notice>,
    changed: Callback<()>,
) {
    let path = endpoints::fill(template, ticket);
    spawn_local(async move {
        let key = api::new_key();
        let answer = match &body {
            Some(body) => api::post_once_no_content(&path, body, &key).await,
            None => api::post_empty_once(&path, &key).await,
        };
        if let Err(e) = answer {
            set_notice.set(Some(Err(e)));
        }
        changed.run(());
    });
}

/// A ticket's transfer and priority, in its row, for one that is not done.
#[component]
pub(super) fn TicketTools(
    /// Its label.
    ticket: String,
    /// The area whose queue it is in now.
    queue_area: String,
    /// Its priority now.
    priority: Option<Priority>,
    /// Where refusals go.
    set_notice: WriteSignal<Notice>,
    /// Told after each action.
    changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = directorate(i18n.locale());
    let (to, set_to) = signal(if queue_area == "A" {
        "M".to_owned()
    } else {
        "A".to_owned()
    });
    let (chosen, set_chosen) = signal(priority);
    let id = ticket.to_lowercase();
    let (area_id, priority_id) = (format!("transfer-{id}"), format!("priority-{id}"));
    let (for_transfer, for_priority) = (ticket.clone(), ticket.clone());
    let transfer = move |_| {
        let body = TransferTicket {
            area: to.get_untracked(),
        };
        act(
            endpoints::STAFF_TICKET_TRANSFER,
            &for_transfer,
            Some(body),
            set_notice,
            changed,
        );
    };
    let set_priority = move |_| {
        let body = SetPriority {
            priority: chosen.get_untracked(),
        };
        act(
            endpoints::STAFF_TICKET_PRIORITY,
            &for_priority,
            Some(body),
            set_notice,
            changed,
        );
    };
    let areas = ["A", "T", "P", "M"];
    view! {
        <span class="rg-desk__tools">
            <label class="rg-visually-hidden" for=area_id.clone()>{fill(d.desk_transfer_label, &[("ticket", &ticket)])}</label>
            <select class="rg-input rg-input--small" id=area_id on:change=move |ev| set_to.set(event_target_value(&ev))>
                {areas.iter().map(|a| view! {
                    <option value=*a selected=to.get_untracked() == *a>{format!("{a} – {}", area_name(d, a))}</option>
                }).collect_view()}
            </select>
            <button type="button" class="rg-button rg-button--secondary rg-button--small" on:click=transfer>{d.desk_transfer}</button>
            <label class="rg-visually-hidden" for=priority_id.clone()>{fill(d.desk_priority_label, &[("ticket", &ticket)])}</label>
            <select class="rg-input rg-input--small" id=priority_id
                on:change=move |ev| set_chosen.set(Priority::from_word(&event_target_value(&ev)))>
                {PRIORITIES.iter().map(|p| view! {
                    <option value=priority_word(*p) selected=*p == priority>{priority_name(d, *p)}</option>
                }).collect_view()}
            </select>
            <button type="button" class="rg-button rg-button--secondary rg-button--small" on:click=set_priority>{d.desk_set_priority}</button>
        </span>
    }
}

/// The ticket's column: its label, where it waits now if moved, its priority, its counter and
/// calls again.
pub(super) fn ticket_cell(
    d: &'static DirectorateMessages,
    locale: rega_api::Locale,
    ticket: String,
    (queue_area, priority): (Option<String>, Option<Priority>),
    (counter, recalls): (Option<String>, u32),
) -> AnyView {
    let moved = queue_area.map(|a| {
        fill(
            d.desk_moved_to,
            &[("area", &format!("{a} – {}", area_name(d, &a)))],
        )
    });
    let recalls = (recalls > 0).then(|| {
        fill(
            d.desk_recalls,
            &[("count", &digits(locale, u64::from(recalls)))],
        )
    });
    view! {
        <bdi dir="ltr">{ticket}</bdi>
        {counter.map(|c| view! { " · "<bdi dir="ltr">{c}</bdi> })}
        {recalls.map(|r| view! { " · "{r} })}
        {moved.map(|m| view! { " · "{m} })}
        {priority.map(|p| view! { " · "<strong>{priority_name(d, Some(p))}</strong> })}
    }
    .into_any()
}

/// The day's walk-ins, with their actions.
#[component]
pub(super) fn WalkIns(
    /// Today's walk-ins.
    walk_ins: Vec<DayWalkIn>,
    /// Where answers and refusals go.
    set_notice: WriteSignal<Notice>,
    /// Told after each action.
    changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (d, m, locale) = (directorate(i18n.locale()), i18n.t(), i18n.locale());
    let recall = move |ticket: String| {
        let path = endpoints::fill(endpoints::STAFF_TICKET_RECALL, &ticket);
        spawn_local(async move {
            let answer =
                api::post_once_without_body::<CallNextResult>(&path, &api::new_key()).await;
            set_notice.set(Some(answer));
            changed.run(());
        });
    };
    let finish = move |ticket: String, served: bool| {
        let template = if served {
            endpoints::STAFF_TICKET_SERVED
        } else {
            endpoints::STAFF_TICKET_NO_SHOW
        };
        act::<()>(template, &ticket, None, set_notice, changed);
    };
    view! {
        <h2 class="rg-heading-m">{d.desk_walk_ins_title}</h2>
        {if walk_ins.is_empty() {
            view! { <p class="rg-body">{d.desk_no_walk_ins}</p> }.into_any()
        } else {
            view! {
                <div class="rg-table-wrap">
                <table class="rg-table">
                    <thead><tr>
                        <th scope="col">{d.desk_col_time}</th>
                        <th scope="col">{d.desk_col_ticket}</th>
                        <th scope="col">{d.desk_col_service}</th>
                        <th scope="col">{d.desk_col_status}</th>
                        <th scope="col">{d.desk_col_actions}</th>
                    </tr></thead>
                    <tbody>
                        {walk_ins.into_iter().map(|w| {
                            let status = match (w.ticket_status, w.served) {
                                (TicketStatus::Waiting, _) => d.desk_ticket_waiting,
                                (TicketStatus::Called, _) => d.desk_ticket_called,
                                (TicketStatus::Done, Some(true)) => d.desk_status_attended,
                                (TicketStatus::Done, _) => d.desk_status_no_show,
                            };
                            let open = w.ticket_status != TicketStatus::Done;
                            let called = w.ticket_status == TicketStatus::Called;
                            let label = |action: &str| fill(d.desk_for_reference, &[("action", action), ("reference", &w.ticket)]);
                            let (recall_label, yes_label, no_label) = (label(d.desk_recall), label(d.desk_attended), label(d.desk_no_show));
                            let (again, yes, no) = (w.ticket.clone(), w.ticket.clone(), w.ticket.clone());
                            let tools_ticket = w.ticket.clone();
                            let queue_area = w.queue_area.clone().unwrap_or_else(|| w.service.area().to_owned());
                            view! {
                                <tr>
                                    <td>{localize_digits(locale, &w.time.to_string())}</td>
                                    <td>{ticket_cell(d, locale, w.ticket.clone(), (w.queue_area.clone(), w.priority), (w.counter.clone(), w.recalls))}</td>
                                    <td>{service_name(m, w.service)}</td>
                                    <td>{status}</td>
                                    <td><span class="rg-button-row">
                                        {called.then(|| view! {
                                            <button type="button" class="rg-button rg-button--small" aria-label=recall_label
                                                on:click=move |_| recall(again.clone())>{d.desk_recall}</button>
                                        })}
                                        {open.then(|| view! {
                                            <button type="button" class="rg-button rg-button--small" aria-label=yes_label
                                                on:click=move |_| finish(yes.clone(), true)>{d.desk_attended}</button>
                                            <button type="button" class="rg-button rg-button--secondary rg-button--small" aria-label=no_label
                                                on:click=move |_| finish(no.clone(), false)>{d.desk_no_show}</button>
                                            <TicketTools ticket=tools_ticket queue_area priority=w.priority set_notice changed/>
                                        })}
                                    </span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            }.into_any()
        }}
    }
}
