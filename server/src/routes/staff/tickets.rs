//! The desk's tickets beyond the appointments (issue 18 item 5): a ticket for a walk-in (a
//! citizen without an appointment, by the service they came for, with a priority and a national
//! ID if given), and what a desk does with any of today's tickets by its label: call it again,
//! transfer it to another area's queue keeping its place by arrival, give or take away its
//! priority (`domain::queue_order`), and record it served or not come. Each is audited and runs
//! under an Idempotency-Key like every desk write.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::ids::NationalId;
use rega_api::staff::{CallNextResult, SetPriority, TransferTicket, WalkIn, WalkInTicket};
use rega_api::time::LocalDateTime;

use super::queue::{called_view, ticket_object};
use super::{json_answer, problem, recorded_or_refused, staff_write};
use crate::AppState;
use crate::auth::Staff;
use crate::domain::check_in::{parse_ticket_label, ticket_label};
use crate::domain::planning::is_area;
use crate::domain::ticket_link;
use crate::http::extract::ApiPath;
use crate::http::idempotency::Keyed;
use crate::http::problem::ApiError;
use crate::store::{StaffChange, StaffOutcome, TicketAction};

/// Issues a ticket to a citizen who came without an appointment, in the queue of the service's
/// area (today, this directorate). The answer's code opens it on the citizen's phone.
#[utoipa::path(post, path = "/staff/walk-ins", tag = "staff", request_body = WalkIn,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 201, body = WalkInTicket),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_national_id, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn walk_in(State(state): State<AppState>, keyed: Keyed<Staff>) -> Response {
    let (state, Staff(staff)) = (&state, &keyed.who);
    let checked = || {
        let request: WalkIn = keyed.json()?;
        let national_id = request
            .national_id
            .as_deref()
            .filter(|typed| !typed.trim().is_empty())
            .map(NationalId::parse)
            .transpose()
            .map_err(|_| ApiError::client(ErrorCode::InvalidNationalId))?;
        Ok::<_, ApiError>((request, national_id))
    };
    let (request, national_id) = match checked() {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let (link, link_hash) = match crate::auth::sessions::random_bytes::<10>() {
        Ok(random) => ticket_link::new_link(random),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let now = state.clock.now();
    let day = LocalDateTime::from_unix(now).date.to_string();
    let change = StaffChange::WalkIn {
        directorate_id: &staff.directorate_id,
        day: &day,
        service: request.service,
        priority: request.priority,
        national_id: national_id.as_ref().map(NationalId::as_str),
        link_hash: &link_hash,
        now,
    };
    let respond = |outcome: &StaffOutcome| match outcome {
        StaffOutcome::WalkIn {
            area,
            number,
            ahead,
        } => {
            let ticket = ticket_label(area, *number);
            let answer = WalkInTicket {
                ticket: ticket.clone(),
                ahead: u32::try_from(*ahead).unwrap_or(u32::MAX),
                code: link.clone(),
            };
            let result = request.priority.map_or("ok", |p| p.word()).to_owned();
            json_answer(
                StatusCode::CREATED,
                &answer,
                (format!("ticket:{ticket}"), result),
            )
        }
        _ => problem(ErrorCode::Internal, "ticket:-".to_owned()),
    };
    staff_write(state, &keyed, (staff, "desk.walk_in"), &change, respond).await
}

/// Runs `action` on today's ticket named by `label` at the desk's directorate, audited as
/// `audit_action`.
async fn on_ticket(
    state: &AppState,
    keyed: &Keyed<Staff>,
    (label, audit_action): (&str, &str),
    action: TicketAction<'_>,
) -> Response {
    let Staff(staff) = &keyed.who;
    let Some((area, number)) = parse_ticket_label(label) else {
        return ApiError::client(ErrorCode::StaffInvalidTicket).into_response();
    };
    let now = state.clock.now();
    let day = LocalDateTime::from_unix(now).date.to_string();
    let object = format!("ticket:{}", ticket_label(area, number));
    let change = StaffChange::Ticket {
        directorate_id: &staff.directorate_id,
        day: &day,
        area,
        number,
        action,
        now,
    };
    let respond = |outcome: &StaffOutcome| match outcome {
        StaffOutcome::Called(Some(called)) => {
            let answer = CallNextResult {
                called: Some(called_view(called, true)),
            };
            json_answer(
                StatusCode::OK,
                &answer,
                (ticket_object(called), "ok".to_owned()),
            )
        }
        other => recorded_or_refused(other, object, ErrorCode::StaffTicketNotFound),
    };
    staff_write(state, keyed, (staff, audit_action), &change, respond).await
}

/// Calls a called ticket (a walk-in's or an appointment's) again, to the counter that called it.
#[utoipa::path(post, path = "/staff/tickets/{ticket}/recall", tag = "staff",
    params(("ticket" = String, Path, description = "Today's ticket, e.g. A-015"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, body = CallNextResult),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 404, description = "staff_ticket_not_found", body = rega_api::Problem),
        (status = 409, description = "staff_ticket_not_called, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_ticket, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn recall(
    State(state): State<AppState>,
    ApiPath(ticket): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    on_ticket(
        &state,
        &keyed,
        (&ticket, "desk.recalled"),
        TicketAction::Recall,
    )
    .await
}

/// Moves a waiting or called ticket to an area's queue (another, or back into its own), where it
/// keeps its place by its time of arrival; its number stays as printed.
#[utoipa::path(post, path = "/staff/tickets/{ticket}/transfer", tag = "staff",
    request_body = TransferTicket,
    params(("ticket" = String, Path, description = "Today's ticket, e.g. M-003"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 404, description = "staff_ticket_not_found", body = rega_api::Problem),
        (status = 409, description = "staff_ticket_done, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_ticket, staff_invalid_counter (not an area), idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn transfer(
    State(state): State<AppState>,
    ApiPath(ticket): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    let area = match keyed.json::<TransferTicket>() {
        Ok(request) if is_area(&request.area) => request.area,
        Ok(_) => return ApiError::client(ErrorCode::StaffInvalidCounter).into_response(),
        Err(refused) => return refused.into_response(),
    };
    on_ticket(
        &state,
        &keyed,
        (&ticket, "desk.transferred"),
        TicketAction::Transfer(&area),
    )
    .await
}

/// Gives a ticket that is not done a priority (elderly, disabled, pregnant), or takes it away.
#[utoipa::path(post, path = "/staff/tickets/{ticket}/priority", tag = "staff",
    request_body = SetPriority,
    params(("ticket" = String, Path, description = "Today's ticket, e.g. A-015"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 404, description = "staff_ticket_not_found", body = rega_api::Problem),
        (status = 409, description = "staff_ticket_done, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_ticket, invalid_body, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn priority(
    State(state): State<AppState>,
    ApiPath(ticket): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    let priority = match keyed.json::<SetPriority>() {
        Ok(request) => request.priority,
        Err(refused) => return refused.into_response(),
    };
    let action = if priority.is_some() {
        "desk.priority"
    } else {
        "desk.priority_removed"
    };
    on_ticket(
        &state,
        &keyed,
        (&ticket, action),
        TicketAction::Priority(priority),
    )
    .await
}

/// The ticket's citizen was served; for an appointment's ticket, the appointment is attended.
#[utoipa::path(post, path = "/staff/tickets/{ticket}/served", tag = "staff",
    params(("ticket" = String, Path, description = "Today's ticket, e.g. A-015"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 404, description = "staff_ticket_not_found", body = rega_api::Problem),
        (status = 409, description = "staff_ticket_done, not_changeable, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_ticket, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn served(
    State(state): State<AppState>,
    ApiPath(ticket): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    on_ticket(
        &state,
        &keyed,
        (&ticket, "desk.attended"),
        TicketAction::Finish(true),
    )
    .await
}

/// The ticket's citizen did not come: only after a call and a call again
/// (`domain::recall`); for an appointment's ticket, the appointment is a no-show.
#[utoipa::path(post, path = "/staff/tickets/{ticket}/no-show", tag = "staff",
    params(("ticket" = String, Path, description = "Today's ticket, e.g. A-015"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 404, description = "staff_ticket_not_found", body = rega_api::Problem),
        (status = 409, description = "staff_ticket_done, staff_ticket_not_called, staff_recall_first, not_changeable, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_ticket, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn no_show(
    State(state): State<AppState>,
    ApiPath(ticket): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    on_ticket(
        &state,
        &keyed,
        (&ticket, "desk.no_show"),
        TicketAction::Finish(false),
    )
    .await
}
