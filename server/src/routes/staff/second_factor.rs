//! The staff's second factor (TOTP, `domain::second_factor`): an account sets one up by scanning
//! a QR code into an authenticator app and confirming the code it shows (its recovery codes are
//! shown then, once); at sign-in, the code or a recovery code opens the account once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rega_api::ErrorCode;
use rega_api::staff::{ConfirmSecondFactor, RecoveryCodes, SecondFactorSetup};

use crate::AppState;
use crate::auth::sessions::random_bytes;
use crate::auth::{SignedInStaff, staff_actor};
use crate::domain::second_factor::{
    RECOVERY_CODES, SECRET_BYTES, SecondFactorCode, base32, from_base32, matching_step,
    otpauth_uri, recovery_code, recovery_code_hash,
};
use crate::http::audit::audit;
use crate::http::extract::ApiJson;
use crate::http::problem::ApiError;
use crate::store::StaffRecord;

/// How a sign-in's second factor came out.
pub(super) enum Checked {
    /// The account has none.
    NotNeeded,
    /// A code from the app, or a recovery code (how many are left), opened it.
    Passed(&'static str),
    /// None was sent.
    Missing,
    /// Wrong, used already, or not a code at all.
    Wrong,
}

/// Checks the code sent with a right password against the account's second factor, taking a
/// used code's step (or recovery code) so it opens no second sign-in.
pub(super) async fn check(
    state: &AppState,
    account: &StaffRecord,
    code: Option<&str>,
) -> Result<Checked, ApiError> {
    let Some(secret) = account.totp_secret.as_deref() else {
        return Ok(Checked::NotNeeded);
    };
    let Some(typed) = code.filter(|c| !c.trim().is_empty()) else {
        return Ok(Checked::Missing);
    };
    let now = state.clock.now();
    let passed = match SecondFactorCode::parse(typed) {
        Some(SecondFactorCode::Totp(digits)) => {
            let secret = from_base32(secret).unwrap_or_default();
            match matching_step(&secret, &digits, now) {
                Some(step) => state.store.use_second_factor_step(account.id, step).await?,
                None => false,
            }
            .then_some("totp")
        }
        Some(SecondFactorCode::Recovery(normalised)) => state
            .store
            .use_recovery_code(
                account.id,
                &recovery_code_hash(account.id, &normalised),
                now,
            )
            .await?
            .then_some("recovery_code"),
        None => None,
    };
    Ok(passed.map_or(Checked::Wrong, Checked::Passed))
}

/// Begins setting up the signed-in account's second factor: a new secret (replacing one not yet
/// confirmed) and its `otpauth://` URI, for the authenticator app.
#[utoipa::path(post, path = "/staff/second-factor", tag = "staff",
    responses((status = 200, body = SecondFactorSetup),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_password_change_required", body = rega_api::Problem),
        (status = 409, description = "staff_second_factor_exists", body = rega_api::Problem)))]
pub(super) async fn begin(
    State(state): State<AppState>,
    staff: SignedInStaff,
) -> Result<Response, ApiError> {
    if staff.account.one_time_password_at.is_some() {
        return Err(ApiError::client(ErrorCode::StaffPasswordChangeRequired));
    }
    let secret = base32(&random_bytes::<SECRET_BYTES>()?);
    if !state
        .store
        .begin_second_factor(staff.account.id, &secret)
        .await?
    {
        return Err(ApiError::client(ErrorCode::StaffSecondFactorExists));
    }
    let uri = otpauth_uri(&staff.account.username, &secret);
    Ok(ApiJson(SecondFactorSetup { secret, uri }).uncached(StatusCode::OK))
}

/// Confirms the second factor being set up with the code the app shows now: from then on the
/// account signs in with it, every other session of the account ends, and the answer carries
/// ten recovery codes, once.
#[utoipa::path(post, path = "/staff/second-factor/confirm", tag = "staff",
    request_body = ConfirmSecondFactor,
    responses((status = 200, body = RecoveryCodes),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_password_change_required", body = rega_api::Problem),
        (status = 409, description = "staff_second_factor_exists", body = rega_api::Problem),
        (status = 422, description = "staff_second_factor_not_confirmed", body = rega_api::Problem)))]
pub(super) async fn confirm(
    State(state): State<AppState>,
    staff: SignedInStaff,
    ApiJson(request): ApiJson<ConfirmSecondFactor>,
) -> Result<Response, ApiError> {
    let account = &staff.account;
    if account.one_time_password_at.is_some() {
        return Err(ApiError::client(ErrorCode::StaffPasswordChangeRequired));
    }
    if account.totp_secret.is_some() {
        return Err(ApiError::client(ErrorCode::StaffSecondFactorExists));
    }
    let now = state.clock.now();
    let not_confirmed = || ApiError::client(ErrorCode::StaffSecondFactorNotConfirmed);
    let pending = account
        .totp_pending_secret
        .as_deref()
        .ok_or_else(not_confirmed)?;
    let step = match SecondFactorCode::parse(&request.code) {
        Some(SecondFactorCode::Totp(digits)) => {
            matching_step(&from_base32(pending).unwrap_or_default(), &digits, now)
        }
        _ => None,
    }
    .ok_or_else(not_confirmed)?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let mut hashes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code = recovery_code(&random_bytes()?);
        hashes.push(recovery_code_hash(account.id, &code.replace('-', "")));
        codes.push(code);
    }
    if !state
        .store
        .confirm_second_factor(account.id, pending, step, &hashes, &staff.token_hash, now)
        .await?
    {
        return Err(not_confirmed());
    }
    audit(
        &state,
        &staff_actor(account.id),
        "staff.second_factor_set_up",
        "second_factor",
        "ok",
    )
    .await;
    Ok(ApiJson(RecoveryCodes { codes }).uncached(StatusCode::OK))
}
