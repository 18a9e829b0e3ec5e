//! `/auth/…`: request a sign-in code, verify it, the session, sign out; and the development
//! SMS outbox (demo mode only).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::auth::{
    CodeRequest, CodeSent, LocaleChoice, OutboxMessage, SessionInfo, VerifyRequest,
};
use rega_api::ids::{NationalId, OtpCode};
use serde::Deserialize;

use crate::AppState;
use crate::auth::codes::{
    CODE_LIFETIME, CodeRejected, RESEND_AFTER, masked, request_code, verify_code,
};
use crate::auth::cookies::{session_cookie, session_token};
use crate::auth::{Citizen, start_session, token_hash};
use crate::http::audit::audit;
use crate::http::client::ClientAddress;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::problem::ApiError;
use crate::http::problem::{rate_limited, too_many};
use crate::store::SessionKind;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The sign-in routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(code))
        .routes(routes!(verify))
        .routes(routes!(session))
        .routes(routes!(locale))
        .routes(routes!(sign_out))
        .routes(routes!(outbox))
}

/// Sends a sign-in code by SMS. The answer is the same whether or not the ID is registered.
#[utoipa::path(post, path = "/auth/code", tag = "auth", request_body = CodeRequest,
    responses((status = 202, body = CodeSent), (status = 400, body = rega_api::Problem),
        (status = 403, description = "forbidden_origin", body = rega_api::Problem),
        (status = 415, body = rega_api::Problem), (status = 422, description = "invalid_national_id", body = rega_api::Problem),
        (status = 429, description = "rate_limited (Retry-After)", body = rega_api::Problem)))]
async fn code(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(request): ApiJson<CodeRequest>,
) -> Result<Response, ApiError> {
    let national_id = parse_id(&request.national_id)?;
    let object = masked(&national_id);
    let locale = request.locale.unwrap_or_default();
    match request_code(&state, &national_id, locale, &address).await? {
        Ok(()) => {
            audit(&state, "anonymous", "auth.code_requested", &object, "ok").await;
            let body = CodeSent {
                expires_in_seconds: CODE_LIFETIME,
                resend_after_seconds: RESEND_AFTER,
            };
            Ok((StatusCode::ACCEPTED, ApiJson(body)).into_response())
        }
        Err(retry_after) => {
            audit(
                &state,
                "anonymous",
                "auth.code_requested",
                &object,
                "rate_limited",
            )
            .await;
            Ok(rate_limited(retry_after))
        }
    }
}

/// Checks a code and starts a session (sets the `__Host-rega_session` cookie).
#[utoipa::path(post, path = "/auth/verify", tag = "auth", request_body = VerifyRequest,
    responses((status = 200, body = SessionInfo), (status = 400, body = rega_api::Problem),
        (status = 422, description = "invalid_national_id, invalid_code, code_incorrect, code_expired", body = rega_api::Problem),
        (status = 429, description = "too_many_attempts, rate_limited (both with Retry-After)", body = rega_api::Problem)))]
async fn verify(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Response, ApiError> {
    let national_id = parse_id(&request.national_id)?;
    let code =
        OtpCode::parse(&request.code).map_err(|_| ApiError::client(ErrorCode::InvalidCode))?;
    let object = masked(&national_id);
    let citizen_id = match verify_code(&state, &national_id, &code, &address).await? {
        Ok(id) => id,
        Err(rejected) => {
            let code = match rejected {
                CodeRejected::Incorrect => ErrorCode::CodeIncorrect,
                CodeRejected::Expired => ErrorCode::CodeExpired,
                CodeRejected::TooManyAttempts => ErrorCode::TooManyAttempts,
                CodeRejected::Limited => ErrorCode::RateLimited,
            };
            audit(
                &state,
                "anonymous",
                "auth.code_failed",
                &object,
                code.as_str(),
            )
            .await;
            if code == ErrorCode::RateLimited {
                return Ok(rate_limited(3600));
            }
            // The code is spent; a new one can be asked for once the minute between codes
            // has passed — at most that long from now.
            if code == ErrorCode::TooManyAttempts {
                return Ok(too_many(code, crate::auth::codes::RESEND_AFTER));
            }
            return Err(ApiError::client(code));
        }
    };
    // Rotation: a session the browser still had ends here; the new one starts fresh.
    if let Some(old) = session_token(&headers) {
        state
            .store
            .revoke_session(SessionKind::Citizen, &token_hash(&old), state.clock.now())
            .await?;
    }
    // The language of the citizen's messages from now on: the one they signed in with.
    if let Some(locale) = request.locale {
        state.store.set_citizen_locale(citizen_id, locale).await?;
    }
    let token = start_session(&state, citizen_id, request.shared_device).await?;
    audit(
        &state,
        &format!("citizen:{citizen_id}"),
        "auth.signed_in",
        &object,
        "ok",
    )
    .await;
    let now = state.clock.now();
    let info = SessionInfo {
        national_id_last_digits: national_id.as_str()[9..].to_owned(),
        idle_expires_at: now + crate::auth::sessions::IDLE_TIMEOUT,
        absolute_expires_at: now + crate::auth::sessions::ABSOLUTE_TIMEOUT,
        shared_device: request.shared_device,
    };
    let mut response = ApiJson(info).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(Some(&token)));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The signed-in citizen switched language: their messages are written in it from now on.
#[utoipa::path(put, path = "/auth/locale", tag = "auth", request_body = LocaleChoice,
    responses((status = 204), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem)))]
async fn locale(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiJson(choice): ApiJson<LocaleChoice>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .set_citizen_locale(citizen.id, choice.locale)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The current session.
#[utoipa::path(get, path = "/auth/session", tag = "auth",
    responses((status = 200, body = SessionInfo), (status = 401, body = rega_api::Problem)))]
async fn session(State(state): State<AppState>, citizen: Citizen) -> Result<Response, ApiError> {
    let record = state
        .store
        .citizen(citizen.id)
        .await?
        .ok_or_else(|| ApiError::client(ErrorCode::Unauthenticated))?;
    let info = SessionInfo {
        national_id_last_digits: record.national_id.as_str()[9..].to_owned(),
        idle_expires_at: citizen.idle_expires_at,
        absolute_expires_at: citizen.absolute_expires_at,
        shared_device: citizen.shared_device,
    };
    let mut response = ApiJson(info).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// Ends the session and clears the cookie.
#[utoipa::path(post, path = "/auth/sign-out", tag = "auth", responses((status = 204, description = "signed out")))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        let hash = token_hash(&token);
        let who = match state.store.session(&hash).await? {
            Some(s) => format!("citizen:{}", s.citizen_id),
            None => "anonymous".into(),
        };
        state
            .store
            .revoke_session(SessionKind::Citizen, &hash, state.clock.now())
            .await?;
        audit(&state, &who, "auth.signed_out", "session", "ok").await;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(None));
    Ok(response)
}

fn parse_id(text: &str) -> Result<NationalId, ApiError> {
    NationalId::parse(text).map_err(|_| ApiError::client(ErrorCode::InvalidNationalId))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct OutboxQuery {
    /// The citizen's national card number.
    national_id: String,
}

/// The newest messages to a citizen's phone: demo mode only, 404 otherwise.
#[utoipa::path(get, path = "/dev/outbox", tag = "development", params(OutboxQuery),
    responses((status = 200, body = Vec<OutboxMessage>), (status = 404, description = "not demo mode", body = rega_api::Problem),
        (status = 422, description = "invalid_national_id", body = rega_api::Problem)))]
async fn outbox(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> Result<ApiJson<Vec<OutboxMessage>>, ApiError> {
    if !state.demo {
        return Err(ApiError::client(ErrorCode::NotFound));
    }
    let national_id = parse_id(&query.national_id)?;
    let Some(citizen) = state.store.citizen_by_national_id(&national_id).await? else {
        return Ok(ApiJson(Vec::new()));
    };
    let messages = state.store.sms_to(&citizen.phone, 10).await?;
    Ok(ApiJson(
        messages
            .into_iter()
            .map(|m| OutboxMessage {
                phone: m.phone,
                text: m.body,
                sent_at: m.created_at,
            })
            .collect(),
    ))
}
