//! Turning errors into RFC 9457 `application/problem+json` responses at the edge.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rega_api::problem::PROBLEM_CONTENT_TYPE;
use rega_api::{ErrorCode, Problem};

/// An error a handler returns: a 4xx with its stable code, or a 5xx whose detail is only logged.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A client error with a stable code, shown to the client.
    #[error("{code:?}")]
    Client {
        /// The stable machine code.
        code: ErrorCode,
        /// An optional explanation for the client.
        detail: Option<String>,
    },
    /// A server error: the client sees a generic message, the log the cause.
    #[error(transparent)]
    Server(#[from] anyhow::Error),
}

impl ApiError {
    /// A client error with its standard title.
    pub fn client(code: ErrorCode) -> ApiError {
        ApiError::Client { code, detail: None }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> ApiError {
        ApiError::Server(error.into())
    }
}

/// The response for a problem document.
pub fn problem_response(problem: Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Client { code, detail } => {
                let mut problem = Problem::new(code);
                problem.detail = detail;
                problem_response(problem)
            }
            ApiError::Server(error) => {
                // Logged with the request's method and route by `http::trace::log_failures`.
                let mut response = problem_response(Problem::new(ErrorCode::Internal));
                response
                    .extensions_mut()
                    .insert(crate::http::trace::Failure(format!("{error:#}")));
                response
            }
        }
    }
}

/// The response for a rate limit: 429 with `Retry-After`.
pub fn rate_limited(retry_after: i64) -> Response {
    too_many(ErrorCode::RateLimited, retry_after)
}

/// A 429 problem with `Retry-After` (seconds).
pub fn too_many(code: ErrorCode, retry_after: i64) -> Response {
    let mut response = ApiError::client(code).into_response();
    if let Ok(value) = HeaderValue::from_str(&retry_after.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
