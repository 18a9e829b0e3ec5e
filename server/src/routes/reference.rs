//! Reference data: services, directorates (with address, phone and opening hours), closures.

use axum::extract::State;
use rega_api::ErrorCode;
use rega_api::reference::{Closure, DirectorateInfo, LocalizedText, OpeningHours, ServiceInfo};
use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use crate::AppState;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::problem::ApiError;
use crate::store::Localized;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `/services`, `/directorates`, `/closures`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(services))
        .routes(routes!(directorates))
        .routes(routes!(closures))
}

fn text(l: &Localized) -> LocalizedText {
    LocalizedText {
        en: l.en.clone(),
        ckb: l.ckb.clone(),
        ar: l.ar.clone(),
    }
}

fn hh_mm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The services and the length of their appointments.
#[utoipa::path(get, path = "/services", tag = "reference", responses((status = 200, body = Vec<ServiceInfo>)))]
async fn services(State(state): State<AppState>) -> ApiJson<Vec<ServiceInfo>> {
    ApiJson(
        ServiceKind::ALL
            .iter()
            .map(|&service| ServiceInfo {
                service,
                slot_minutes: state.rules.slot_minutes(service),
            })
            .collect(),
    )
}

/// Every directorate with what it offers.
pub async fn directorate_infos(state: &AppState) -> Result<Vec<DirectorateInfo>, ApiError> {
    let opening_hours = OpeningHours {
        weekdays: state.rules.open_weekdays.clone(),
        opens: hh_mm(state.rules.opens_at_minute),
        closes: hh_mm(state.rules.closes_at_minute),
    };
    Ok(state
        .directorates()
        .await?
        .iter()
        .cloned()
        .map(|(d, counters)| DirectorateInfo {
            id: d.id.clone(),
            name: text(&d.name),
            address: text(&d.address),
            phone: d.phone.clone(),
            opening_hours: opening_hours.clone(),
            services: counters
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(s, _)| s)
                .collect(),
        })
        .collect())
}

/// The traffic directorates, with address, phone, opening hours and services.
#[utoipa::path(get, path = "/directorates", tag = "reference",
    responses((status = 200, body = Vec<DirectorateInfo>), (status = 500, body = rega_api::Problem)))]
async fn directorates(
    State(state): State<AppState>,
) -> Result<ApiJson<Vec<DirectorateInfo>>, ApiError> {
    Ok(ApiJson(directorate_infos(&state).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ClosuresQuery {
    /// First day, YYYY-MM-DD (default today).
    from: Option<String>,
    /// Last day, YYYY-MM-DD (default the end of the booking window).
    to: Option<String>,
}

fn date_param(text: Option<&str>, default: Date) -> Result<Date, ApiError> {
    match text {
        None => Ok(default),
        Some(t) => Date::parse(t).map_err(|_| ApiError::client(ErrorCode::InvalidDate)),
    }
}

/// Public holidays between `from` and `to` (default: today to the end of the booking window).
#[utoipa::path(get, path = "/closures", tag = "reference", params(ClosuresQuery),
    responses((status = 200, body = Vec<Closure>), (status = 400, body = rega_api::Problem),
        (status = 422, description = "invalid_date", body = rega_api::Problem)))]
async fn closures(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ClosuresQuery>,
) -> Result<ApiJson<Vec<Closure>>, ApiError> {
    let today = LocalDateTime::from_unix(state.clock.now()).date;
    let from = date_param(query.from.as_deref(), today)?;
    let to = date_param(query.to.as_deref(), today.add_days(state.rules.window_days))?;
    if to < from || to.days_since_epoch() - from.days_since_epoch() > 800 {
        return Err(ApiError::client(ErrorCode::InvalidDate));
    }
    Ok(ApiJson(
        state
            .holidays
            .between(from, to)
            .map(|h| Closure {
                date: h.date,
                name: LocalizedText {
                    en: h.en.clone(),
                    ckb: h.ckb.clone(),
                    ar: h.ar.clone(),
                },
                approximate: h.approximate,
            })
            .collect(),
    ))
}
