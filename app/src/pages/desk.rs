//! The directorate desk for staff (SPEC §3.7): sign in, the day's appointments in time order with
//! their status and ticket, "call next" for a counter area, and attendance.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::ErrorCode;
use rega_api::ids::ascii_digits;
use rega_api::service::ServiceKind;
use rega_api::staff::{
    CallNext, CallNextResult, CapacityResult, CloseDay, ClosureEntry, DayList, EnrolKiosk,
    KioskEntry, OpenSlot, SetCapacity, StaffInfo, StaffSignIn,
};

use crate::api::{self, ApiError};
use crate::components::page_heading::PageHeading;
use crate::i18n::format::localize_digits;
use crate::i18n::{
    DirectorateMessages, directorate, directorate_error, error_message, fill, use_i18n,
};
use crate::pages::book::service_name;
use crate::pages::kiosk::area_name;

/// Where the desk remembers its counter's name between sign-ins.
const COUNTER: &str = "rega.desk.counter";

/// The message for a failed desk request.
fn failure(
    d: &'static DirectorateMessages,
    m: &'static crate::i18n::Messages,
    error: &ApiError,
) -> &'static str {
    match error {
        ApiError::Network => d.desk_network,
        ApiError::Http {
            code: Some(code), ..
        } => directorate_error(d, *code).unwrap_or_else(|| error_message(m, *code)),
        _ => error.message(m),
    }
}

fn status_text(d: &'static DirectorateMessages, status: &str) -> &'static str {
    match status {
        "checked_in" => d.desk_status_checked_in,
        "attended" => d.desk_status_attended,
        "no_show" => d.desk_status_no_show,
        "cancelled" => d.desk_status_cancelled,
        _ => d.desk_status_booked,
    }
}

/// One labelled input of the desk's forms: its label (and hint) from the directorate table, the
/// value kept in a signal. Numbers, names, dates and times run left to right (`dir` None: as the
/// page).
#[component]
fn Field(
    /// The input's id; a hint's id is `<id>-hint`.
    id: &'static str,
    /// Picks the label.
    label: fn(&'static DirectorateMessages) -> &'static str,
    /// Picks a hint shown under the label, if any.
    #[prop(optional)]
    hint: Option<fn(&'static DirectorateMessages) -> &'static str>,
    /// The id of a hint outside the field that describes it too.
    #[prop(optional)]
    described_by: Option<&'static str>,
    /// The text.
    value: ReadSignal<String>,
    /// Sets the text as it is typed.
    set_value: WriteSignal<String>,
    /// The input's type.
    #[prop(default = "text")]
    kind: &'static str,
    /// A width modifier, e.g. `rg-input--id`.
    #[prop(default = "")]
    class: &'static str,
    /// The `autocomplete` token.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// The text's direction.
    #[prop(default = Some("ltr"))]
    dir: Option<&'static str>,
    /// Digits only: the phone shows its number pad.
    #[prop(optional)]
    numeric: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    let describedby = match (hint.is_some(), described_by) {
        (true, _) => Some(hint_id.clone()),
        (false, other) => other.map(str::to_owned),
    };
    view! {
        <div class="rg-form-group">
            <label class="rg-label" for=id>{move || label(directorate(i18n.locale()))}</label>
            {hint.map(|hint| view! { <p class="rg-hint" id=hint_id>{move || hint(directorate(i18n.locale()))}</p> })}
            <input class=format!("rg-input {class}") id=id type=kind dir=dir autocomplete=autocomplete
                autocapitalize="off" spellcheck="false" inputmode=numeric.then_some("numeric")
                aria-describedby=describedby
                prop:value=value on:input=move |ev| set_value.set(event_target_value(&ev))/>
        </div>
    }
}

/// The desk: sign-in, then the day.
#[component]
pub fn Desk() -> impl IntoView {
    // None while asking; Some(None) signed out; Some(Some(..)) signed in.
    let me = RwSignal::new(None::<Option<StaffInfo>>);
    spawn_local(async move {
        let answer = api::get::<StaffInfo>("/staff/me").await;
        me.set(Some(answer.ok()));
    });
    view! {
        <PageHeading title=|m| m.desk_title() intro=|m| m.desk_intro()/>
        {move || match me.get() {
            None => crate::components::status::loading(use_i18n()),
            Some(None) => view! { <SignIn me/> }.into_any(),
            Some(Some(info)) => view! { <Day info me/> }.into_any(),
        }}
    }
}

/// Staff sign-in: username and password.
#[component]
fn SignIn(me: RwSignal<Option<Option<StaffInfo>>>) -> impl IntoView {
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
            match api::post::<_, StaffInfo>("/staff/sign-in", &body).await {
                Ok(info) => me.set(Some(Some(info))),
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

/// The signed-in desk: call next, and the day's list with attendance.
#[component]
fn Day(info: StaffInfo, me: RwSignal<Option<Option<StaffInfo>>>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (list, set_list) = signal(None::<Result<DayList, ApiError>>);
    let (version, set_version) = signal(0_u32);
    let (notice, set_notice) = signal(None::<Result<CallNextResult, ApiError>>);
    let (area, set_area) = signal("A".to_owned());
    let kept_counter = crate::storage::read(COUNTER).unwrap_or_default();
    let (counter, set_counter) = signal(kept_counter);
    // The list, again after each action and every 15 seconds (other counters call too).
    Effect::new(move |_| {
        version.track();
        spawn_local(async move {
            let answer = api::get::<DayList>("/staff/day").await;
            if matches!(
                answer,
                Err(ApiError::Http {
                    code: Some(ErrorCode::StaffUnauthenticated),
                    ..
                })
            ) {
                let _ = me.try_set(Some(None));
                return;
            }
            let _ = set_list.try_set(Some(answer));
        });
    });
    if let Ok(handle) = set_interval_with_handle(
        move || set_version.update(|v| *v += 1),
        std::time::Duration::from_secs(15),
    ) {
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
            let answer = api::post_once::<_, CallNextResult>("/staff/call-next", &body, &key).await;
            set_notice.set(Some(answer));
            set_version.update(|v| *v += 1);
        });
    };
    let record = move |reference: String, attended: bool| {
        let path = format!(
            "/staff/appointments/{reference}/{}",
            if attended { "attended" } else { "no-show" }
        );
        spawn_local(async move {
            if let Err(e) = api::post_empty_once(&path, &api::new_key()).await {
                set_notice.set(Some(Err(e)));
            }
            set_version.update(|v| *v += 1);
        });
    };
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::post_empty("/staff/sign-out").await;
            me.set(Some(None));
        });
    };
    let supervisor = info.role == "supervisor";
    let role = info.role.clone();
    // The directorate's name in the desk's language (its id until the list arrives).
    let (places, set_places) = signal(Vec::<rega_api::reference::DirectorateInfo>::new());
    spawn_local(async move {
        if let Ok(all) =
            api::get::<Vec<rega_api::reference::DirectorateInfo>>("/directorates").await
        {
            let _ = set_places.try_set(all);
        }
    });
    let who = move || {
        let d = d();
        let place = places.with(|all| {
            all.iter().find(|p| p.id == info.directorate).map_or_else(
                || info.directorate.clone(),
                |p| crate::pages::book::localized(&p.name, i18n.locale()),
            )
        });
        let role = if role == "supervisor" {
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
        <p class="rg-body">{who}" "
            <button type="button" class="rg-link-button" on:click=sign_out>{move || d().desk_sign_out}</button>
        </p>
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
                Ok(CallNextResult { called: Some(c) }) => view! {
                    <p class="rg-panel rg-panel--plain">{fill(d().desk_calling, &[
                        ("ticket", &c.ticket), ("counter", &c.counter), ("reference", &c.reference.unwrap_or_default()),
                    ])}</p>
                }.into_any(),
                Ok(CallNextResult { called: None }) => view! { <p class="rg-body">{d().desk_none_waiting}</p> }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
        <h2 class="rg-heading-m">{move || d().desk_day_title}</h2>
        {move || match list.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            Some(Ok(day)) if day.appointments.is_empty() => view! { <p class="rg-body">{d().desk_empty_day}</p> }.into_any(),
            Some(Ok(day)) => {
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
                                let active = a.status == "booked" || a.status == "checked_in";
                                let service = ServiceKind::from_code(&a.service).map_or("", |s| service_name(m, s));
                                let (yes, no) = (a.reference.clone(), a.reference.clone());
                                let label = |action: &str| fill(d.desk_for_reference, &[("action", action), ("reference", &a.reference)]);
                                let (yes_label, no_label) = (label(d.desk_attended), label(d.desk_no_show));
                                view! {
                                    <tr>
                                        <td>{localize_digits(locale, &a.time)}</td>
                                        <td><bdi dir="ltr">{a.reference.clone()}</bdi></td>
                                        <td>{service}</td>
                                        <td>{status_text(d, &a.status)}</td>
                                        <td><bdi dir="ltr">{a.ticket.clone().unwrap_or_default()}</bdi>
                                            {a.counter.clone().map(|c| view! { " · "<bdi dir="ltr">{c}</bdi> })}</td>
                                        <td>{active.then(|| view! {
                                            <span class="rg-button-row">
                                                <button type="button" class="rg-button rg-button--small" aria-label=yes_label
                                                    on:click=move |_| record(yes.clone(), true)>{d.desk_attended}</button>
                                                <button type="button" class="rg-button rg-button--secondary rg-button--small" aria-label=no_label
                                                    on:click=move |_| record(no.clone(), false)>{d.desk_no_show}</button>
                                            </span>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }
        }}
        <Closures supervisor/>
        {supervisor.then(|| view! { <Capacity/><Kiosks/> })}
    }
}

/// A supervisor's kiosks: enrol one (its code shown once), revoke one.
#[component]
fn Kiosks() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (list, set_list) = signal(Vec::<KioskEntry>::new());
    let (version, set_version) = signal(0_u32);
    let (label, set_label) = signal(String::new());
    let (enrolled, set_enrolled) = signal(None::<KioskEntry>);
    let (error, set_error) = signal(None::<ApiError>);
    Effect::new(move |_| {
        version.track();
        spawn_local(async move {
            if let Ok(all) = api::get::<Vec<KioskEntry>>("/staff/kiosks").await {
                let _ = set_list.try_set(all);
            }
        });
    });
    let enrol = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = EnrolKiosk {
            label: label.get_untracked(),
        };
        spawn_local(async move {
            match api::post::<_, KioskEntry>("/staff/kiosks", &body).await {
                Ok(entry) => {
                    set_error.set(None);
                    set_label.set(String::new());
                    set_enrolled.set(Some(entry));
                }
                Err(e) => set_error.set(Some(e)),
            }
            set_version.update(|v| *v += 1);
        });
    };
    let revoke = move |id: i64| {
        spawn_local(async move {
            if let Err(e) = api::post_empty(&format!("/staff/kiosks/{id}/revoke")).await {
                set_error.set(Some(e));
            }
            set_version.update(|v| *v += 1);
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_kiosks_title}</h2>
        {move || error.get().map(|e| view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> })}
        <div role="status">
            {move || enrolled.get().map(|k| view! {
                <p class="rg-panel rg-panel--plain">{fill(d().desk_kiosk_code, &[
                    ("label", &k.label), ("code", &k.code.unwrap_or_default()),
                ])}</p>
            })}
        </div>
        <ul class="rg-list">
            {move || list.get().into_iter().map(|k| {
                let id = k.id;
                view! {
                    <li>
                        {format!("{} ({}) – ", k.label, k.id)}
                        {if k.revoked { d().desk_kiosk_revoked } else { d().desk_kiosk_in_use }}" "
                        {(!k.revoked).then(|| view! {
                            <button type="button" class="rg-link-button"
                                aria-label=fill(d().desk_for_reference, &[("action", d().desk_revoke), ("reference", &k.label)])
                                on:click=move |_| revoke(id)>{d().desk_revoke}</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        <form class="rg-form" on:submit=enrol novalidate=true>
            <Field id="desk-kiosk-label" label=|d| d.desk_kiosk_label value=label set_value=set_label dir=None/>
            <button class="rg-button rg-button--secondary" type="submit">{move || d().desk_enrol_kiosk}</button>
        </form>
    }
}

/// A supervisor's planning: the places of a service's slots on a day, and extra slots.
#[component]
fn Capacity() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let today =
        rega_api::time::LocalDateTime::from_unix((js_sys::Date::now() / 1000.0) as i64).date;
    let (date, set_date) = signal(today.add_days(1).to_string());
    let (service, set_service) = signal(ServiceKind::MedicalCheck.code().to_owned());
    let (capacity, set_capacity) = signal("4".to_owned());
    let (time, set_time) = signal("15:00".to_owned());
    let (answer, set_answer) = signal(None::<Result<CapacityResult, ApiError>>);
    let places = move || {
        capacity
            .get_untracked()
            .trim()
            .parse::<u32>()
            .unwrap_or(u32::MAX)
    };
    let set_places = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SetCapacity {
            date: date.get_untracked(),
            service: service.get_untracked(),
            capacity: places(),
        };
        spawn_local(async move {
            set_answer.set(Some(
                api::post_once("/staff/capacity", &body, &api::new_key()).await,
            ));
        });
    };
    let open = move |_| {
        let body = OpenSlot {
            date: date.get_untracked(),
            time: time.get_untracked(),
            service: service.get_untracked(),
            capacity: places(),
        };
        spawn_local(async move {
            set_answer.set(Some(
                api::post_once("/staff/slots", &body, &api::new_key()).await,
            ));
        });
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_capacity_title}</h2>
        <div role="status">
            {move || answer.get().map(|a| match a {
                Ok(r) => view! { <p class="rg-body">{fill(d().desk_capacity_done, &[
                    ("changed", &r.changed.to_string()), ("kept", &r.kept.to_string()),
                ])}</p> }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
        <form class="rg-form" on:submit=set_places novalidate=true>
            <Field id="desk-date" label=|d| d.desk_date value=date set_value=set_date kind="date" class="rg-input--id"/>
            <div class="rg-form-group">
                <label class="rg-label" for="desk-service">{move || d().desk_service}</label>
                <select class="rg-input" id="desk-service" on:change=move |ev| set_service.set(event_target_value(&ev))>
                    {ServiceKind::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=*s == ServiceKind::MedicalCheck>{move || service_name(i18n.t(), *s)}</option>
                    }).collect_view()}
                </select>
            </div>
            <Field id="desk-capacity" label=|d| d.desk_capacity value=capacity set_value=set_capacity class="rg-input--code"
                numeric=true/>
            <div class="rg-form-group">
                <button class="rg-button" type="submit">{move || d().desk_save_capacity}</button>
            </div>
            <Field id="desk-slot-time" label=|d| d.desk_slot_time value=time set_value=set_time class="rg-input--id"/>
            <button class="rg-button rg-button--secondary" type="button" on:click=open>{move || d().desk_open_slot}</button>
        </form>
    }
}

/// A period as the desk says it: "the whole day" or `HH:MM–HH:MM` (isolated for right-to-left).
fn period(
    d: &'static DirectorateMessages,
    locale: rega_api::Locale,
    from: &str,
    to: &str,
) -> String {
    if from.is_empty() && to.is_empty() || from == "00:00" && to == "24:00" {
        d.desk_whole_day.to_owned()
    } else {
        isolated(locale, &format!("{}\u{2013}{}", from.trim(), to.trim()))
    }
}

/// A date or time for a sentence: digits of the language, kept left to right (LRI … PDI) so it
/// never scrambles in right-to-left text.
fn isolated(locale: rega_api::Locale, text: &str) -> String {
    localize_digits(locale, &format!("\u{2066}{text}\u{2069}"))
}

/// The directorate's closures from today on; a supervisor closes a day or part of one, after a
/// check that says how many appointments it cancels (each citizen is then sent an SMS).
#[component]
fn Closures(supervisor: bool) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let today =
        rega_api::time::LocalDateTime::from_unix((js_sys::Date::now() / 1000.0) as i64).date;
    let (list, set_list) = signal(Vec::<ClosureEntry>::new());
    let (version, set_version) = signal(0_u32);
    let (date, set_date) = signal(today.add_days(1).to_string());
    let (from, set_from) = signal(String::new());
    let (to, set_to) = signal(String::new());
    let (note, set_note) = signal(String::new());
    // The check's answer: how many appointments the closure cancels, and the key it is sent with.
    let (pending, set_pending) = signal(None::<(usize, String)>);
    let (answer, set_answer) = signal(None::<Result<ClosureEntry, ApiError>>);
    let (lifted, set_lifted) = signal(None::<Result<(), ApiError>>);
    let (note_missing, set_note_missing) = signal(false);
    Effect::new(move |_| {
        version.track();
        spawn_local(async move {
            if let Ok(all) = api::get::<Vec<ClosureEntry>>("/staff/closures").await {
                let _ = set_list.try_set(all);
            }
        });
    });
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        set_answer.set(None);
        let reason = note.get_untracked();
        let missing = !(1..=200).contains(&reason.trim().chars().count());
        set_note_missing.set(missing);
        if missing {
            return;
        }
        let (day, start, end) = (
            date.get_untracked(),
            ascii_digits(&from.get_untracked()),
            ascii_digits(&to.get_untracked()),
        );
        spawn_local(async move {
            match api::get::<DayList>(&format!("/staff/day?date={day}")).await {
                Ok(list) => {
                    let (start, end) = if start.is_empty() && end.is_empty() {
                        ("00:00".to_owned(), "24:00".to_owned())
                    } else {
                        (start, end)
                    };
                    let count = list
                        .appointments
                        .iter()
                        .filter(|a| {
                            (a.status == "booked" || a.status == "checked_in")
                                && a.time >= start
                                && a.time < end
                        })
                        .count();
                    set_pending.set(Some((count, api::new_key())));
                }
                Err(e) => set_answer.set(Some(Err(e))),
            }
        });
    };
    let confirm = move |_| {
        let Some((_, key)) = pending.get_untracked() else {
            return;
        };
        let (start, end) = (
            ascii_digits(&from.get_untracked()),
            ascii_digits(&to.get_untracked()),
        );
        let whole = start.is_empty() && end.is_empty();
        let body = CloseDay {
            date: date.get_untracked(),
            from: (!whole).then_some(start),
            to: (!whole).then_some(end),
            note: note.get_untracked().trim().to_owned(),
        };
        spawn_local(async move {
            let result = api::post_once::<_, ClosureEntry>("/staff/closures", &body, &key).await;
            if result.is_ok() {
                set_note.set(String::new());
            }
            set_pending.set(None);
            set_answer.set(Some(result));
            set_version.update(|v| *v += 1);
        });
    };
    let lift = move |id: i64| {
        spawn_local(async move {
            set_lifted.set(Some(
                api::post_empty(&format!("/staff/closures/{id}/lift")).await,
            ));
            set_version.update(|v| *v += 1);
        });
    };
    let item = move |c: &ClosureEntry| {
        let (d, locale) = (d(), i18n.locale());
        // A whole day comes as 00:00–24:00, which `period` names as such.
        let when = period(d, locale, &c.from, &c.to);
        fill(
            d.desk_closure_item,
            &[
                ("date", &isolated(locale, &c.date)),
                ("period", &when),
                ("count", &localize_digits(locale, &c.cancelled.to_string())),
                // Typed in any script: isolated by its own first letter (FSI … PDI), so a Latin
                // name does not break apart inside a right-to-left sentence.
                ("note", &format!("\u{2068}{}\u{2069}", c.note)),
                ("staff", &format!("\u{2068}{}\u{2069}", c.staff)),
            ],
        )
    };
    view! {
        <h2 class="rg-heading-m">{move || d().desk_closures_title}</h2>
        <div role="status">
            {move || lifted.get().map(|l| match l {
                Ok(()) => view! { <p class="rg-body">{d().desk_lifted}</p> }.into_any(),
                Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            })}
        </div>
        {move || {
            let all = list.get();
            if all.is_empty() {
                view! { <p class="rg-body">{d().desk_no_closures}</p> }.into_any()
            } else {
                view! {
                    <ul class="rg-list">
                        {all.iter().map(|c| {
                            let id = c.id;
                            let label = fill(d().desk_for_reference, &[("action", d().desk_lift), ("reference", &c.date)]);
                            view! {
                                <li>{item(c)}" "
                                    {supervisor.then(|| view! {
                                        <button type="button" class="rg-link-button" aria-label=label
                                            on:click=move |_| lift(id)>{d().desk_lift}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
        {supervisor.then(|| view! {
            <h2 class="rg-heading-m">{move || d().desk_close_title}</h2>
            <div role="status">
                {move || answer.get().map(|a| match a {
                    Ok(c) => view! { <p class="rg-panel rg-panel--plain">{fill(d().desk_close_done, &[
                        ("count", &localize_digits(i18n.locale(), &c.cancelled.to_string())),
                    ])}</p> }.into_any(),
                    Err(e) => view! { <p class="rg-error-message">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
                })}
            </div>
            {move || match pending.get() {
                Some((count, _)) => {
                    let (d, locale) = (d(), i18n.locale());
                    let text = fill(d.desk_close_confirm, &[
                        ("count", &localize_digits(locale, &count.to_string())),
                        ("date", &isolated(locale, &date.get_untracked())),
                        ("period", &period(d, locale, &ascii_digits(&from.get_untracked()), &ascii_digits(&to.get_untracked()))),
                    ]);
                    view! {
                        <div class="rg-desk__confirm">
                            <p class="rg-body" id="desk-close-confirm">{text}</p>
                            <p class="rg-button-row">
                                <button class="rg-button rg-button--warning" type="button" aria-describedby="desk-close-confirm"
                                    on:click=confirm>{d.desk_close_yes}</button>
                                <button class="rg-button rg-button--secondary" type="button"
                                    on:click=move |_| set_pending.set(None)>{d.desk_close_back}</button>
                            </p>
                        </div>
                    }.into_any()
                }
                None => view! {
                    <form class="rg-form" on:submit=check novalidate=true>
                        <Field id="desk-close-date" label=|d| d.desk_close_date value=date set_value=set_date kind="date"
                            class="rg-input--id"/>
                        <p class="rg-hint" id="desk-close-hint">{move || d().desk_close_hint}</p>
                        <Field id="desk-close-from" label=|d| d.desk_close_from value=from set_value=set_from class="rg-input--id"
                            described_by="desk-close-hint"/>
                        <Field id="desk-close-to" label=|d| d.desk_close_to value=to set_value=set_to class="rg-input--id"
                            described_by="desk-close-hint"/>
                        <div class=move || if note_missing.get() { "rg-form-group rg-form-group--error" } else { "rg-form-group" }>
                            <label class="rg-label" for="desk-close-note">{move || d().desk_close_note}</label>
                            {move || note_missing.get().then(|| view! {
                                <p class="rg-error-message" id="desk-close-note-error">{d().desk_close_note_missing}</p>
                            })}
                            <input class="rg-input" id="desk-close-note" type="text" autocomplete="off" maxlength="200"
                                aria-invalid=move || note_missing.get().then_some("true")
                                aria-describedby=move || note_missing.get().then_some("desk-close-note-error")
                                prop:value=note on:input=move |ev| set_note.set(event_target_value(&ev))/>
                        </div>
                        <button class="rg-button rg-button--secondary" type="submit">{move || d().desk_close_check}</button>
                    </form>
                }.into_any(),
            }}
        })}
    }
}
