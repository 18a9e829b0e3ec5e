//! The HTTP routes: one module per API area, assembled here.

pub mod appointments;
pub mod auth;
pub mod availability;
pub mod health;
pub mod licence;
pub mod reference;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;

use crate::AppState;
use crate::http::static_files::StaticFiles;
use crate::http::{metrics, security};

/// The largest request body any endpoint accepts.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// A known API path with a method it does not take.
async fn method_not_allowed() -> crate::http::problem::ApiError {
    crate::http::problem::ApiError::client(rega_api::ErrorCode::MethodNotAllowed)
}

/// Assembles the API, the operational endpoints and the static app.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(reference::router())
        .merge(availability::router())
        .merge(auth::router())
        .merge(appointments::router())
        .merge(licence::router())
        .method_not_allowed_fallback(method_not_allowed);
    let static_files = StaticFiles::new(&state.dist_dir);
    Router::new()
        .nest(rega_api::API_BASE, api)
        .merge(health::router())
        .fallback_service(tower::service_fn(move |request| {
            static_files.clone().serve(request)
        }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::check_origin,
        ))
        .layer(middleware::from_fn(security::security_headers))
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .with_state(state)
}
