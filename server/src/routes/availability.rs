//! Availability: which days of the booking window have free places, and the slots of a day.

use std::collections::BTreeMap;

use axum::extract::State;
use rega_api::ErrorCode;
use rega_api::availability::{
    ClosedReason, DayAvailability, DaysResponse, SlotAvailability, SlotsResponse,
};
use rega_api::reference::LocalizedText;
use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use crate::AppState;
use std::sync::Arc;

use crate::domain::calendar::{Closed, booking_window, closed_reason};
use crate::domain::configuration::{Configuration, DirectorateSettings};
use crate::http::extract::ApiQuery;
use crate::http::problem::ApiError;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `/availability/days`, `/availability/slots`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(days))
        .routes(routes!(slots))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DaysQuery {
    /// Directorate id, e.g. `erbil`.
    directorate: String,
    /// Service, e.g. `theory_test`.
    service: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SlotsQuery {
    /// Directorate id, e.g. `erbil`.
    directorate: String,
    /// Service, e.g. `theory_test`.
    service: String,
    /// The day, YYYY-MM-DD.
    date: String,
}

/// The service, checked to exist and to be offered by the directorate.
pub async fn offered(
    state: &AppState,
    directorate: &str,
    service: &str,
) -> Result<(ServiceKind, Arc<Configuration>), ApiError> {
    let service = ServiceKind::from_code(service)
        .ok_or_else(|| ApiError::client(ErrorCode::UnknownService))?;
    let config = state.configuration().await?;
    let d = config
        .directorate(directorate)
        .filter(|d| d.active)
        .ok_or_else(|| ApiError::client(ErrorCode::UnknownDirectorate))?;
    if config.places(d, service) == 0 {
        return Err(ApiError::client(ErrorCode::UnknownService));
    }
    Ok((service, config))
}

/// The directorate [`offered`] found.
fn settings<'a>(config: &'a Configuration, id: &str) -> Result<&'a DirectorateSettings, ApiError> {
    config
        .directorate(id)
        .ok_or_else(|| ApiError::client(ErrorCode::UnknownDirectorate))
}

fn places_left(capacity: i64, booked: i64) -> u32 {
    u32::try_from((capacity - booked).max(0)).unwrap_or(0)
}

/// The days of the booking window with their free places, weekends and holidays.
#[utoipa::path(get, path = "/availability/days", tag = "availability", params(DaysQuery),
    responses((status = 200, body = DaysResponse), (status = 400, body = rega_api::Problem),
        (status = 404, description = "unknown_directorate", body = rega_api::Problem),
        (status = 422, description = "unknown_service", body = rega_api::Problem)))]
async fn days(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DaysQuery>,
) -> Result<Response, ApiError> {
    let key = format!(
        "days|{}|{}|{}",
        q.directorate,
        q.service,
        state.clock.now() / 60
    );
    cached(&state, key, compute_days(&state, q)).await
}

/// Serves a serialized answer from the availability cache, or computes and caches it.
async fn cached<T: serde::Serialize>(
    state: &AppState,
    key: String,
    compute: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<Response, ApiError> {
    let body = match state.caches.availability.get(&key) {
        Some(body) => body,
        None => {
            // One request computes it; those arriving meanwhile wait and take its answer.
            let _filling = state.caches.availability_fill.for_key(&key).lock().await;
            match state.caches.availability.get(&key) {
                Some(body) => body,
                None => {
                    let value = compute.await?;
                    let body =
                        Bytes::from(serde_json::to_vec(&value).map_err(anyhow::Error::from)?);
                    state.caches.availability.put(key, body.clone());
                    body
                }
            }
        }
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// The days in `[first, last]` a closure of the directorate covers whole.
async fn whole_days_closed(
    state: &AppState,
    directorate: &str,
    first: Date,
    last: Date,
) -> Result<std::collections::BTreeSet<Date>, ApiError> {
    let closures = state
        .store
        .closures_of(
            directorate,
            LocalDateTime::midnight(first),
            LocalDateTime::midnight(last.add_days(1)),
        )
        .await?;
    let mut days = std::collections::BTreeSet::new();
    for closure in closures {
        let mut day = LocalDateTime::from_unix(closure.starts_at).date;
        while LocalDateTime::midnight(day.add_days(1)) <= closure.ends_at {
            if LocalDateTime::midnight(day) >= closure.starts_at {
                days.insert(day);
            }
            day = day.add_days(1);
        }
    }
    Ok(days)
}

async fn compute_days(state: &AppState, q: DaysQuery) -> Result<DaysResponse, ApiError> {
    let (service, config) = offered(state, &q.directorate, &q.service).await?;
    let directorate = settings(&config, &q.directorate)?;
    let now = state.clock.now();
    let today = LocalDateTime::from_unix(now).date;
    let (first, last) = booking_window(&config, directorate, today);
    let slots = state
        .store
        .slots_between(
            &q.directorate,
            service,
            LocalDateTime::midnight(first),
            LocalDateTime::midnight(last.add_days(1)),
        )
        .await?;
    let mut free: BTreeMap<Date, u32> = BTreeMap::new();
    for slot in slots.iter().filter(|s| s.starts_at > now) {
        *free
            .entry(LocalDateTime::from_unix(slot.starts_at).date)
            .or_default() += places_left(slot.capacity, slot.booked);
    }
    let closed_by_directorate = whole_days_closed(state, &q.directorate, first, last).await?;
    let mut days = Vec::new();
    let mut day = first;
    while day <= last {
        let (closed, holiday) = match closed_reason(&config, directorate, day) {
            None if closed_by_directorate.contains(&day) => (Some(ClosedReason::Closure), None),
            None => (None, None),
            Some(Closed::Weekend) => (Some(ClosedReason::Weekend), None),
            Some(Closed::Holiday(h)) => (
                Some(ClosedReason::Holiday),
                Some(LocalizedText {
                    en: h.en,
                    ckb: h.ckb,
                    ar: h.ar,
                }),
            ),
        };
        let places = if closed.is_some() {
            0
        } else {
            free.get(&day).copied().unwrap_or(0)
        };
        days.push(DayAvailability {
            date: day,
            places_left: places,
            closed,
            holiday,
        });
        day = day.add_days(1);
    }
    Ok(DaysResponse {
        directorate: q.directorate,
        service,
        first,
        last,
        days,
    })
}

/// The slots of one open day of the window, with places left.
#[utoipa::path(get, path = "/availability/slots", tag = "availability", params(SlotsQuery),
    responses((status = 200, body = SlotsResponse), (status = 400, body = rega_api::Problem),
        (status = 404, description = "unknown_directorate", body = rega_api::Problem),
        (status = 422, description = "invalid_date, outside_booking_window, day_closed, unknown_service", body = rega_api::Problem)))]
async fn slots(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SlotsQuery>,
) -> Result<Response, ApiError> {
    let key = format!(
        "slots|{}|{}|{}|{}",
        q.directorate,
        q.service,
        q.date,
        state.clock.now() / 60
    );
    cached(&state, key, compute_slots(&state, q)).await
}

async fn compute_slots(state: &AppState, q: SlotsQuery) -> Result<SlotsResponse, ApiError> {
    let (service, config) = offered(state, &q.directorate, &q.service).await?;
    let directorate = settings(&config, &q.directorate)?;
    let date = Date::parse(&q.date).map_err(|_| ApiError::client(ErrorCode::InvalidDate))?;
    let now = state.clock.now();
    let (first, last) = booking_window(&config, directorate, LocalDateTime::from_unix(now).date);
    if date < first || date > last {
        return Err(ApiError::client(ErrorCode::OutsideBookingWindow));
    }
    if closed_reason(&config, directorate, date).is_some()
        || !whole_days_closed(state, &q.directorate, date, date)
            .await?
            .is_empty()
    {
        return Err(ApiError::client(ErrorCode::DayClosed));
    }
    let rows = state
        .store
        .slots_between(
            &q.directorate,
            service,
            LocalDateTime::midnight(date),
            LocalDateTime::midnight(date.add_days(1)),
        )
        .await?;
    let slots = rows
        .iter()
        .filter(|s| s.starts_at > now)
        .map(|s| {
            let local = LocalDateTime::from_unix(s.starts_at);
            SlotAvailability {
                slot_id: s.id,
                starts_at: local.to_rfc3339(),
                time: local.hh_mm(),
                places_left: places_left(s.capacity, s.booked),
            }
        })
        .collect();
    Ok(SlotsResponse {
        directorate: q.directorate,
        service,
        date,
        slots,
    })
}
