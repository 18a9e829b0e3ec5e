//! The desk's day: the directorate's appointments with their tickets, calling the next ticket of
//! a counter area, and recording that a citizen came or did not.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::ids::Reference;
use rega_api::staff::{
    CallNext, CallNextResult, CalledTicket, DayAppointment, DayList, DayWalkIn, TestOutcome,
    TicketStatus,
};
use rega_api::time::{ClockTime, Date, LocalDateTime};
use serde::Deserialize;

use super::{json_answer, problem, recorded_or_refused, staff_write};
use crate::AppState;
use crate::auth::Staff;
use crate::domain::check_in::ticket_label;
use crate::domain::planning::{counter_name, is_area};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::idempotency::Keyed;
use crate::http::problem::ApiError;
use crate::store::{StaffChange, StaffOutcome};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct DayQuery {
    /// The day, `YYYY-MM-DD` (default: today in Baghdad).
    date: Option<String>,
}

/// The directorate's appointments of a day, in time order, with status and ticket.
#[utoipa::path(get, path = "/staff/day", tag = "staff", params(DayQuery),
    responses((status = 200, body = DayList),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 422, description = "invalid_date", body = rega_api::Problem)))]
pub(super) async fn day(
    State(state): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(query): ApiQuery<DayQuery>,
) -> Result<ApiJson<DayList>, ApiError> {
    let date = match query.date {
        Some(text) => Date::parse(&text).map_err(|_| ApiError::client(ErrorCode::InvalidDate))?,
        None => LocalDateTime::from_unix(state.clock.now()).date,
    };
    let from = LocalDateTime::midnight(date);
    let entries = state
        .store
        .day_list(&staff.directorate_id, from, from + 86_400)
        .await?;
    let walk_ins = state
        .store
        .walk_ins(&staff.directorate_id, &date.to_string())
        .await?;
    Ok(ApiJson(DayList {
        date,
        appointments: entries
            .into_iter()
            .map(|e| {
                let ticket = e.ticket.as_ref();
                DayAppointment {
                    reference: e.reference.to_string(),
                    service: e.service,
                    time: ClockTime::of(LocalDateTime::from_unix(e.starts_at)),
                    status: e.status.into(),
                    ticket: ticket.map(|t| ticket_label(&t.area, t.number)),
                    ticket_status: ticket.and_then(|t| TicketStatus::from_code(&t.status)),
                    recalls: ticket.map_or(0, |t| u32::try_from(t.recalls).unwrap_or(0)),
                    counter: ticket.and_then(|t| t.counter.clone()),
                    queue_area: ticket.and_then(moved_to),
                    priority: ticket.and_then(|t| t.priority),
                    result: e.test_passed.map(|passed| {
                        if passed {
                            TestOutcome::Passed
                        } else {
                            TestOutcome::Failed
                        }
                    }),
                }
            })
            .collect(),
        walk_ins: walk_ins
            .into_iter()
            .map(|w| {
                let t = &w.ticket;
                let status = TicketStatus::from_code(&t.status).unwrap_or(TicketStatus::Done);
                DayWalkIn {
                    ticket: ticket_label(&t.area, t.number),
                    service: w.service,
                    time: ClockTime::of(LocalDateTime::from_unix(w.issued_at)),
                    ticket_status: status,
                    served: (status == TicketStatus::Done).then_some(w.done_at.is_some()),
                    counter: t.counter.clone(),
                    recalls: u32::try_from(t.recalls).unwrap_or(0),
                    queue_area: moved_to(t),
                    priority: t.priority,
                    national_id: w.national_id,
                }
            })
            .collect(),
    }))
}

/// The area a ticket waits in now, when a transfer moved it from its own.
fn moved_to(ticket: &crate::store::TicketState) -> Option<String> {
    (ticket.queue_area != ticket.area).then(|| ticket.queue_area.clone())
}

/// Calls the next waiting ticket of a counter area to this counter (today, this directorate).
#[utoipa::path(post, path = "/staff/call-next", tag = "staff", request_body = CallNext,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, body = CallNextResult),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_counter, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn call_next(State(state): State<AppState>, keyed: Keyed<Staff>) -> Response {
    let (state, Staff(staff)) = (&state, &keyed.who);
    let checked = || {
        let request: CallNext = keyed.json()?;
        let counter = counter_name(&request.counter)
            .filter(|_| is_area(&request.area))
            .ok_or(ApiError::client(ErrorCode::StaffInvalidCounter))?;
        Ok::<_, ApiError>((request.area, counter))
    };
    let (area, counter) = match checked() {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let now = state.clock.now();
    let day = LocalDateTime::from_unix(now).date.to_string();
    let change = StaffChange::CallNext {
        directorate_id: &staff.directorate_id,
        day: &day,
        area: &area,
        counter: &counter,
        now,
    };
    let respond = |outcome: &StaffOutcome| {
        let called = match outcome {
            StaffOutcome::Called(called) => called.as_ref(),
            _ => None,
        };
        let audited = match called {
            Some(c) => (ticket_object(c), "ok".to_owned()),
            None => (format!("area:{area}"), "none_waiting".to_owned()),
        };
        let answer = CallNextResult {
            called: called.as_ref().map(|c| called_view(c, true)),
        };
        json_answer(StatusCode::OK, &answer, audited)
    };
    staff_write(state, &keyed, (staff, "desk.call_next"), &change, respond).await
}

/// Records attended or no-show: `204`, or `404 not_found`, `409 not_changeable`.
async fn attendance(
    state: &AppState,
    keyed: &Keyed<Staff>,
    reference: &str,
    attended: bool,
) -> Response {
    let Staff(staff) = &keyed.who;
    let Ok(reference) = Reference::parse(reference) else {
        return ApiError::client(ErrorCode::InvalidReference).into_response();
    };
    let action = if attended {
        "desk.attended"
    } else {
        "desk.no_show"
    };
    let object = format!("appointment:{reference}");
    let change = StaffChange::Attendance {
        directorate_id: &staff.directorate_id,
        reference: &reference,
        attended,
        now: state.clock.now(),
    };
    let respond =
        |outcome: &StaffOutcome| recorded_or_refused(outcome, object, ErrorCode::NotFound);
    staff_write(state, keyed, (staff, action), &change, respond).await
}

/// Calls the appointment's called ticket again, to the counter that called it: the board shows
/// it as the latest call once more (and chimes). A checked-in citizen is recorded as absent only
/// after this (`domain::recall`).
#[utoipa::path(post, path = "/staff/appointments/{reference}/recall", tag = "staff",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, body = CallNextResult),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 409, description = "staff_ticket_not_called: no ticket of this directorate that was called and is not done; idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn recall(
    State(state): State<AppState>,
    ApiPath(reference): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    let Staff(staff) = &keyed.who;
    let Ok(reference) = Reference::parse(&reference) else {
        return ApiError::client(ErrorCode::InvalidReference).into_response();
    };
    let object = format!("appointment:{reference}");
    let change = StaffChange::Recall {
        directorate_id: &staff.directorate_id,
        reference: &reference,
        now: state.clock.now(),
    };
    let respond = |outcome: &StaffOutcome| match outcome {
        StaffOutcome::Called(Some(c)) => {
            let answer = CallNextResult {
                called: Some(called_view(c, true)),
            };
            json_answer(StatusCode::OK, &answer, (object, "ok".to_owned()))
        }
        _ => problem(ErrorCode::StaffTicketNotCalled, object),
    };
    staff_write(&state, &keyed, (staff, "desk.recalled"), &change, respond).await
}

/// The citizen came: the appointment is attended, its ticket done.
#[utoipa::path(post, path = "/staff/appointments/{reference}/attended", tag = "staff",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 404, description = "not_found: no such appointment at this directorate", body = rega_api::Problem),
        (status = 409, description = "not_changeable, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn attended(
    State(state): State<AppState>,
    ApiPath(reference): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    attendance(&state, &keyed, &reference, true).await
}

/// The citizen did not come: a no-show (three in 90 days block online booking).
#[utoipa::path(post, path = "/staff/appointments/{reference}/no-show", tag = "staff",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 404, description = "not_found: no such appointment at this directorate", body = rega_api::Problem),
        (status = 409, description = "not_changeable, staff_ticket_not_called (checked in, not called yet), staff_recall_first (called, not called again yet), idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn no_show(
    State(state): State<AppState>,
    ApiPath(reference): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    attendance(&state, &keyed, &reference, false).await
}

/// A called ticket as the desk (with its reference) or the board (without) shows it.
pub(super) fn called_view(called: &crate::store::CalledTicket, desk: bool) -> CalledTicket {
    CalledTicket {
        ticket: ticket_label(&called.area, called.number),
        counter: called.counter.clone(),
        reference: desk
            .then(|| called.reference.as_ref().map(ToString::to_string))
            .flatten(),
        called_at: called.called_at,
    }
}

/// A called ticket as the audit trail names it: its appointment, or a walk-in's ticket.
pub(super) fn ticket_object(called: &crate::store::CalledTicket) -> String {
    match &called.reference {
        Some(reference) => format!("appointment:{reference}"),
        None => format!("ticket:{}", ticket_label(&called.area, called.number)),
    }
}
