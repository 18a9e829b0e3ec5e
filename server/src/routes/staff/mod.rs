//! The staff area (SPEC §3.7): the desk and the supervisor's screens, and the waiting hall's
//! board. Staff sign in with a name and password (`session`); every staff request is bound to the
//! account's one directorate, so a desk of one directorate can neither read nor change another's.
//! Rooms: `session` (sign-in, sign-out, who), `second_factor` (setting one up, the code at sign-in), `queue` (the day, call next, attendance), `tickets` (walk-ins; a ticket called again, transferred, given priority, finished), `board`
//! (public: ticket numbers and counters only), `kiosks`, `planning` (places, extra slots) and
//! `closures`, and `audit` (the trail, for supervisors and the administrator). A desk account reaches the supervisors' rooms not at all: they take
//! [`Supervisor`](crate::auth::Supervisor).

mod audit;
mod board;
mod closures;
mod events;
mod figures;
mod kiosks;
mod planning;
mod queue;
mod results;
mod second_factor;
mod session;
mod tickets;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::staff_actor;
use crate::http::audit::audit;
use crate::http::idempotency::{KeyOwner, Keyed, problem_answer, seen_response, stored_response};
use crate::http::problem::ApiError;
use crate::store::{
    AuditRecord, OnceOutcome, OnceWrite, StaffAnswer, StaffChange, StaffMember, StaffOutcome,
};

pub(crate) use figures::network_metrics;
pub use session::MAX_FAILED_SIGN_INS;

/// The staff area's routes and the board.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session::sign_in))
        .routes(routes!(session::sign_out))
        .routes(routes!(session::me))
        .routes(routes!(session::change_password))
        .routes(routes!(second_factor::begin))
        .routes(routes!(second_factor::confirm))
        .routes(routes!(audit::audit_trail))
        .routes(routes!(queue::day))
        .routes(routes!(events::events))
        .routes(routes!(figures::day_figures))
        .routes(routes!(queue::call_next))
        .routes(routes!(queue::attended))
        .routes(routes!(queue::no_show))
        .routes(routes!(queue::recall))
        .routes(routes!(tickets::walk_in))
        .routes(routes!(tickets::recall))
        .routes(routes!(tickets::transfer))
        .routes(routes!(tickets::priority))
        .routes(routes!(tickets::served))
        .routes(routes!(tickets::no_show))
        .routes(routes!(results::test_result))
        .routes(routes!(board::board))
        .routes(routes!(kiosks::kiosks, kiosks::enrol_kiosk))
        .routes(routes!(kiosks::revoke_kiosk))
        .routes(routes!(planning::set_capacity))
        .routes(routes!(planning::open_slot))
        .routes(routes!(closures::closures, closures::close_day))
        .routes(routes!(closures::preview_closure))
        .routes(routes!(closures::lift_closure))
}

/// A desk's or supervisor's write under its Idempotency-Key, after its checks (which are pure:
/// a refused request changes nothing and leaves its key unclaimed): the key, the change, the
/// answer `respond` gives its outcome and the audit record commit in one transaction
/// (`StaffWrites::staff_once`); a key seen before answers what it answered.
async fn staff_write<W: KeyOwner>(
    state: &AppState,
    keyed: &Keyed<W>,
    (staff, action): (&StaffMember, &str),
    change: &StaffChange<'_>,
    respond: impl FnOnce(&StaffOutcome) -> StaffAnswer + Send,
) -> Response {
    let actor = staff_actor(staff.id);
    let write = OnceWrite {
        owner: keyed.owner(),
        key: keyed.key(),
        request_hash: keyed.request_hash(),
        audit: AuditRecord {
            at: state.clock.now(),
            actor: actor.clone(),
            action: action.to_owned(),
            object: String::new(),
            result: String::new(),
        },
    };
    match state
        .store
        .staff_once(change, &write, Box::new(respond))
        .await
    {
        Err(e) => ApiError::from(e).into_response(),
        Ok(OnceOutcome::Seen(seen)) => seen_response(seen),
        Ok(OnceOutcome::Answered { status, body }) => {
            tracing::info!(target: "audit", actor, action, status, "audit");
            if (200..300).contains(&status) {
                if change.changes_places() {
                    // This instance's cached availability is out of date.
                    state.caches.availability.clear();
                }
                state.changed(&staff.directorate_id).await;
            }
            stored_response(status, body)
        }
    }
}

/// A success answer of `status` with `value` as its JSON body, audited as `object`, `result`.
fn json_answer<T: serde::Serialize>(
    status: StatusCode,
    value: &T,
    (object, result): (String, String),
) -> StaffAnswer {
    match serde_json::to_string(value) {
        Ok(body) => StaffAnswer {
            status: status.as_u16(),
            body,
            object,
            result,
        },
        Err(_) => problem(ErrorCode::Internal, object),
    }
}

/// The answer to a desk's change of a ticket or an appointment that answers nothing on success:
/// `204`, or its refusal (`not_found` names what was not found), audited as `object`.
fn recorded_or_refused(
    outcome: &StaffOutcome,
    object: String,
    not_found: ErrorCode,
) -> StaffAnswer {
    use crate::domain::recall::NoShowRefusal;
    match outcome {
        StaffOutcome::Recorded => StaffAnswer {
            status: StatusCode::NO_CONTENT.as_u16(),
            body: String::new(),
            object,
            result: "ok".to_owned(),
        },
        StaffOutcome::NotChangeable => problem(ErrorCode::NotChangeable, object),
        StaffOutcome::TicketDone => problem(ErrorCode::StaffTicketDone, object),
        StaffOutcome::NotCalled | StaffOutcome::NoShowTooSoon(NoShowRefusal::NotCalled) => {
            problem(ErrorCode::StaffTicketNotCalled, object)
        }
        StaffOutcome::NoShowTooSoon(NoShowRefusal::RecallFirst) => {
            problem(ErrorCode::StaffRecallFirst, object)
        }
        _ => problem(not_found, object),
    }
}

/// A refusal answer with `code`, audited as `object` and the code.
fn problem(code: ErrorCode, object: String) -> StaffAnswer {
    let (status, body) = problem_answer(code, None);
    StaffAnswer {
        status,
        body,
        object,
        result: code.as_str().to_owned(),
    }
}

/// The end of a supervisor's change of one thing by its number: audited, `204` if it was done,
/// else `404 not_found` (no such thing at this directorate, or already done).
async fn done_or_not_found(
    state: &AppState,
    staff: &StaffMember,
    (action, object): (&str, &str),
    done: bool,
) -> Result<StatusCode, ApiError> {
    let result = if done { "ok" } else { "not_found" };
    audit(state, &staff_actor(staff.id), action, object, result).await;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::client(ErrorCode::NotFound))
    }
}
