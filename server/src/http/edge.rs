//! The one middleware around every route: what every request passes before its handler and
//! every response after it, in one place and one layer (each `from_fn` layer costs every
//! request a boxed future: measured, five layers took the availability GET from 41,789 to
//! 33,449 req/s). In order: an address holding a NUL is refused (`nul`), a write from another
//! site is refused (`origin`); a write runs to its end even if its client hangs up
//! ([`to_completion`]); after the handler, the security headers (`security`), the log line of a
//! failure (`trace`) and the request's metrics (`metrics`).

use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::metrics::{RouteLabel, method_label};
use super::problem::ApiError;
use super::{nul, origin, security, trace};
use crate::AppState;

/// Runs `request` through the checks, its handler and the bookkeeping.
pub async fn edge(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = RouteLabel::of(&request);
    let camera = security::may_use_camera(request.uri().path());
    let refused = match nul::refusal(request.uri()) {
        Some(refused) => Some(refused),
        None => origin::refusal(&state, &method, request.uri(), request.headers()).await,
    };
    let mut response = match refused {
        Some(refused) => refused,
        None if origin::writes(&method) => to_completion(next, request).await,
        None => next.run(request).await,
    };
    security::add_headers(response.headers_mut(), camera);
    trace::log_failure(&method, route.as_str(), &response);
    state.metrics.record(
        method_label(&method),
        route.as_str(),
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Runs a write's handler in a task of its own, so that a client hanging up (which drops the
/// request's future) cannot stop it half-way: a transaction cut off while it begins can leave a
/// pooled PostgreSQL connection inside it (sqlx 0.8, launchbadge/sqlx#3875 and #4393), and a
/// change that ran to its end stores its answer with its key for the retry. Reads are cut off
/// as usual.
async fn to_completion(next: Next, request: Request) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(failed) => {
            ApiError::Server(anyhow::anyhow!("the handler failed: {failed}")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use axum::Router;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::{get, post};
    use tower::ServiceExt;

    async fn finished_after_hang_up(method: &str) -> bool {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let slow = move || {
            let flag = flag.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                flag.store(true, Ordering::SeqCst);
            }
        };
        let app = Router::new()
            .route("/change", post(slow.clone()))
            .route("/read", get(slow))
            .layer(axum::middleware::from_fn(
                |request: axum::extract::Request, next: axum::middleware::Next| async move {
                    if super::origin::writes(request.method()) {
                        super::to_completion(next, request).await
                    } else {
                        next.run(request).await
                    }
                },
            ));
        let path = if method == "POST" { "/change" } else { "/read" };
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .expect("a request");
        // The client hangs up after 10 ms: the request's future is dropped.
        let _ = tokio::time::timeout(Duration::from_millis(10), app.oneshot(request)).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        done.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn a_write_runs_to_its_end_after_its_client_hangs_up_and_a_read_does_not() {
        assert!(
            finished_after_hang_up("POST").await,
            "the write ran to its end"
        );
        assert!(!finished_after_hang_up("GET").await, "the read was cut off");
    }
}
