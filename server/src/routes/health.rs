//! Operational endpoints: liveness, readiness (the database answers; the DL1 credentials'
//! state) and Prometheus metrics.

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

/// The DL1 credentials' part of `/readyz`: whether licence codes are signed, and why not or
/// what needs attention (the trust list expires within a week). Informational: an instance that
/// cannot sign licence codes still serves bookings, so it stays ready.
fn credentials(state: &AppState) -> serde_json::Value {
    match &state.credentials {
        None => {
            json!({ "status": "unavailable", "detail": "no signing key or trust anchor configured" })
        }
        Some(credentials) => {
            let status = credentials.status(state.clock.now());
            json!({
                "status": match (status.signing, &status.detail) {
                    (false, _) => "not_signing",
                    (true, Some(_)) => "attention",
                    (true, None) => "ok",
                },
                "signing_kid": status.kid,
                "trust_list_expires_at": status.list_expires_at,
                "detail": status.detail,
            })
        }
    }
}

/// The process can serve requests: the database answers a query. The body also says whether
/// licence codes are signed (`credentials`).
async fn readyz(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    match state.store.ping().await {
        Ok(()) => Ok(Json(json!({
            "status": "ready",
            "database": "ok",
            "credentials": credentials(&state),
        }))),
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
    let mut text = state.metrics.render();
    if let Some(credentials) = &state.credentials {
        let now = state.clock.now();
        let status = credentials.status(now);
        text.push_str("# HELP rega_licence_signing Whether this instance signs licence QR codes (1) or not (0).\n");
        text.push_str("# TYPE rega_licence_signing gauge\n");
        text.push_str(&format!(
            "rega_licence_signing {}\n",
            u8::from(status.signing)
        ));
        if let Some(expires) = status.list_expires_at {
            text.push_str("# HELP rega_trust_list_expires_in_seconds Seconds until the trust list in force expires (alert under 604800).\n");
            text.push_str("# TYPE rega_trust_list_expires_in_seconds gauge\n");
            text.push_str(&format!(
                "rega_trust_list_expires_in_seconds {}\n",
                expires - now
            ));
        }
    }
    text.push_str("# HELP rega_event_streams Boards and desks listening to this instance's change events now.\n");
    text.push_str("# TYPE rega_event_streams gauge\n");
    text.push_str(&format!(
        "rega_event_streams {}\n",
        state.changes.open_streams()
    ));
    match crate::routes::staff::network_metrics(&state).await {
        Ok(queue) => text.push_str(&queue),
        Err(error) => tracing::warn!(%error, "the queue figures are left out of /metrics"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
}
