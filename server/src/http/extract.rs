//! Request extractors whose every rejection is a problem document with a stable code, so
//! malformed input never reaches a handler and never gets a bare-text error.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// A JSON body (`application/json`), or a problem: 415 without the content type, 413 when too
/// large, 400 `invalid_json` for bad syntax, wrong types, unknown or missing fields, and for a
/// NUL character in a string (no Rega text may hold one, and PostgreSQL cannot store it).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<ApiJson<T>, ApiError> {
        let (parts, body) = request.into_parts();
        if !is_json(&parts.headers) {
            return Err(ApiError::client(ErrorCode::UnsupportedMediaType));
        }
        let _ = state;
        json_of(&read_body(body).await?).map(ApiJson)
    }
}

/// Reads a whole request body: within the size limit (`413`) and within
/// [`BODY_TIMEOUT`](super::serve::BODY_TIMEOUT) (`400 bad_request`: a client that sends a byte a
/// second is not waited for).
pub async fn read_body(body: axum::body::Body) -> Result<Bytes, ApiError> {
    let read = axum::body::to_bytes(body, crate::routes::BODY_LIMIT_BYTES);
    match tokio::time::timeout(super::serve::BODY_TIMEOUT, read).await {
        Ok(Ok(bytes)) => Ok(bytes),
        // Over the limit (a body cut off by its client gets no answer to read).
        Ok(Err(_)) => Err(ApiError::client(ErrorCode::PayloadTooLarge)),
        Err(_) => Err(ApiError::Client {
            code: ErrorCode::BadRequest,
            detail: Some("the request body did not arrive in time".to_owned()),
        }),
    }
}

/// A JSON body read as `T`: the content type, then the shape, each failure with its own code.
pub fn parse_json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    if !is_json(headers) {
        return Err(ApiError::client(ErrorCode::UnsupportedMediaType));
    }
    json_of(body)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        })
}

fn json_of<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Every Rega request body is one JSON object; serde would read an array into a struct.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::Client {
            code: ErrorCode::InvalidJson,
            detail: Some("the body must be one JSON object".to_owned()),
        });
    }
    if has_nul_escape(body) {
        return Err(ApiError::Client {
            code: ErrorCode::InvalidJson,
            detail: Some("a string holds a NUL character (\\u0000)".to_owned()),
        });
    }
    serde_json::from_slice(body).map_err(|e| ApiError::Client {
        code: ErrorCode::InvalidJson,
        detail: Some(e.to_string()),
    })
}

/// Whether JSON text holds the escape `\u0000` (a backslash-escaped backslash followed by
/// `u0000` is text, not a NUL). A raw NUL byte is not valid JSON and serde refuses it.
fn has_nul_escape(body: &[u8]) -> bool {
    body.windows(6).enumerate().any(|(at, w)| {
        w[0] == b'\\'
            && w[1..].eq_ignore_ascii_case(b"u0000")
            && body[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
    })
}

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl<T: serde::Serialize> ApiJson<T> {
    /// The answer with `status` and `Cache-Control: no-store`: no cache may keep it (it carries
    /// a password, a secret or recovery codes).
    pub fn uncached(self, status: axum::http::StatusCode) -> Response {
        let mut response = self.into_response();
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        response
    }
}

/// Path parameters (a reference, a number), or a 400 `bad_request` problem naming what is
/// wrong, instead of axum's plain-text rejection.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiPath<T>, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|e| ApiError::Client {
                code: ErrorCode::BadRequest,
                detail: Some(e.body_text()),
            })
    }
}

/// Query parameters, or a 400 `bad_request` problem naming what is wrong.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiQuery<T>, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => Err(ApiError::Client {
                code: ErrorCode::BadRequest,
                detail: Some(e.body_text()),
            }),
            Err(e) => Err(ApiError::Client {
                code: ErrorCode::BadRequest,
                detail: Some(e.body_text()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_nul_escape;

    #[test]
    fn a_nul_escape_is_found_and_an_escaped_backslash_is_not_one() {
        assert!(has_nul_escape(br#"{"note":"a\u0000b"}"#));
        assert!(has_nul_escape(br#"{"note":"\U0000"}"#));
        assert!(has_nul_escape(br#"{"note":"\\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"note":"\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"note":"u0000"}"#));
    }
}
