//! Operational endpoints: liveness, readiness (the database answers) and Prometheus metrics.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use rega_api::ErrorCode;
use serde_json::json;

use crate::AppState;
use crate::http::problem::ApiError;

/// `/healthz`, `/readyz` and `/metrics`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process is up and answering.
async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// The process can serve requests: the database answers a query.
async fn readyz(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    match state.store.ping().await {
        Ok(()) => Ok(Json(json!({ "status": "ready", "database": "ok" }))),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            Err(ApiError::Client {
                code: ErrorCode::NotReady,
                detail: Some("The database does not answer.".to_owned()),
            })
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
