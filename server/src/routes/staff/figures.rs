//! The directorate's day at a glance for its supervisor (`GET /staff/figures`), and the same
//! figures for the whole network as Prometheus gauges (`/metrics`), both counted by
//! `domain::queue_figures` from the day's appointments and tickets.

use std::fmt::Write as _;

use axum::extract::State;
use rega_api::staff::DayFigures;
use rega_api::time::{Date, LocalDateTime};

use crate::AppState;
use crate::auth::Supervisor;
use crate::domain::queue_figures::{figures, figures_of};
use crate::http::extract::ApiJson;
use crate::http::problem::ApiError;
use crate::store::StoreError;

/// Today in Baghdad and its bounds, Unix seconds.
fn today(now: i64) -> (Date, i64, i64) {
    let date = LocalDateTime::from_unix(now).date;
    let from = LocalDateTime::midnight(date);
    (date, from, from + 86_400)
}

/// The supervisor's directorate today, per counter area: waiting now, the longest wait, served,
/// missed, and the average time from the call to "served".
#[utoipa::path(get, path = "/staff/figures", tag = "staff",
    responses((status = 200, body = DayFigures),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem)))]
pub(super) async fn day_figures(
    State(state): State<AppState>,
    Supervisor(supervisor): Supervisor,
) -> Result<ApiJson<DayFigures>, ApiError> {
    let now = state.clock.now();
    let (date, from, to) = today(now);
    let entries = state
        .store
        .queue_entries(Some(&supervisor.directorate_id), from, to)
        .await?;
    let areas = figures_of(&entries, &supervisor.directorate_id, now);
    Ok(ApiJson(DayFigures { date, areas }))
}

/// How a gauge reads an area's figures.
type Gauge = fn(&rega_api::staff::AreaFigures) -> Option<i64>;

/// Today's figures of every directorate as Prometheus gauges, labelled by directorate and area.
pub(crate) async fn network_metrics(state: &AppState) -> Result<String, StoreError> {
    let now = state.clock.now();
    let (_, from, to) = today(now);
    let entries = state.store.queue_entries(None, from, to).await?;
    let all = figures(&entries, now);
    let mut out = String::new();
    let gauges: [(&str, &str, Gauge); 5] = [
        ("rega_queue_waiting", "Tickets waiting now", |f| {
            Some(f.waiting.into())
        }),
        (
            "rega_queue_longest_wait_seconds",
            "How long the longest-waiting ticket has waited",
            |f| Some(f.longest_wait_seconds),
        ),
        ("rega_queue_served_today", "Citizens served today", |f| {
            Some(f.served.into())
        }),
        (
            "rega_queue_no_shows_today",
            "Appointments missed today",
            |f| Some(f.no_shows.into()),
        ),
        (
            "rega_queue_service_seconds_average",
            "Average time from the call to served today",
            |f| f.average_service_seconds,
        ),
    ];
    for (name, help, value) in gauges {
        let _ = writeln!(
            out,
            "# HELP {name} {help}, by directorate and counter area."
        );
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (directorate, areas) in &all {
            for area in areas {
                if let Some(v) = value(area) {
                    let _ = writeln!(
                        out,
                        "{name}{{directorate=\"{directorate}\",area=\"{}\"}} {v}",
                        area.area
                    );
                }
            }
        }
    }
    Ok(out)
}
