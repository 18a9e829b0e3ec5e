//! A citizen's appointments, and one of them.

use axum::extract::State;
use rega_api::appointments::{AppointmentList, AppointmentView};
use rega_api::ids::Reference;

use super::{find, view, views};
use crate::AppState;
use crate::auth::Citizen;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::problem::ApiError;
use crate::store::Appointment;

/// The signed-in citizen's appointments.
#[utoipa::path(get, path = "/appointments", tag = "appointments",
    responses((status = 200, body = AppointmentList), (status = 401, body = rega_api::Problem)))]
pub(super) async fn list(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<ApiJson<AppointmentList>, ApiError> {
    let now = state.clock.now();
    let all = state.store.appointments_of(citizen.id).await?;
    // Cancelled by a closure in the last 30 days, and no appointment of the service booked
    // since: ask to book again.
    let rebook: Vec<Reference> = all
        .iter()
        .filter(|a| {
            a.closed_at.is_some_and(|closed_at| {
                closed_at > now - 30 * 86_400
                    && !all.iter().any(|b| {
                        b.service == a.service
                            && b.reference != a.reference
                            && b.created_at >= closed_at
                    })
            })
        })
        .map(|a| a.reference.clone())
        .collect();
    let config = state.configuration().await?;
    let (mut upcoming, past): (Vec<Appointment>, Vec<Appointment>) =
        all.into_iter().partition(|a| {
            // Upcoming until its slot has ended; then it is past, whatever its status says.
            let ends_at = a.starts_at + i64::from(config.slot_minutes(a.service)) * 60;
            a.status.is_active() && ends_at > now
        });
    upcoming.sort_by_key(|a| a.starts_at);
    Ok(ApiJson(AppointmentList {
        upcoming: views(&state, &upcoming).await?,
        past: views(&state, &past)
            .await?
            .into_iter()
            .map(|mut v| {
                v.rebook = rebook.iter().any(|r| r.to_string() == v.reference);
                v
            })
            .collect(),
    }))
}

/// One of the signed-in citizen's appointments.
#[utoipa::path(get, path = "/appointments/{reference}", tag = "appointments",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX")),
    responses((status = 200, body = AppointmentView), (status = 401, body = rega_api::Problem),
        (status = 404, body = rega_api::Problem), (status = 422, description = "invalid_reference", body = rega_api::Problem)))]
pub(super) async fn one(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiPath(reference): ApiPath<String>,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let appointment = find(&state, citizen.id, &reference).await?;
    Ok(ApiJson(view(&state, &appointment).await?))
}
