//! Closing a day or part of one (supervisors): the closures in force (every desk sees them), a
//! preview of what a closure would cancel, the closure itself — its appointments cancelled and
//! each citizen told — and lifting one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::staff::{CloseDay, ClosureEntry, ClosurePreview};
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use super::planning::planned_day;
use super::{done_or_not_found, json_answer, problem, staff_write};
use crate::AppState;
use crate::auth::{Staff, Supervisor};
use crate::domain::closure::{self, ClosureError, clock};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::idempotency::Keyed;
use crate::http::problem::ApiError;
use crate::store::{ClosureRecord, NewClosure, StaffChange, StaffOutcome};

/// The problem a closure refusal is answered with.
fn refused(error: ClosureError) -> ApiError {
    ApiError::client(match error {
        ClosureError::Period => ErrorCode::StaffInvalidPeriod,
        ClosureError::Note => ErrorCode::BadRequest,
    })
}

/// A closure's period on one day.
struct Period {
    date: Date,
    /// Minutes since midnight, `[from, to)`.
    minutes: (i64, i64),
    /// Unix seconds, `[starts_at, ends_at)`.
    unix: (i64, i64),
}

/// The period of a closure request on a plannable day (see [`planned_day`]), not over yet.
fn requested_period(
    state: &AppState,
    date: Date,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Period, ApiError> {
    let minutes = closure::period(from, to).map_err(refused)?;
    let unix = closure::on_day(LocalDateTime::midnight(date), minutes, state.clock.now())
        .map_err(refused)?;
    Ok(Period {
        date,
        minutes,
        unix,
    })
}

fn closure_entry(record: ClosureRecord) -> Result<ClosureEntry, ApiError> {
    let date = Date::parse(&record.day)
        .map_err(|_| ApiError::Server(anyhow::anyhow!("corrupt closure day {}", record.day)))?;
    let day_start = LocalDateTime::midnight(date);
    let minutes = (
        (record.starts_at - day_start) / 60,
        (record.ends_at - day_start) / 60,
    );
    Ok(ClosureEntry {
        id: record.id,
        date,
        from: clock(minutes.0),
        to: clock(minutes.1),
        whole_day: closure::whole_day(minutes),
        note: record.note,
        staff: record.staff,
        cancelled: record.cancelled,
    })
}

/// The directorate's closures from today to 60 days ahead, in time order (desk and supervisor).
#[utoipa::path(get, path = "/staff/closures", tag = "staff",
    responses((status = 200, body = Vec<ClosureEntry>),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem)))]
pub(super) async fn closures(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> Result<ApiJson<Vec<ClosureEntry>>, ApiError> {
    let from = LocalDateTime::midnight(LocalDateTime::from_unix(state.clock.now()).date);
    let list = state
        .store
        .closures_of(&staff.directorate_id, from, from + 61 * 86_400)
        .await?;
    Ok(ApiJson(
        list.into_iter()
            .map(closure_entry)
            .collect::<Result<_, _>>()?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct PreviewQuery {
    /// The day, `YYYY-MM-DD` (today up to 60 days ahead).
    date: String,
    /// Start of the closed part, `HH:MM` on a quarter hour; absent with `to`: the whole day.
    from: Option<String>,
    /// End of the closed part, `HH:MM` on a quarter hour (`24:00` is the day's end).
    to: Option<String>,
}

/// What closing that period would do now: how many appointments it would cancel, counted as the
/// closure itself selects them (supervisors only). Nothing is changed.
#[utoipa::path(get, path = "/staff/closures/preview", tag = "staff", params(PreviewQuery),
    responses((status = 200, body = ClosurePreview),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 422, description = "invalid_date, outside_booking_window, staff_invalid_period", body = rega_api::Problem)))]
pub(super) async fn preview_closure(
    State(state): State<AppState>,
    Supervisor(staff): Supervisor,
    ApiQuery(query): ApiQuery<PreviewQuery>,
) -> Result<ApiJson<ClosurePreview>, ApiError> {
    let Period {
        unix: (starts_at, ends_at),
        ..
    } = requested_period(
        &state,
        planned_day(&state, &query.date)?,
        query.from.as_deref(),
        query.to.as_deref(),
    )?;
    let cancels = state
        .store
        .closure_preview(&staff.directorate_id, starts_at, ends_at)
        .await?;
    Ok(ApiJson(ClosurePreview { cancels }))
}

/// Closes a day or part of one at the supervisor's directorate: its slots take no bookings,
/// every booked or checked-in appointment in it is cancelled, and each citizen is sent an SMS
/// and asked to book again in My appointments (supervisors only).
#[utoipa::path(post, path = "/staff/closures", tag = "staff", request_body = CloseDay,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 201, body = ClosureEntry),
        (status = 400, description = "bad_request (a note of 1 to 200 characters), idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_date, outside_booking_window, staff_invalid_period, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn close_day(State(state): State<AppState>, keyed: Keyed<Supervisor>) -> Response {
    let (state, Supervisor(staff)) = (&state, &keyed.who);
    let checked = || {
        let request: CloseDay = keyed.json()?;
        let planned = planned_day(state, &request.date)?;
        let note = closure::note(&request.note).map_err(refused)?.to_owned();
        let period = requested_period(
            state,
            planned,
            request.from.as_deref(),
            request.to.as_deref(),
        )?;
        Ok::<_, ApiError>((note, period))
    };
    let (
        note,
        Period {
            date,
            minutes: (from, to),
            unix: (starts_at, ends_at),
        },
    ) = match checked() {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let day = date.to_string();
    let change = StaffChange::Close(NewClosure {
        directorate_id: &staff.directorate_id,
        day: &day,
        starts_at,
        ends_at,
        note: &note,
        staff_id: staff.id,
        now: state.clock.now(),
    });
    let respond = |outcome: &StaffOutcome| {
        let StaffOutcome::Closed { id, cancelled } = *outcome else {
            return problem(ErrorCode::Internal, String::new());
        };
        let object = format!(
            "closure:{id}:{}:{day}T{}-{}",
            staff.directorate_id,
            clock(from),
            clock(to)
        );
        match closure_entry(ClosureRecord {
            id,
            day: day.clone(),
            starts_at,
            ends_at,
            note: note.clone(),
            staff: staff.username.clone(),
            cancelled: i64::try_from(cancelled).unwrap_or(i64::MAX),
        }) {
            Ok(entry) => json_answer(
                StatusCode::CREATED,
                &entry,
                (object, format!("ok:{cancelled}")),
            ),
            Err(_) => problem(ErrorCode::Internal, object),
        }
    };
    let response = staff_write(state, &keyed, (staff, "desk.closed"), &change, respond).await;
    if response.status() == StatusCode::CREATED {
        // The citizens' messages are in the outbox with the closure: the sender takes them now.
        state.messages_written.notify_one();
    }
    response
}

/// Lifts a closure of the supervisor's directorate: its slots take bookings again (with the
/// places of the directorate's counters); the appointments it cancelled stay cancelled, as their
/// citizens were told (supervisors only).
#[utoipa::path(post, path = "/staff/closures/{id}/lift", tag = "staff",
    params(("id" = i64, Path, description = "the closure's number")),
    responses((status = 204),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 404, description = "not_found: no such closure in force at this directorate", body = rega_api::Problem)))]
pub(super) async fn lift_closure(
    State(state): State<AppState>,
    Supervisor(staff): Supervisor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let lifted = state
        .store
        .lift_closure(&staff.directorate_id, id, staff.id, state.clock.now())
        .await?;
    if lifted {
        state.caches.availability.clear();
    }
    done_or_not_found(
        &state,
        &staff,
        ("desk.closure_lifted", &format!("closure:{id}")),
        lifted,
    )
    .await
}
