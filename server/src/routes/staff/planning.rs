//! A supervisor's planning: the places of a service's slots on a day, and extra slots. No
//! booking is ever lost: a slot with more places already booked keeps its places.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::service::ServiceKind;
use rega_api::staff::{CapacityResult, OpenSlot, SetCapacity};
use rega_api::time::{Date, LocalDateTime};

use super::{json_answer, problem, staff_write};
use crate::AppState;
use crate::auth::Supervisor;
use crate::domain::planning::{self, PlanningError};
use crate::http::idempotency::Keyed;
use crate::http::problem::ApiError;
use crate::store::{StaffAnswer, StaffChange, StaffOutcome};

/// A day a supervisor may plan (`YYYY-MM-DD`, today up to 60 days ahead).
pub(super) fn planned_day(state: &AppState, text: &str) -> Result<Date, ApiError> {
    let day = Date::parse(text).map_err(|_| ApiError::client(ErrorCode::InvalidDate))?;
    let today = LocalDateTime::from_unix(state.clock.now()).date;
    planning::plannable(today, day).map_err(refused)?;
    Ok(day)
}

/// The problem a planning refusal is answered with.
fn refused(error: PlanningError) -> ApiError {
    ApiError::client(match error {
        PlanningError::OutsideWindow => ErrorCode::OutsideBookingWindow,
        PlanningError::Places | PlanningError::Start => ErrorCode::BadRequest,
    })
}

fn service_of(code: &str) -> Result<ServiceKind, ApiError> {
    ServiceKind::from_code(code).ok_or_else(|| ApiError::client(ErrorCode::UnknownService))
}

/// The answer to both planning requests: what changed, audited as `object`, `outcome`; an extra
/// slot inside a closure is `422 day_closed`.
fn planned(outcome: &StaffOutcome, (object, result): (String, String)) -> StaffAnswer {
    match outcome {
        StaffOutcome::Planned { changed, kept } => {
            let (changed, kept) = (*changed, *kept);
            json_answer(
                StatusCode::OK,
                &CapacityResult { changed, kept },
                (object, result),
            )
        }
        _ => problem(ErrorCode::DayClosed, object),
    }
}

/// Sets the places of every slot of a service on a day at the supervisor's directorate; slots
/// with more places already booked keep theirs (supervisors only).
#[utoipa::path(post, path = "/staff/capacity", tag = "staff", request_body = SetCapacity,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, body = CapacityResult),
        (status = 400, description = "bad_request (capacity over 50), idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_date, outside_booking_window, unknown_service, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn set_capacity(
    State(state): State<AppState>,
    keyed: Keyed<Supervisor>,
) -> Response {
    let (state, Supervisor(staff)) = (&state, &keyed.who);
    let checked = || {
        let request: SetCapacity = keyed.json()?;
        let date = planned_day(state, &request.date)?;
        let service = service_of(&request.service)?;
        let places = planning::day_places(request.capacity).map_err(refused)?;
        Ok::<_, ApiError>((date, service, places))
    };
    let (date, service, places) = match checked() {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let from = LocalDateTime::midnight(date);
    let change = StaffChange::Capacity {
        directorate_id: &staff.directorate_id,
        service,
        from,
        to: from + 86_400,
        places: i64::from(places),
    };
    let object = format!(
        "capacity:{}:{}:{}",
        staff.directorate_id,
        service.code(),
        date
    );
    let respond = |outcome: &StaffOutcome| planned(outcome, (object, format!("ok:{places}")));
    staff_write(state, &keyed, (staff, "desk.capacity"), &change, respond).await
}

/// Opens an extra slot for a service at the supervisor's directorate (supervisors only).
#[utoipa::path(post, path = "/staff/slots", tag = "staff", request_body = OpenSlot,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, body = CapacityResult),
        (status = 400, description = "bad_request (time, capacity), idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_date, outside_booking_window, unknown_service, day_closed (a closure of the directorate), idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn open_slot(State(state): State<AppState>, keyed: Keyed<Supervisor>) -> Response {
    let (state, Supervisor(staff)) = (&state, &keyed.who);
    let checked = || {
        let request: OpenSlot = keyed.json()?;
        let date = planned_day(state, &request.date)?;
        let service = service_of(&request.service)?;
        let (hour, minute) = planning::extra_slot_start(&request.time).map_err(refused)?;
        let places = planning::extra_slot_places(request.capacity).map_err(refused)?;
        Ok::<_, ApiError>((date, service, (hour, minute), places))
    };
    let (date, service, (hour, minute), places) = match checked() {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let change = StaffChange::OpenSlot {
        directorate_id: &staff.directorate_id,
        service,
        starts_at: LocalDateTime { date, hour, minute }.to_unix(),
        places: i64::from(places),
    };
    let object = format!(
        "slot:{}:{}:{}T{:02}:{:02}",
        staff.directorate_id,
        service.code(),
        date,
        hour,
        minute
    );
    let respond = |outcome: &StaffOutcome| planned(outcome, (object, "ok".to_owned()));
    staff_write(state, &keyed, (staff, "desk.slot_opened"), &change, respond).await
}
