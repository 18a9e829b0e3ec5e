//! The `.ics` of an appointment, for the citizen's calendar.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rega_api::reference::LocalizedText;
use rega_api::time::Date;
use serde::Deserialize;

use super::{DAY, find, views};
use crate::AppState;
use crate::auth::Citizen;
use crate::domain::messages;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::problem::ApiError;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct CalendarQuery {
    /// `ckb`, `ar` or `en` (default) for the event's title and place.
    lang: Option<String>,
}

/// Escapes text for an iCalendar value (RFC 5545 §3.3.11).
pub(super) fn ics_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

pub(super) fn utc_stamp(unix: i64) -> String {
    let days = unix.div_euclid(DAY);
    let seconds = unix.rem_euclid(DAY);
    let date = Date::from_days_since_epoch(days);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        date.year(),
        date.month(),
        date.day(),
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// The appointment as an iCalendar file, times in UTC so every calendar shows them right.
#[utoipa::path(get, path = "/appointments/{reference}/calendar.ics", tag = "appointments",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"), CalendarQuery),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 401, body = rega_api::Problem),
        (status = 404, body = rega_api::Problem),
        (status = 422, description = "invalid_reference", body = rega_api::Problem)))]
pub(super) async fn calendar(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiPath(reference): ApiPath<String>,
    ApiQuery(query): ApiQuery<CalendarQuery>,
) -> Result<Response, ApiError> {
    let appointment = find(&state, citizen.id, &reference).await?;
    let lang = query.lang.as_deref().unwrap_or("en");
    let locale = rega_api::Locale::from_tag(lang).unwrap_or(rega_api::Locale::En);
    let view = views(&state, std::slice::from_ref(&appointment))
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no view"))?;
    let pick = |t: &LocalizedText| match lang {
        "ckb" => t.ckb.clone(),
        "ar" => t.ar.clone(),
        _ => t.en.clone(),
    };
    let end = appointment.starts_at + i64::from(view.minutes) * 60;
    let summary = format!(
        "{} – {}",
        messages::service_name(locale, appointment.service),
        pick(&view.place.name)
    );
    let description = messages::calendar_description(
        locale,
        &appointment.reference.to_string(),
        &view.place.phone,
    );
    let body = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//KRG General Directorate of Traffic//Rega//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@rega", appointment.reference.code()),
        format!("DTSTAMP:{}", utc_stamp(state.clock.now())),
        format!("DTSTART:{}", utc_stamp(appointment.starts_at)),
        format!("DTEND:{}", utc_stamp(end)),
        format!("SUMMARY:{}", ics_text(&summary)),
        format!("LOCATION:{}", ics_text(&pick(&view.place.address))),
        format!("DESCRIPTION:{}", ics_text(&description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ]
    .join("\r\n")
        + "\r\n";
    let mut response = (StatusCode::OK, Body::from(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.ics\"",
        appointment.reference
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
