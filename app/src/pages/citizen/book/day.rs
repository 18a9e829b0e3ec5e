//! Step 3: which day — a calendar of the booking window, free days as links, full and closed
//! days marked (with the holiday's name), weeks starting on Saturday as in Iraq.

use leptos::prelude::*;
use rega_api::availability::{ClosedReason, DayAvailability, DaysResponse};
use rega_api::endpoints;
use rega_api::time::Date;

use crate::api;
use crate::components::back_link::BackLink;
use crate::components::page_heading::PageHeading;
use crate::components::waitlist::JoinWaitlistForm;
use crate::i18n::format::{date_with_weekday, digits, month_year, weekday_headers};
use crate::i18n::names::localized;
use crate::i18n::{fill, use_i18n};
use crate::journey::{Step, ask_missing_first, use_answers};

/// What a day of the window offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayState {
    /// Places are free.
    Free(u32),
    /// Open, but every place is taken.
    Full,
    /// Friday or Saturday.
    Weekend,
    /// A public holiday, with its name.
    Holiday(Option<rega_api::reference::LocalizedText>),
}

/// One month of the calendar: weeks of seven cells, Saturday first; `None` outside the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u8,
    /// The weeks.
    pub weeks: Vec<[Option<(Date, DayState)>; 7]>,
}

fn state_of(day: &DayAvailability) -> DayState {
    match day.closed {
        Some(ClosedReason::Weekend) => DayState::Weekend,
        Some(ClosedReason::Holiday) => DayState::Holiday(day.holiday.clone()),
        // Closed by the directorate: shown as closed, like a holiday without a name.
        Some(ClosedReason::Closure) => DayState::Holiday(None),
        None if day.places_left > 0 => DayState::Free(day.places_left),
        None => DayState::Full,
    }
}

/// Lays the window's days out as calendar months.
pub fn months(days: &[DayAvailability]) -> Vec<Month> {
    let mut out: Vec<Month> = Vec::new();
    for day in days {
        let date = day.date;
        let new_month = out
            .last()
            .is_none_or(|m| m.year != date.year() || m.month != date.month());
        if new_month {
            out.push(Month {
                year: date.year(),
                month: date.month(),
                weeks: Vec::new(),
            });
        }
        let Some(month) = out.last_mut() else {
            continue;
        };
        let column = date.weekday().index();
        if new_month || column == 0 || month.weeks.is_empty() {
            month.weeks.push(Default::default());
        }
        if let Some(week) = month.weeks.last_mut() {
            week[column] = Some((date, state_of(day)));
        }
    }
    out
}

/// The day question.
#[component]
pub fn DayPage() -> impl IntoView {
    ask_missing_first(Step::Day);
    let i18n = use_i18n();
    let answers = use_answers();
    let days = api::use_get::<DaysResponse>(move || {
        let a = answers.get();
        Some(endpoints::availability_days(&a.directorate?, a.service?))
    });

    view! {
        <BackLink href=Signal::derive(move || answers.get().href(Step::Directorate))/>
        <PageHeading title=|m| m.book_day_title() intro=|m| m.book_day_intro()/>
        {move || match days.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => crate::components::status::failed(i18n, &e),
            Some(Ok(response)) => {
                let locale = i18n.locale();
                let m = i18n.t();
                let any_free = response.days.iter().any(|d| matches!(state_of(d), DayState::Free(_)));
                let headers = weekday_headers(locale);
                view! {
                    {(!any_free).then(|| view! { <p class="rg-notice" role="note">{m.book_no_free_days()}</p> })}
                    {months(&response.days).into_iter().map(|month| view! {
                        <table class="rg-calendar">
                            <caption class="rg-calendar__caption">
                                {month_year(locale, month.year, month.month)}
                            </caption>
                            <thead>
                                <tr>{headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr>
                            </thead>
                            <tbody>
                                {month.weeks.into_iter().map(|week| view! {
                                    <tr>
                                        {week.into_iter().map(|cell| match cell {
                                            None => view! { <td class="rg-calendar__empty"></td> }.into_any(),
                                            Some((date, state)) => {
                                                let number = digits(locale, date.day().into());
                                                let full_date = date_with_weekday(locale, date);
                                                match state {
                                                    DayState::Free(places) => {
                                                        let href = answers.get_untracked().with(|a| { a.date = Some(date); a.slot = None; }).href(Step::Time);
                                                        let label = format!("{full_date}: {}", fill(m.book_places_left(), &[("count", &digits(locale, places.into()))]));
                                                        let chosen = answers.get_untracked().date == Some(date);
                                                        view! {
                                                            <td class="rg-calendar__day rg-calendar__day--free">
                                                                <a href=href class="rg-calendar__link" aria-label=label
                                                                    aria-current=chosen.then_some("date")>{number}</a>
                                                            </td>
                                                        }.into_any()
                                                    }
                                                    other => {
                                                        let why = match &other {
                                                            DayState::Holiday(Some(name)) => fill(m.book_day_holiday(), &[("name", &localized(name, locale))]),
                                                            DayState::Holiday(None) | DayState::Weekend => m.book_day_closed().to_owned(),
                                                            _ => m.book_day_full().to_owned(),
                                                        };
                                                        let class = if matches!(other, DayState::Full) { "rg-calendar__day rg-calendar__day--full" } else { "rg-calendar__day rg-calendar__day--closed" };
                                                        view! {
                                                            <td class=class>
                                                                <span aria-hidden="true">{number}</span>
                                                                <span class="rg-visually-hidden">{format!("{full_date}: {why}")}</span>
                                                            </td>
                                                        }.into_any()
                                                    }
                                                }
                                            }
                                        }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }).collect_view()}
                    <ul class="rg-calendar-key">
                        <li><span class="rg-calendar-key__swatch rg-calendar-key__swatch--free" aria-hidden="true"></span>{m.book_key_free()}</li>
                        <li><span class="rg-calendar-key__swatch rg-calendar-key__swatch--full" aria-hidden="true"></span>{m.book_day_full()}</li>
                        <li><span class="rg-calendar-key__swatch rg-calendar-key__swatch--closed" aria-hidden="true"></span>{m.book_day_closed()}</li>
                    </ul>
                    {holidays(&response.days, locale, m)}
                    <JoinWaitlistForm directorate=response.directorate.clone() service=response.service
                        days=response.days.iter().filter(|d| d.closed.is_none()).map(|d| d.date).collect()/>
                }.into_any()
            }
        }}
    }
}

/// The named holidays inside the window, listed under the calendar so nobody has to hover.
fn holidays(
    days: &[DayAvailability],
    locale: rega_api::Locale,
    m: &'static crate::i18n::Messages,
) -> impl IntoView {
    let named: Vec<(Date, String)> = days
        .iter()
        .filter_map(|d| d.holiday.as_ref().map(|h| (d.date, localized(h, locale))))
        .collect();
    (!named.is_empty()).then(|| {
        view! {
            <h2 class="rg-heading-s">{m.book_holidays()}</h2>
            <ul class="rg-list">
                {named.into_iter().map(|(date, name)| view! {
                    <li>{format!("{} — {name}", date_with_weekday(locale, date))}</li>
                }).collect_view()}
            </ul>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, places: u32, closed: Option<ClosedReason>) -> DayAvailability {
        DayAvailability {
            date: Date::parse(date).expect("a date"),
            places_left: places,
            closed,
            holiday: None,
        }
    }

    #[test]
    fn the_window_is_laid_out_in_saturday_first_weeks_split_by_month() {
        // Sunday 29 November 2026 to Thursday 3 December 2026.
        let days = vec![
            day("2026-11-29", 10, None),
            day("2026-11-30", 0, None),
            day("2026-12-01", 5, None),
            day("2026-12-04", 0, Some(ClosedReason::Weekend)),
            day("2026-12-05", 0, Some(ClosedReason::Weekend)),
            day("2026-12-06", 3, None),
        ];
        let laid = months(&days);
        assert_eq!(laid.len(), 2);
        assert_eq!((laid[0].year, laid[0].month), (2026, 11));
        assert_eq!(laid[0].weeks.len(), 1);
        let november = &laid[0].weeks[0];
        assert!(november[0].is_none()); // Saturday 28th: before the window
        assert_eq!(
            november[1].as_ref().map(|c| c.1.clone()),
            Some(DayState::Free(10))
        );
        assert_eq!(
            november[2].as_ref().map(|c| c.1.clone()),
            Some(DayState::Full)
        );
        let december = &laid[1].weeks;
        assert_eq!(december.len(), 2);
        assert_eq!(
            december[0][3].as_ref().map(|c| c.1.clone()),
            Some(DayState::Free(5))
        );
        assert_eq!(
            december[0][6].as_ref().map(|c| c.1.clone()),
            Some(DayState::Weekend)
        );
        // Saturday 5 December starts a new week.
        assert_eq!(
            december[1][0].as_ref().map(|c| c.1.clone()),
            Some(DayState::Weekend)
        );
        assert_eq!(
            december[1][1].as_ref().map(|c| c.1.clone()),
            Some(DayState::Free(3))
        );
    }
}
