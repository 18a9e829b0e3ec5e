//! The waiting hall's board: public, today's called tickets with their counters, nothing else.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::staff::Board;
use rega_api::time::LocalDateTime;
use serde::Deserialize;

use crate::AppState;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::problem::ApiError;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct BoardQuery {
    /// The directorate, e.g. `erbil`.
    directorate: String,
}

/// The waiting hall's board: today's called tickets, the latest first (ticket and counter only).
#[utoipa::path(get, path = "/board", tag = "staff", params(BoardQuery),
    responses((status = 200, body = Board),
        (status = 404, description = "unknown_directorate", body = rega_api::Problem)))]
pub(super) async fn board(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<BoardQuery>,
) -> Result<Response, ApiError> {
    let known = state.store.directorates().await?;
    if !known.iter().any(|(d, _)| d.id == query.directorate) {
        return Err(ApiError::client(ErrorCode::UnknownDirectorate));
    }
    let day = LocalDateTime::from_unix(state.clock.now()).date.to_string();
    let called = state
        .store
        .called_tickets(&query.directorate, &day, 10)
        .await?;
    let mut response = ApiJson(Board {
        directorate: query.directorate,
        called: called
            .into_iter()
            .map(|c| super::queue::called_view(&c, false))
            .collect(),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
