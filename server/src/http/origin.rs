//! The Origin check on state-changing API requests.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;
use rega_api::ErrorCode;

use super::audit::audit;
use super::problem::problem_response;
use crate::AppState;

/// Refuses state-changing API requests whose `Origin` is another site's. Browsers send
/// `Origin` on every cross-site write; requests without one (curl, servers) carry no ambient
/// browser credentials and pass.
pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes && request.uri().path().starts_with("/api/") {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        if let Some(origin) = origin {
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            if origin == "null" || authority.is_none() || authority != host {
                audit(
                    &state,
                    "anonymous",
                    "access.denied",
                    request.uri().path(),
                    "forbidden_origin",
                )
                .await;
                return problem_response(rega_api::Problem::new(ErrorCode::ForbiddenOrigin));
            }
        }
    }
    next.run(request).await
}
