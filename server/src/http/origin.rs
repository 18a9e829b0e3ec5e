//! The Origin check on state-changing API requests.

use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use rega_api::ErrorCode;

use super::audit::audit;
use super::problem::problem_response;
use crate::AppState;

/// Whether a request with this method may change something (anything but GET, HEAD and
/// OPTIONS).
pub fn writes(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The refusal of a state-changing API request whose `Origin` is another site's, audited; `None`
/// for any other request. Browsers send `Origin` on every cross-site write; requests without one
/// (curl, servers) carry no ambient browser credentials and pass.
pub async fn refusal(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Option<Response> {
    if writes(method) && uri.path().starts_with("/api/") {
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        if let Some(origin) = origin {
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            if origin == "null" || authority.is_none() || authority != host {
                audit(
                    state,
                    "anonymous",
                    "access.denied",
                    uri.path(),
                    "forbidden_origin",
                )
                .await;
                return Some(problem_response(rega_api::Problem::new(
                    ErrorCode::ForbiddenOrigin,
                )));
            }
        }
    }
    None
}
