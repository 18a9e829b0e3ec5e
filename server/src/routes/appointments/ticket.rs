//! `GET /appointments/{reference}/ticket`: the signed-in citizen's queue ticket of today for an
//! appointment of theirs, as `GET /tickets/{code}` shows it (`routes::tickets`).

use axum::extract::State;
use axum::response::Response;
use rega_api::ErrorCode;
use rega_api::ids::Reference;

use crate::AppState;
use crate::auth::Citizen;
use crate::http::extract::ApiPath;
use crate::http::problem::ApiError;
use crate::store::TicketKey;

/// The citizen's ticket of today for this appointment, once checked in.
#[utoipa::path(get, path = "/appointments/{reference}/ticket", tag = "appointments",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX")),
    responses((status = 200, body = rega_api::tickets::HeldTicket),
        (status = 401, body = rega_api::Problem),
        (status = 404, description = "ticket_not_found: not theirs, not checked in, or not today", body = rega_api::Problem),
        (status = 422, description = "invalid_reference", body = rega_api::Problem)))]
pub(super) async fn ticket(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiPath(reference): ApiPath<String>,
) -> Result<Response, ApiError> {
    let reference =
        Reference::parse(&reference).map_err(|_| ApiError::client(ErrorCode::InvalidReference))?;
    crate::routes::tickets::held(&state, TicketKey::Citizen(citizen.id, &reference)).await
}
