//! A supervisor's day at a glance: per counter area, who waits now and the longest wait, how
//! many were served and missed, and the average time from the call to "served"; read again every
//! 15 seconds, as the desk's list is.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rega_api::endpoints;
use rega_api::staff::DayFigures;

use super::form::failure;
use crate::api::{self, ApiError};
use crate::i18n::format::digits;
use crate::i18n::names::area_name;
use crate::i18n::{directorate, use_i18n};

/// Whole minutes of `seconds`, rounded to the nearest (the table's unit).
fn minutes(seconds: i64) -> u64 {
    u64::try_from((seconds + 30) / 60).unwrap_or(0)
}

/// The supervisor's table of today's figures.
#[component]
pub(super) fn Figures() -> impl IntoView {
    let i18n = use_i18n();
    let d = move || directorate(i18n.locale());
    let (figures, set_figures) = signal(None::<Result<DayFigures, ApiError>>);
    let (version, set_version) = signal(0_u32);
    Effect::new(move |_| {
        version.track();
        spawn_local(async move {
            let answer = api::get::<DayFigures>(endpoints::STAFF_FIGURES).await;
            let _ = set_figures.try_set(Some(answer));
        });
    });
    if let Ok(handle) = set_interval_with_handle(
        move || set_version.update(|v| *v += 1),
        std::time::Duration::from_secs(15),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <h2 class="rg-heading-m" id="desk-figures-title">{move || d().figures_title}</h2>
        {move || match figures.get() {
            None => crate::components::status::loading(i18n),
            Some(Err(e)) => view! { <p class="rg-error-message" role="alert">{failure(d(), i18n.t(), &e)}</p> }.into_any(),
            Some(Ok(day)) => {
                let (d, locale) = (d(), i18n.locale());
                let number = move |n: u64| digits(locale, n);
                view! {
                    <div class="rg-table-wrap" tabindex="0" role="region" aria-labelledby="desk-figures-title">
                    <table class="rg-table" id="desk-figures">
                        <thead><tr>
                            <th scope="col">{d.desk_area}</th>
                            <th scope="col">{d.figures_waiting}</th>
                            <th scope="col">{d.figures_longest_wait}</th>
                            <th scope="col">{d.figures_served}</th>
                            <th scope="col">{d.figures_no_shows}</th>
                            <th scope="col">{d.figures_average}</th>
                        </tr></thead>
                        <tbody>
                            {day.areas.into_iter().map(|a| view! {
                                <tr>
                                    <th scope="row">{area_name(d, &a.area)}</th>
                                    <td>{number(a.waiting.into())}</td>
                                    <td>{number(minutes(a.longest_wait_seconds))}</td>
                                    <td>{number(a.served.into())}</td>
                                    <td>{number(a.no_shows.into())}</td>
                                    <td>{a.average_service_seconds.map_or_else(|| "–".to_owned(), |s| number(minutes(s)))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::minutes;

    #[test]
    fn seconds_read_as_whole_minutes() {
        assert_eq!([0, 29, 30, 89, 90, 420].map(minutes), [0, 0, 1, 1, 2, 7]);
    }
}
