//! Moving and cancelling an appointment, until the cut-off.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rega_api::ErrorCode;
use rega_api::appointments::{AppointmentView, RescheduleAppointment};

use super::book::{book_request, bookable_slot, keyed_change};
use super::{find, limit, problem};
use crate::AppState;
use crate::auth::Citizen;
use crate::domain::limits;
use crate::http::extract::ApiPath;
use crate::http::idempotency::Keyed;
use crate::http::problem::ApiError;
use crate::store::{Appointment, AppointmentStatus};
use crate::store::{BookingChange, OfferTerms};

/// The citizen's appointment, if it may still be changed online: booked, and before the cut-off.
pub(super) async fn changeable(
    state: &AppState,
    citizen_id: i64,
    reference: &str,
) -> Result<Appointment, ApiError> {
    let current = find(state, citizen_id, reference).await?;
    if current.status != AppointmentStatus::Booked {
        return Err(problem(ErrorCode::NotChangeable));
    }
    let rules = &state.configuration().await?.rules;
    limits::before_cutoff(rules, current.starts_at, state.clock.now()).map_err(limit)?;
    Ok(current)
}

/// Moves a booked appointment to another slot of the same service, until the cut-off.
#[utoipa::path(post, path = "/appointments/{reference}/reschedule", tag = "appointments", request_body = RescheduleAppointment,
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters")),
    responses((status = 200, body = AppointmentView), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem), (status = 404, body = rega_api::Problem),
        (status = 409, description = "slot_full, past_cutoff, not_changeable, too_many_changes", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, outside_booking_window", body = rega_api::Problem)))]
pub(super) async fn reschedule(
    State(state): State<AppState>,
    ApiPath(reference): ApiPath<String>,
    keyed: Keyed<Citizen>,
) -> Response {
    let (state, citizen, reference) = (&state, &keyed.who, &reference);
    let checked = async {
        let input: RescheduleAppointment = keyed.json()?;
        let current = changeable(state, citizen.id, reference).await?;
        bookable_slot(state, input.slot_id, current.service).await?;
        Ok(BookingChange::Reschedule {
            request: book_request(state, citizen.id, input.slot_id, current.service).await?,
            reference: current.reference,
        })
    };
    let action = ("booking.rescheduled", format!("appointment:{reference}"));
    keyed_change(state, &keyed, action, StatusCode::OK, checked).await
}

/// Cancels a booked appointment until the cut-off, releasing its place.
#[utoipa::path(post, path = "/appointments/{reference}/cancel", tag = "appointments",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters")),
    responses((status = 200, body = AppointmentView), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem), (status = 404, body = rega_api::Problem),
        (status = 409, description = "past_cutoff, not_changeable", body = rega_api::Problem),
        (status = 422, description = "invalid_reference", body = rega_api::Problem)))]
pub(super) async fn cancel(
    State(state): State<AppState>,
    ApiPath(reference): ApiPath<String>,
    keyed: Keyed<Citizen>,
) -> Response {
    let (state, citizen, reference) = (&state, &keyed.who, &reference);
    let checked = async {
        let current = changeable(state, citizen.id, reference).await?;
        Ok(BookingChange::Cancel {
            citizen_id: citizen.id,
            reference: current.reference,
            now: state.clock.now(),
            offers: OfferTerms::of(&state.configuration().await?.rules),
        })
    };
    let action = ("booking.cancelled", format!("appointment:{reference}"));
    keyed_change(state, &keyed, action, StatusCode::OK, checked).await
}
