//! Staff sign-in and sign-out: a name and password (Argon2id), failures limited per name and per
//! address, an unknown name as slow as a wrong password, and a session of its own kind.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rega_api::ErrorCode;
use rega_api::staff::{ChangePassword, StaffInfo, StaffSignIn};

use crate::AppState;
use crate::auth::cookies::{staff_cookie, staff_token};
use crate::auth::password::{
    acceptable_password, hash_off_thread, hash_password, password_matches,
};
use crate::auth::sessions::random_bytes;
use crate::auth::{SignedInStaff, staff_actor, token_hash};
use crate::domain::staff::one_time_password_usable;
use crate::http::audit::audit;
use crate::http::client::ClientAddress;
use crate::http::extract::ApiJson;
use crate::http::problem::{ApiError, rate_limited};
use crate::store::{EventLimit, SessionKind, SessionOwner, StaffRecord};

use super::second_factor::{self, Checked};

/// Failed sign-ins allowed per username, and per client address, in 15 minutes.
pub const MAX_FAILED_SIGN_INS: u32 = 10;

fn info(state: &AppState, staff: &StaffRecord) -> StaffInfo {
    StaffInfo {
        username: staff.username.clone(),
        role: staff.role,
        directorate: staff.directorate_id.clone(),
        must_change_password: staff.one_time_password_at.is_some(),
        second_factor: staff.totp_secret.is_some(),
        must_set_up_second_factor: staff.must_set_up_second_factor(state.second_factor_required),
    }
}

/// Signs a staff member in (sets the `__Host-rega_staff` cookie): the password, and the code of
/// the account's second factor when it has one.
#[utoipa::path(post, path = "/staff/sign-in", tag = "staff", request_body = StaffSignIn,
    responses((status = 200, body = StaffInfo),
        (status = 401, description = "staff_sign_in_failed, staff_second_factor_required, staff_second_factor_wrong", body = rega_api::Problem),
        (status = 429, description = "rate_limited (Retry-After)", body = rega_api::Problem)))]
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(request): ApiJson<StaffSignIn>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let username = request.username.trim().to_owned();
    let (user_key, address_key) = (
        format!("staff-failed:user:{username}"),
        format!("staff-failed:address:{address}"),
    );
    // Each try takes a place in both limits before the password is hashed (one atomic step: a
    // burst sent at one instant runs no more Argon2 checks than the limit), and a right
    // password gives them back.
    let limits = [
        EventLimit {
            key: &user_key,
            since: now - 15 * 60,
            max: MAX_FAILED_SIGN_INS,
        },
        EventLimit {
            key: &address_key,
            since: now - 15 * 60,
            max: MAX_FAILED_SIGN_INS,
        },
    ];
    if state.store.take_event(&limits, now).await?.is_some() {
        audit(
            &state,
            "anonymous",
            "staff.sign_in",
            &format!("staff-user:{username}"),
            "rate_limited",
        )
        .await;
        return Ok(rate_limited(15 * 60));
    }
    let account = if username.is_empty() || username.len() > 64 {
        None
    } else {
        state.store.staff_by_username(&username).await?
    };
    // An unknown name costs the same hashing time as a wrong password.
    let phc = account.as_ref().map(|a| a.password_hash.clone());
    let (password, code) = (request.password, request.code);
    let matches = tokio::task::spawn_blocking(move || {
        static UNKNOWN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let phc = phc.unwrap_or_else(|| {
            UNKNOWN
                .get_or_init(|| hash_password("no such account").unwrap_or_default())
                .clone()
        });
        password_matches(&password, &phc)
    })
    .await
    .unwrap_or(false);
    // A one-time password no longer opens the account once it is older than the rule allows.
    let usable = |a: &StaffRecord| {
        a.one_time_password_at
            .is_none_or(|issued| one_time_password_usable(issued, now))
    };
    let Some(account) = account.filter(|a| matches && !a.disabled && usable(a)) else {
        audit(
            &state,
            "anonymous",
            "staff.sign_in",
            &format!("staff-user:{username}"),
            "failed",
        )
        .await;
        return Err(ApiError::client(ErrorCode::StaffSignInFailed));
    };
    let result = match second_factor::check(&state, &account, code.as_deref()).await? {
        Checked::NotNeeded | Checked::Passed("totp") => "ok",
        Checked::Passed(how) => how,
        Checked::Missing => {
            // The password was right: asking for the code is no failure, so the limits'
            // places come back.
            state.store.give_back_event(&user_key, now).await?;
            state.store.give_back_event(&address_key, now).await?;
            audit(
                &state,
                &staff_actor(account.id),
                "staff.sign_in",
                "session",
                "second_factor_required",
            )
            .await;
            return Err(ApiError::client(ErrorCode::StaffSecondFactorRequired));
        }
        Checked::Wrong => {
            audit(
                &state,
                &staff_actor(account.id),
                "staff.sign_in",
                "session",
                "second_factor_wrong",
            )
            .await;
            return Err(ApiError::client(ErrorCode::StaffSecondFactorWrong));
        }
    };
    state.store.give_back_event(&user_key, now).await?;
    state.store.give_back_event(&address_key, now).await?;
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
    state
        .store
        .create_session(SessionOwner::Staff(account.id), &token_hash(&token), now)
        .await?;
    audit(
        &state,
        &staff_actor(account.id),
        "staff.sign_in",
        "session",
        result,
    )
    .await;
    let mut response = ApiJson(info(&state, &account)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, staff_cookie(Some(&token)));
    Ok(response)
}

/// Ends the staff session and clears its cookie.
#[utoipa::path(post, path = "/staff/sign-out", tag = "staff", responses((status = 204)))]
pub(super) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = staff_token(&headers) {
        let hash = token_hash(&token);
        if let Some(session) = state.store.staff_session(&hash).await? {
            state
                .store
                .revoke_session(SessionKind::Staff, &hash, state.clock.now())
                .await?;
            audit(
                &state,
                &staff_actor(session.staff.id),
                "staff.sign_out",
                "session",
                "ok",
            )
            .await;
        }
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, staff_cookie(None));
    Ok(response)
}

/// Who is signed in at the desk (also while the account must still choose its password).
#[utoipa::path(get, path = "/staff/me", tag = "staff",
    responses((status = 200, body = StaffInfo),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem)))]
pub(super) async fn me(State(state): State<AppState>, staff: SignedInStaff) -> ApiJson<StaffInfo> {
    ApiJson(info(&state, &staff.account))
}

/// The signed-in account chooses a new password (the first thing an account given a one-time
/// password does); every other session of the account ends.
#[utoipa::path(post, path = "/staff/password", tag = "staff", request_body = ChangePassword,
    responses((status = 200, body = StaffInfo),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 422, description = "staff_wrong_password, staff_weak_password", body = rega_api::Problem)))]
pub(super) async fn change_password(
    State(state): State<AppState>,
    staff: SignedInStaff,
    ApiJson(request): ApiJson<ChangePassword>,
) -> Result<ApiJson<StaffInfo>, ApiError> {
    let actor = staff_actor(staff.account.id);
    let phc = staff.account.password_hash.clone();
    let current = request.current_password.clone();
    let matches = tokio::task::spawn_blocking(move || password_matches(&current, &phc))
        .await
        .unwrap_or(false);
    if !matches {
        audit(
            &state,
            &actor,
            "staff.password_changed",
            "password",
            "wrong_password",
        )
        .await;
        return Err(ApiError::client(ErrorCode::StaffWrongPassword));
    }
    if !acceptable_password(&request.new_password, &[&staff.account.username])
        || request.new_password == request.current_password
    {
        return Err(ApiError::client(ErrorCode::StaffWeakPassword));
    }
    let now = state.clock.now();
    let phc = hash_off_thread(&request.new_password).await?;
    state
        .store
        .set_staff_password(staff.account.id, &phc, None, Some(&staff.token_hash), now)
        .await?;
    audit(&state, &actor, "staff.password_changed", "password", "ok").await;
    let mut account = staff.account;
    account.one_time_password_at = None;
    Ok(ApiJson(info(&state, &account)))
}
