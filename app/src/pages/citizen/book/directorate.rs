//! Step 2: which traffic directorate, each with its address and opening hours.

use crate::navigation::use_go;
use leptos::prelude::*;
use rega_api::endpoints;
use rega_api::reference::{DirectorateInfo, OpeningHours};

use crate::api;
use crate::components::back_link::BackLink;
use crate::components::error_summary::ErrorSummary;
use crate::components::page_heading::PageHeading;
use crate::components::radios::{Choice, Radios};
use crate::i18n::format::{time, weekday_name};
use crate::i18n::names::localized;
use crate::i18n::{I18n, fill, use_i18n};
use crate::journey::{Step, ask_missing_first, use_answers};
use rega_api::time::Date;

/// A Saturday (2026-11-28), in days since 1970-01-01.
const SATURDAY: i64 = 20_785;

/// "Sunday to Thursday, 8:00 am – 2:00 pm" in the interface language; split hours and days
/// with other hours follow ("…; Thursday, 8:00 am – 12:00 pm").
pub fn opening_hours(i18n: I18n, runs: &[OpeningHours]) -> String {
    let locale = i18n.locale();
    let m = i18n.t();
    // Any date with the right weekday gives its name.
    let name = |w: &rega_api::time::Weekday| {
        weekday_name(
            locale,
            Date::from_days_since_epoch(SATURDAY + w.index() as i64),
        )
    };
    let clock = |hh_mm: &str| {
        let (hour, minute) = crate::i18n::format::hour_minute(hh_mm);
        time(locale, hour, minute)
    };
    let join = |template: &str, parts: Vec<String>| {
        parts
            .into_iter()
            .reduce(|first, next| fill(template, &[("first", &first), ("next", &next)]))
            .unwrap_or_default()
    };
    let text: Vec<String> = runs
        .iter()
        .filter_map(|run| {
            let periods = join(
                m.book_opening_periods(),
                run.periods
                    .iter()
                    .map(|p| {
                        fill(
                            m.book_opening_period(),
                            &[("opens", &clock(&p.opens)), ("closes", &clock(&p.closes))],
                        )
                    })
                    .collect(),
            );
            let (first, last) = (run.weekdays.first()?, run.weekdays.last()?);
            Some(if first == last {
                fill(
                    m.book_opening_hours_day(),
                    &[("day", name(first)), ("periods", &periods)],
                )
            } else {
                fill(
                    m.book_opening_hours(),
                    &[
                        ("from", name(first)),
                        ("to", name(last)),
                        ("periods", &periods),
                    ],
                )
            })
        })
        .collect();
    join(m.book_opening_runs(), text)
}

/// The directorate question.
#[component]
pub fn DirectoratePage() -> impl IntoView {
    ask_missing_first(Step::Directorate);
    let i18n = use_i18n();
    let answers = use_answers();
    let navigate = use_go();
    // In the reader's alphabetical order (asked again when the language changes).
    let directorates = api::use_get::<Vec<DirectorateInfo>>(move || {
        Some(format!(
            "{}?lang={}",
            endpoints::DIRECTORATES,
            i18n.locale().tag()
        ))
    });
    let selected = RwSignal::new(answers.get_untracked().directorate);
    let (problem, set_problem) = signal(false);

    let choices = Signal::derive(move || {
        let service = answers.get().service;
        match directorates.get() {
            Some(Ok(list)) => list
                .into_iter()
                .filter(|d| service.is_some_and(|s| d.services.contains(&s)))
                .map(|d| Choice {
                    value: d.id.clone(),
                    label: localized(&d.name, i18n.locale()),
                    hint: Some(format!(
                        "{} · {}",
                        localized(&d.address, i18n.locale()),
                        opening_hours(i18n, &d.opening_hours)
                    )),
                })
                .collect(),
            _ => Vec::new(),
        }
    });
    let error = Signal::derive(move || {
        problem
            .get()
            .then(|| i18n.t().book_choose_directorate().to_owned())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match selected.get_untracked() {
            Some(id) => {
                let next = answers.get_untracked().with(|a| a.directorate = Some(id));
                navigate(&next.href(Step::Day), Default::default());
            }
            None => set_problem.set(true),
        }
    };

    view! {
        <BackLink href=Signal::derive(move || {
            let a = answers.get();
            match &a.reschedule {
                Some(r) => format!("/appointments/{r}"),
                None => a.href(Step::Service),
            }
        })/>
        <ErrorSummary message=error target="directorate-0"/>
        <PageHeading title=|m| m.book_directorate_title() intro=|m| m.book_directorate_intro()/>
        {move || match directorates.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => crate::components::status::failed(i18n, &e),
            Some(Ok(_)) => view! {
                <form class="rg-form" novalidate on:submit=submit.clone()>
                    <Radios name="directorate" legend=Signal::derive(move || i18n.t().book_directorate_title().to_owned())
                        choices=choices selected=selected error=error/>
                    <button class="rg-button" type="submit">{i18n.t().common_continue()}</button>
                </form>
            }.into_any(),
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_saturday_is_a_saturday() {
        assert_eq!(
            Date::from_days_since_epoch(SATURDAY).weekday(),
            rega_api::time::Weekday::Saturday
        );
    }
}
