//! Reference data: services, directorates (with address, phone and opening hours), closures.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use rega_api::ErrorCode;
use rega_api::reference::{Closure, DirectorateInfo, LocalizedText, OpeningHours, ServiceInfo};
use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use crate::AppState;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::problem::ApiError;
use crate::store::Localized;

/// `/services`, `/directorates`, `/closures`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services", get(services))
        .route("/directorates", get(directorates))
        .route("/closures", get(closures))
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
        .store
        .directorates()
        .await?
        .into_iter()
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

async fn directorates(
    State(state): State<AppState>,
) -> Result<ApiJson<Vec<DirectorateInfo>>, ApiError> {
    Ok(ApiJson(directorate_infos(&state).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosuresQuery {
    from: Option<String>,
    to: Option<String>,
}

fn date_param(text: Option<&str>, default: Date) -> Result<Date, ApiError> {
    match text {
        None => Ok(default),
        Some(t) => Date::parse(t).map_err(|_| ApiError::client(ErrorCode::InvalidDate)),
    }
}

/// Public holidays between `from` and `to` (default: today to the end of the booking window).
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
