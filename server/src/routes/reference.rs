//! Reference data: services, directorates (with address, phone and opening hours), closures.

use axum::extract::State;
use rega_api::ErrorCode;
use rega_api::reference::{
    Closure, DirectorateInfo, LocalizedText, OpeningHours, OpeningPeriod, ServiceInfo,
};
use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use crate::AppState;
use crate::domain::configuration::{DirectorateSettings, Period, hh_mm, weekday_at};
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

/// The services offered and the length of their appointments.
#[utoipa::path(get, path = "/services", tag = "reference", responses((status = 200, body = Vec<ServiceInfo>)))]
async fn services(State(state): State<AppState>) -> Result<ApiJson<Vec<ServiceInfo>>, ApiError> {
    let config = state.configuration().await?;
    Ok(ApiJson(
        ServiceKind::ALL
            .iter()
            .filter(|s| config.services.get(s).is_some_and(|s| s.offered))
            .map(|&service| ServiceInfo {
                service,
                slot_minutes: config.slot_minutes(service),
            })
            .collect(),
    ))
}

/// A directorate's week as runs of consecutive weekdays with the same opening periods.
fn opening_hours(d: &DirectorateSettings) -> Vec<OpeningHours> {
    let mut runs: Vec<OpeningHours> = Vec::new();
    let mut previous: Option<&Vec<Period>> = None;
    for (index, periods) in d.hours.iter().enumerate() {
        if periods.is_empty() {
            previous = None;
            continue;
        }
        let day = weekday_at(index);
        match runs.last_mut() {
            Some(run) if previous == Some(periods) => run.weekdays.push(day),
            _ => runs.push(OpeningHours {
                weekdays: vec![day],
                periods: periods
                    .iter()
                    .map(|p| OpeningPeriod {
                        opens: hh_mm(p.opens),
                        closes: hh_mm(p.closes),
                    })
                    .collect(),
            }),
        }
        previous = Some(periods);
    }
    runs
}

/// Every active directorate with what it offers.
pub async fn directorate_infos(state: &AppState) -> Result<Vec<DirectorateInfo>, ApiError> {
    let config = state.configuration().await?;
    Ok(config
        .directorates
        .iter()
        .filter(|d| d.active)
        .map(|d| DirectorateInfo {
            id: d.directorate.id.clone(),
            name: text(&d.directorate.name),
            address: text(&d.directorate.address),
            phone: d.directorate.phone.clone(),
            opening_hours: opening_hours(d),
            services: ServiceKind::ALL
                .into_iter()
                .filter(|&s| config.places(d, s) > 0)
                .collect(),
        })
        .collect())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DirectoratesQuery {
    /// `ckb`, `ar` or `en`: the list in that language's alphabetical order of the names
    /// (default: as configured).
    lang: Option<String>,
}

/// The traffic directorates, with address, phone, opening hours and services.
#[utoipa::path(get, path = "/directorates", tag = "reference", params(DirectoratesQuery),
    responses((status = 200, body = Vec<DirectorateInfo>), (status = 400, body = rega_api::Problem),
        (status = 500, body = rega_api::Problem)))]
async fn directorates(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<DirectoratesQuery>,
) -> Result<ApiJson<Vec<DirectorateInfo>>, ApiError> {
    let mut list = directorate_infos(&state).await?;
    if let Some(lang) = query.lang.as_deref() {
        let locale = rega_api::Locale::from_tag(lang)
            .ok_or_else(|| ApiError::client(ErrorCode::BadRequest))?;
        list.sort_by_cached_key(|d| {
            let name = match locale {
                rega_api::Locale::Ckb => &d.name.ckb,
                rega_api::Locale::Ar => &d.name.ar,
                rega_api::Locale::En => &d.name.en,
            };
            crate::domain::collation::sort_key(locale, name)
        });
    }
    Ok(ApiJson(list))
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
    let config = state.configuration().await?;
    let to = date_param(
        query.to.as_deref(),
        today.add_days(config.rules.window_days),
    )?;
    if to < from || to.days_since_epoch() - from.days_since_epoch() > 800 {
        return Err(ApiError::client(ErrorCode::InvalidDate));
    }
    Ok(ApiJson(
        config
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
