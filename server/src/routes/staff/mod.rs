//! The staff area (SPEC §3.7): the desk and the supervisor's screens, and the waiting hall's
//! board. Staff sign in with a name and password (`session`); every staff request is bound to the
//! account's one directorate, so a desk of one directorate can neither read nor change another's.
//! Rooms: `session` (sign-in, sign-out, who), `queue` (the day, call next, attendance), `board`
//! (public: ticket numbers and counters only), `kiosks`, `planning` (places, extra slots) and
//! `closures`. A desk account reaches the supervisors' rooms not at all: they take
//! [`Supervisor`](crate::auth::Supervisor).

mod board;
mod closures;
mod kiosks;
mod planning;
mod queue;
mod session;

use axum::http::StatusCode;
use rega_api::ErrorCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::staff_actor;
use crate::http::audit::audit;
use crate::http::problem::ApiError;
use crate::store::StaffRecord;

pub use session::MAX_FAILED_SIGN_INS;

/// The staff area's routes and the board.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session::sign_in))
        .routes(routes!(session::sign_out))
        .routes(routes!(session::me))
        .routes(routes!(queue::day))
        .routes(routes!(queue::call_next))
        .routes(routes!(queue::attended))
        .routes(routes!(queue::no_show))
        .routes(routes!(board::board))
        .routes(routes!(kiosks::kiosks, kiosks::enrol_kiosk))
        .routes(routes!(kiosks::revoke_kiosk))
        .routes(routes!(planning::set_capacity))
        .routes(routes!(planning::open_slot))
        .routes(routes!(closures::closures, closures::close_day))
        .routes(routes!(closures::preview_closure))
        .routes(routes!(closures::lift_closure))
}

/// The end of a supervisor's change of one thing by its number: audited, `204` if it was done,
/// else `404 not_found` (no such thing at this directorate, or already done).
async fn done_or_not_found(
    state: &AppState,
    staff: &StaffRecord,
    (action, object): (&str, &str),
    done: bool,
) -> Result<StatusCode, ApiError> {
    let result = if done { "ok" } else { "not_found" };
    audit(state, &staff_actor(staff), action, object, result).await;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::client(ErrorCode::NotFound))
    }
}

/// A JSON answer with its status, for a keyed write's stored response.
fn answer<T: serde::Serialize>(
    status: StatusCode,
    value: T,
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    serde_json::to_value(value)
        .map(|v| (status, v))
        .map_err(|e| ApiError::Server(e.into()))
}
