//! `Idempotency-Key` on requests that create or change a booking (SPEC §6): a retry with the
//! same key and body gets the first response again; the same key with another body is 422;
//! while the first is still running, 409. Keys are scoped to whoever sends them: a citizen or
//! a staff account ([`KeyOwner`]). A handler takes [`Keyed`], the one extractor of such writes.
//!
//! The kiosk's check-in takes no key: it is idempotent by itself (checking in an appointment
//! again answers the same ticket, marked `again`).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::problem::PROBLEM_CONTENT_TYPE;
use sha2::{Digest, Sha256};

use super::extract::{parse_json, read_body};
use super::problem::ApiError;
use crate::AppState;
use crate::auth::{Citizen, Staff, Supervisor};
use crate::store::IdempotencyOwner;

/// Keys are kept this long (at least the 24 hours the SPEC asks).
pub const KEEP_SECONDS: i64 = 48 * 3600;

/// The header's value, checked: 8 to 64 visible ASCII characters (a UUID fits).
fn key(headers: &HeaderMap) -> Result<String, ApiError> {
    let value = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::client(ErrorCode::IdempotencyKeyInvalid))?;
    if !(8..=64).contains(&value.len()) || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::client(ErrorCode::IdempotencyKeyInvalid));
    }
    Ok(value.to_owned())
}

/// The key of a request and the hash of the request it names (method, path and body).
fn key_and_hash(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, String), ApiError> {
    let key = key(headers)?;
    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    let request_hash = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((key, request_hash))
}

/// The answer for a key seen before: its stored response (marked replayed), 422 for another
/// request under the key, 409 while the first still runs.
pub fn seen_response(seen: crate::store::IdempotencyState) -> Response {
    match seen {
        crate::store::IdempotencyState::Mismatch => {
            ApiError::client(ErrorCode::IdempotencyKeyReused).into_response()
        }
        crate::store::IdempotencyState::InProgress => {
            ApiError::client(ErrorCode::IdempotencyInProgress).into_response()
        }
        crate::store::IdempotencyState::Done { status, body } => {
            let mut response = stored_response(status, body);
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
    }
}

/// A problem document as the status and body stored with a key.
pub fn problem_answer(code: ErrorCode, detail: Option<String>) -> (u16, String) {
    let mut problem = rega_api::Problem::new(code);
    problem.detail = detail;
    (
        code.status(),
        serde_json::to_string(&problem).unwrap_or_default(),
    )
}

/// A stored answer as a response.
pub fn stored_response(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::NO_CONTENT {
        return status.into_response();
    }
    let content_type = if status.is_success() {
        "application/json"
    } else {
        PROBLEM_CONTENT_TYPE
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Whoever signs a write, as the owner of its Idempotency-Key.
pub trait KeyOwner {
    /// The key's owner.
    fn key_owner(&self) -> IdempotencyOwner;
}

impl KeyOwner for Citizen {
    fn key_owner(&self) -> IdempotencyOwner {
        IdempotencyOwner::Citizen(self.id)
    }
}

impl KeyOwner for Staff {
    fn key_owner(&self) -> IdempotencyOwner {
        IdempotencyOwner::Staff(self.0.id)
    }
}

impl KeyOwner for Supervisor {
    fn key_owner(&self) -> IdempotencyOwner {
        IdempotencyOwner::Staff(self.0.id)
    }
}

/// A write under its Idempotency-Key, by `W` (a signed-in citizen, desk or supervisor): who sent
/// it, the key, the hash of the request it names (method, path, body) and the body, read within
/// the limit. Refused before the handler runs, and so changing nothing: no session
/// (`401`), no key or a malformed one (`400 idempotency_key_invalid`), too large a body (`413`).
pub struct Keyed<W> {
    /// Who sent it.
    pub who: W,
    key: String,
    request_hash: String,
    headers: HeaderMap,
    body: Bytes,
}

impl<W> FromRequest<AppState> for Keyed<W>
where
    W: FromRequestParts<AppState, Rejection = ApiError> + KeyOwner + Send,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Keyed<W>, ApiError> {
        let (mut parts, body) = request.into_parts();
        let who = W::from_request_parts(&mut parts, state).await?;
        let body = read_body(body).await?;
        let (key, request_hash) =
            key_and_hash(&parts.method, parts.uri.path(), &parts.headers, &body)?;
        Ok(Keyed {
            who,
            key,
            request_hash,
            headers: parts.headers,
            body,
        })
    }
}

impl<W: KeyOwner> Keyed<W> {
    /// The key's owner.
    pub fn owner(&self) -> IdempotencyOwner {
        self.who.key_owner()
    }

    /// The Idempotency-Key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The hash of the request the key names.
    pub fn request_hash(&self) -> &str {
        &self.request_hash
    }

    /// The body as JSON of type `T` (`415`, `400 invalid_json`).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.headers, &self.body)
    }
}
