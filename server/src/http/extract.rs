//! Request extractors whose every rejection is a problem document with a stable code, so
//! malformed input never reaches a handler and never gets a bare-text error.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// A JSON body (`application/json`), or a problem: 415 without the content type, 413 when too
/// large, 400 `invalid_json` for bad syntax, wrong types, unknown or missing fields.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<ApiJson<T>, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::client(ErrorCode::UnsupportedMediaType))
            }
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::client(ErrorCode::PayloadTooLarge))
            }
            Err(e) => Err(ApiError::Client {
                code: ErrorCode::InvalidJson,
                detail: Some(e.body_text()),
            }),
        }
    }
}

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
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
