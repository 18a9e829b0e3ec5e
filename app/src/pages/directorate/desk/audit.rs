//! The audit trail, as a supervisor (their directorate) and the administrator (the network) read
//! it: a day's records, newest first, filtered by staff account, action and appointment
//! reference; older records a page at a time; the day as a CSV file.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::audit::{AuditEntryView, AuditPage};
use rega_api::endpoints;
use rega_api::time::LocalDateTime;

use super::form::{Field, failure};
use crate::api::{self, ApiError};
use crate::i18n::format::date_time;
use crate::i18n::{directorate, use_i18n};

/// The filters as a query string (without `before` and `format`).
fn query(day: &str, staff: &str, action: &str, reference: &str) -> String {
    let mut out = String::new();
    for (name, value) in [
        ("day", day),
        ("staff", staff),
        ("action", action),
        ("reference", reference),
    ] {
        let value = value.trim();
        if !value.is_empty() {
            out.push(if out.is_empty() { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            out.push_str(&String::from(js_sys::encode_uri_component(value)));
        }
    }
    out
}

fn with(query: &str, extra: &str) -> String {
    format!(
        "{}{}{extra}",
        query,
        if query.is_empty() { '?' } else { '&' }
    )
}

/// The trail's room.
#[component]
pub(super) fn AuditTrail() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let today = LocalDateTime::from_unix((js_sys::Date::now() / 1000.0) as i64).date;
    let (day, set_day) = signal(today.to_string());
    let (staff, set_staff) = signal(String::new());
    let (action, set_action) = signal(String::new());
    let (reference, set_reference) = signal(String::new());
    let (shown, set_shown) = signal(String::new());
    let (records, set_records) = signal(Vec::<AuditEntryView>::new());
    let (next, set_next) = signal(None::<i64>);
    let (state, set_state) = signal(None::<Result<(), ApiError>>);
    let load = move |filters: String, before: Option<i64>| {
        set_state.set(None);
        spawn_local(async move {
            let path = match before {
                Some(cursor) => with(&filters, &format!("before={cursor}")),
                None => filters.clone(),
            };
            match api::get::<AuditPage>(&format!("{}{path}", endpoints::STAFF_AUDIT)).await {
                Ok(page) => {
                    if before.is_none() {
                        set_records.set(page.records);
                    } else {
                        set_records.update(|all| all.extend(page.records));
                    }
                    set_next.set(page.next);
                    set_shown.set(filters);
                    set_state.set(Some(Ok(())));
                }
                Err(e) => set_state.set(Some(Err(e))),
            }
        });
    };
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let filters = query(
            &day.get_untracked(),
            &staff.get_untracked(),
            &action.get_untracked(),
            &reference.get_untracked(),
        );
        load(filters, None);
    };
    load(query(&today.to_string(), "", "", ""), None);
    let csv = move || {
        format!(
            "{}{}{}",
            rega_api::API_BASE,
            endpoints::STAFF_AUDIT,
            with(&shown.get(), "format=csv")
        )
    };
    view! {
        <h2 class="rg-heading-m" id="audit-title">{move || d().audit_title}</h2>
        <p class="rg-body">{move || d().audit_intro}</p>
        <form class="rg-form" on:submit=show novalidate=true aria-labelledby="audit-title">
            <Field id="audit-day" label=|d| d.audit_day value=day set_value=set_day kind="date"/>
            <Field id="audit-staff" label=|d| d.audit_staff value=staff set_value=set_staff/>
            <Field id="audit-action" label=|d| d.audit_action hint=|d| d.audit_action_hint value=action set_value=set_action/>
            <Field id="audit-reference" label=|d| d.audit_reference value=reference set_value=set_reference
                class="rg-input--code"/>
            <button class="rg-button rg-button--secondary" type="submit">{move || d().audit_show}</button>
        </form>
        <div aria-live="polite" id="audit-result">
            {move || match state.get() {
                None => crate::components::status::loading(i18n),
                Some(Err(e)) => view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
                Some(Ok(())) if records.with(Vec::is_empty) => view! { <p class="rg-body">{d().audit_empty}</p> }.into_any(),
                Some(Ok(())) => {
                    let (d, locale) = (d(), i18n.locale());
                    view! {
                        <p class="rg-body"><a class="rg-link" href=csv download="">{d.audit_csv}</a></p>
                        // Wider than a phone: the region scrolls, so it takes the keyboard's focus.
                        <div class="rg-table-wrap" tabindex="0" role="region" aria-labelledby="audit-title">
                        <table class="rg-table" id="audit-records">
                            <thead><tr>
                                <th scope="col">{d.audit_col_time}</th>
                                <th scope="col">{d.audit_col_who}</th>
                                <th scope="col">{d.audit_col_action}</th>
                                <th scope="col">{d.audit_col_object}</th>
                                <th scope="col">{d.audit_col_result}</th>
                            </tr></thead>
                            <tbody>
                                {records.get().into_iter().map(|r| view! {
                                    <tr>
                                        <td>{date_time(locale, LocalDateTime::from_unix(r.at))}</td>
                                        <td><bdi dir="ltr">{r.staff.clone().unwrap_or(r.actor.clone())}</bdi></td>
                                        <td><bdi dir="ltr">{r.action}</bdi></td>
                                        <td><bdi dir="ltr">{r.object}</bdi></td>
                                        <td><bdi dir="ltr">{r.result}</bdi></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        {move || next.get().map(|cursor| view! {
                            <button type="button" class="rg-button rg-button--secondary"
                                on:click=move |_| load(shown.get_untracked(), Some(cursor))>{d.audit_older}</button>
                        })}
                    }.into_any()
                }
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn empty_filters_are_left_out() {
        assert_eq!(super::with("", "format=csv"), "?format=csv");
        assert_eq!(
            super::with("?day=2026-12-06", "before=9"),
            "?day=2026-12-06&before=9"
        );
    }
}
