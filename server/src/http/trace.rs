//! The log line of a failed request names its method, the route it matched (`static` for the
//! app's files) and its cause — for a store failure, the store operation (`database error in
//! change_once: …`). A handler's `ApiError::Server` leaves its cause on the response
//! ([`Failure`]); [`log_failure`], called by the edge middleware around every route
//! ([`super::edge`]), writes the line.
//!
//! Not a tracing span per request (`tower_http::trace::TraceLayer`): measured with
//! `cargo bench -p rega-server --bench api`, back to back on one machine, a span on every request
//! took the availability GET from 33,898 to 27,368 req/s (57 % → 44 % of a bare axum handler;
//! SPEC §8 asks for at least 50 %) and doubled its p99, because the log formats a span's fields
//! when the span is made; this costs a successful request one look in its response's extensions.

use axum::http::Method;
use axum::response::Response;

/// Why a request failed on the server, carried on its 500 response to be logged once.
#[derive(Debug, Clone)]
pub struct Failure(pub String);

/// Logs a failed request with its method, route and cause; nothing for any other.
pub fn log_failure(method: &Method, route: &str, response: &Response) {
    if let Some(Failure(cause)) = response.extensions().get::<Failure>() {
        tracing::error!(%method, route, error = %cause, "request failed");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use tower::ServiceExt;

    use crate::http::problem::ApiError;
    use crate::store::StoreError;

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("the lines").extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_failed_request_is_logged_with_its_method_route_and_store_operation() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        async fn fails() -> Result<(), ApiError> {
            Err(StoreError::database("change_once", sqlx::Error::PoolTimedOut).into())
        }
        async fn logged(
            request: axum::extract::Request,
            next: axum::middleware::Next,
        ) -> axum::response::Response {
            let route = crate::http::metrics::RouteLabel::of(&request);
            let method = request.method().clone();
            let response = next.run(request).await;
            super::log_failure(&method, route.as_str(), &response);
            response
        }
        let app = Router::new()
            .route("/things/{id}", post(fails))
            .layer(axum::middleware::from_fn(logged));
        let response = app
            .oneshot(
                Request::post("/things/42")
                    .body(Body::empty())
                    .expect("a request"),
            )
            .await
            .expect("an answer");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let logged = String::from_utf8(lines.0.lock().expect("the lines").clone()).expect("text");
        assert!(logged.contains("ERROR"), "{logged}");
        assert!(logged.contains("method=POST"), "{logged}");
        assert!(logged.contains("route=\"/things/{id}\""), "{logged}");
        assert!(logged.contains("database error in change_once"), "{logged}");
    }
}
