//! Step 1: which service. Only the ones the citizen may book are choices; each of the others
//! says in one line why not.

use crate::navigation::use_go;
use leptos::prelude::*;
use rega_api::ErrorCode;
use rega_api::appointments::EligibilityList;
use rega_api::endpoints;
use rega_api::paths;

use crate::api;
use crate::components::error_summary::ErrorSummary;
use crate::components::page_heading::PageHeading;
use crate::components::radios::{Choice, Radios};
use crate::i18n::format::date_long;
use crate::i18n::names::service_name;
use crate::i18n::{error_message, fill, use_i18n};
use crate::journey::{Step, use_answers};
use rega_api::service::ServiceKind;

/// The service question.
#[component]
pub fn ServicePage() -> impl IntoView {
    let i18n = use_i18n();
    let answers = use_answers();
    let navigate = use_go();
    let eligibility = api::use_get::<EligibilityList>(|| Some(endpoints::ELIGIBILITY.to_owned()));
    let selected = RwSignal::new(answers.get_untracked().service.map(|s| s.code().to_owned()));
    let (problem, set_problem) = signal(false);

    let open = move || match eligibility.get() {
        Some(Ok(list)) => list
            .services
            .into_iter()
            .filter(|s| s.reason.is_none())
            .map(|s| s.service)
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let choices = Signal::derive(move || {
        let m = i18n.t();
        open()
            .into_iter()
            .map(|s| Choice {
                value: s.code().to_owned(),
                label: service_name(m, s).to_owned(),
                hint: None,
            })
            .collect::<Vec<_>>()
    });
    let error = Signal::derive(move || {
        problem
            .get()
            .then(|| i18n.t().book_choose_service().to_owned())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match selected
            .get_untracked()
            .and_then(|s| ServiceKind::from_code(&s))
        {
            Some(service) => {
                let next = answers.get_untracked().with(|a| a.service = Some(service));
                navigate(&next.href(Step::Directorate), Default::default());
            }
            None => set_problem.set(true),
        }
    };

    view! {
        <ErrorSummary message=error target="service-0"/>
        <PageHeading title=|m| m.book_service_title() intro=|m| m.book_service_intro()/>
        {move || match eligibility.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => crate::components::status::failed(i18n, &e),
            Some(Ok(list)) => {
                let m = i18n.t();
                let refused: Vec<_> = list.services.iter().filter_map(|s| s.reason.map(|r| (s.service, r))).collect();
                let any_open = refused.len() < list.services.len();
                view! {
                    {any_open.then(|| view! {
                        <form class="rg-form" novalidate on:submit=submit.clone()>
                            <Radios name="service" legend=Signal::derive(move || i18n.t().book_service_title().to_owned())
                                choices=choices selected=selected error=error/>
                            <button class="rg-button" type="submit">{m.common_continue()}</button>
                        </form>
                    })}
                    // Blocked after repeated no-shows: until when (SPEC §4).
                    // (RFC 3339 in Baghdad time: its first ten characters are the day.)
                    {list.blocked_until.as_deref().and_then(|u| rega_api::time::Date::parse(u.get(..10)?).ok()).map(|until| {
                        let date = date_long(i18n.locale(), until);
                        view! { <p class="rg-notice" role="note">{fill(m.book_blocked_until(), &[("date", &date)])}</p> }
                    })}
                    {(!refused.is_empty()).then(|| view! {
                        <h2 class="rg-heading-m">{m.book_service_refused()}</h2>
                        <ul class="rg-refused">
                            {refused.into_iter().map(|(service, reason)| view! {
                                <li>
                                    <strong>{service_name(m, service)}</strong>
                                    <span class="rg-refused__reason">{error_message(m, reason)}</span>
                                    {(reason == ErrorCode::AlreadyBooked).then(|| view! {
                                        <a href=paths::APPOINTMENTS class="rg-link">{m.nav_appointments()}</a>
                                    })}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                }.into_any()
            }
        }}
    }
}
