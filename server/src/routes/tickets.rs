//! `GET /tickets/{code}`: a queue ticket of today opened by the code the kiosk showed at check-in
//! (`domain::ticket_link`), on the citizen's phone without signing in: its number, its service,
//! how many wait before it, and the counter once called; nothing of the citizen or the
//! appointment. The signed-in citizen's own is `GET /appointments/{reference}/ticket`.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::staff::TicketStatus;
use rega_api::time::LocalDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::domain::ticket_link;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::problem::ApiError;
use crate::store::{HeldTicket, TicketKey};

/// The ticket routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ticket))
}

/// A ticket of today by the code the kiosk showed (case, spaces and dashes are forgiven).
#[utoipa::path(get, path = "/tickets/{code}", tag = "kiosk",
    params(("code" = String, Path, description = "XXXX-XXXX-XXXX-XXXX, as the kiosk showed it")),
    responses((status = 200, body = rega_api::tickets::HeldTicket),
        (status = 404, description = "ticket_not_found", body = rega_api::Problem)))]
async fn ticket(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, ApiError> {
    let digest =
        ticket_link::digest_of(&code).ok_or_else(|| ApiError::client(ErrorCode::TicketNotFound))?;
    held(&state, TicketKey::Link(&digest)).await
}

/// Today's ticket with this key as its holder sees it, never stored by a cache.
pub(crate) async fn held(state: &AppState, key: TicketKey<'_>) -> Result<Response, ApiError> {
    let today = LocalDateTime::from_unix(state.clock.now()).date.to_string();
    let ticket = state
        .store
        .held_ticket(key, &today)
        .await?
        .ok_or_else(|| ApiError::client(ErrorCode::TicketNotFound))?;
    let mut response = ApiJson(view(ticket)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn view(ticket: HeldTicket) -> rega_api::tickets::HeldTicket {
    let status = TicketStatus::from_code(&ticket.status).unwrap_or(TicketStatus::Done);
    rega_api::tickets::HeldTicket {
        ticket: crate::domain::check_in::ticket_label(&ticket.area, ticket.number),
        directorate: ticket.directorate_id,
        service: ticket.service,
        status,
        ahead: if status == TicketStatus::Waiting {
            u32::try_from(ticket.ahead).unwrap_or(u32::MAX)
        } else {
            0
        },
        counter: ticket.counter.filter(|_| status != TicketStatus::Waiting),
    }
}
