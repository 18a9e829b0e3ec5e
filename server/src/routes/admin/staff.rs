//! Staff accounts, as the administrator manages them: the list, a new account with a one-time
//! password (shown once; the account chooses its own at its first sign-in), its role, directorate
//! and access, and a new one-time password for an account that lost its own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rega_api::ErrorCode;
use rega_api::admin::{NewStaffAccount, OneTimePassword, StaffAccount, StaffAccountChange};

use crate::AppState;
use crate::auth::password::hash_off_thread;
use crate::auth::sessions::random_bytes;
use crate::auth::{Admin, staff_actor};
use crate::domain::staff::{posting_fits, valid_username};
use crate::http::audit::audit;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::problem::ApiError;
use crate::store::{NewStaff, StaffChangeOutcome, StaffRecord, StaffRole};

fn account(record: &StaffRecord) -> StaffAccount {
    StaffAccount {
        id: record.id,
        username: record.username.clone(),
        role: record.role,
        directorate: record.directorate_id.clone(),
        active: !record.disabled,
        one_time_password: record.one_time_password_at.is_some(),
        second_factor: record.totp_secret.is_some(),
    }
}

/// A one-time password: 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L),
/// grouped by four to read out and type (about 60 bits).
fn one_time_password() -> Result<String, ApiError> {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let bytes = random_bytes::<12>()?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    Ok(chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// Whether the role and directorate go together (a desk or supervisor needs a configured
/// directorate, an administrator none), else `422 staff_invalid_directorate`.
async fn check_posting(
    state: &AppState,
    role: StaffRole,
    directorate: Option<&str>,
) -> Result<(), ApiError> {
    let known: Vec<String> = state
        .store
        .directorates()
        .await?
        .into_iter()
        .map(|(d, _)| d.id)
        .collect();
    if posting_fits(role, directorate, &known) {
        Ok(())
    } else {
        Err(ApiError::client(ErrorCode::StaffInvalidDirectorate))
    }
}

/// Every staff account, by username (never a password).
#[utoipa::path(get, path = "/admin/staff", tag = "admin",
    responses((status = 200, body = Vec<StaffAccount>),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem)))]
pub(super) async fn accounts(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<ApiJson<Vec<StaffAccount>>, ApiError> {
    let all = state.store.staff_accounts().await?;
    Ok(ApiJson(all.iter().map(account).collect()))
}

/// Creates a staff account; the answer carries its one-time password, once.
#[utoipa::path(post, path = "/admin/staff", tag = "admin", request_body = NewStaffAccount,
    responses((status = 201, body = OneTimePassword),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem),
        (status = 409, description = "staff_username_taken", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_username, staff_invalid_directorate", body = rega_api::Problem)))]
pub(super) async fn create_account(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(request): ApiJson<NewStaffAccount>,
) -> Result<Response, ApiError> {
    let username = request.username.trim().to_owned();
    if !valid_username(&username) {
        return Err(ApiError::client(ErrorCode::StaffInvalidUsername));
    }
    let directorate = request.directorate.as_deref().map(str::trim);
    check_posting(&state, request.role, directorate).await?;
    let password = one_time_password()?;
    let phc = hash_off_thread(&password).await?;
    let now = state.clock.now();
    let new = NewStaff {
        username: &username,
        password_hash: &phc,
        role: request.role,
        directorate_id: directorate,
        one_time: true,
    };
    let actor = staff_actor(admin.id);
    let Some(id) = state.store.create_staff(&new, now).await? else {
        audit(
            &state,
            &actor,
            "admin.staff_created",
            &format!("staff-user:{username}"),
            "username_taken",
        )
        .await;
        return Err(ApiError::client(ErrorCode::StaffUsernameTaken));
    };
    let result = format!(
        "ok:role={},directorate={}",
        request.role.code(),
        directorate.unwrap_or("-")
    );
    audit(
        &state,
        &actor,
        "admin.staff_created",
        &format!("staff:{id}"),
        &result,
    )
    .await;
    Ok(ApiJson(OneTimePassword {
        account: StaffAccount {
            id,
            username,
            role: request.role,
            directorate: directorate.map(str::to_owned),
            active: true,
            one_time_password: true,
            second_factor: false,
        },
        one_time_password: password,
    })
    .uncached(StatusCode::CREATED))
}

/// Sets an account's role, directorate and access; an account that loses any of them is signed
/// out everywhere at once. The last active administrator cannot be demoted or deactivated.
#[utoipa::path(post, path = "/admin/staff/{id}", tag = "admin", request_body = StaffAccountChange,
    params(("id" = i64, Path, description = "the account's number")),
    responses((status = 200, body = StaffAccount),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem),
        (status = 404, description = "not_found", body = rega_api::Problem),
        (status = 409, description = "staff_last_admin", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_directorate", body = rega_api::Problem)))]
pub(super) async fn change_account(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<StaffAccountChange>,
) -> Result<ApiJson<StaffAccount>, ApiError> {
    let directorate = request.directorate.as_deref().map(str::trim);
    check_posting(&state, request.role, directorate).await?;
    let now = state.clock.now();
    let outcome = state
        .store
        .set_staff(id, request.role, directorate, request.active, now)
        .await?;
    let object = format!("staff:{id}");
    let actor = staff_actor(admin.id);
    match outcome {
        StaffChangeOutcome::NotFound => {
            audit(&state, &actor, "admin.staff_changed", &object, "not_found").await;
            Err(ApiError::client(ErrorCode::NotFound))
        }
        StaffChangeOutcome::LastAdmin => {
            audit(&state, &actor, "admin.staff_changed", &object, "last_admin").await;
            Err(ApiError::client(ErrorCode::StaffLastAdmin))
        }
        StaffChangeOutcome::Changed => {
            let result = format!(
                "ok:role={},directorate={},active={}",
                request.role.code(),
                directorate.unwrap_or("-"),
                request.active
            );
            audit(&state, &actor, "admin.staff_changed", &object, &result).await;
            let record = state
                .store
                .staff_by_id(id)
                .await?
                .ok_or_else(|| ApiError::client(ErrorCode::NotFound))?;
            Ok(ApiJson(account(&record)))
        }
    }
}

/// Gives an account a new one-time password (shown once), clears its second factor and signs it
/// out everywhere: for a member of staff who forgot their password or lost their phone, after
/// checking who they are in person. The account chooses its password and (supervisors and
/// administrators) sets up a new second factor at its next sign-in.
#[utoipa::path(post, path = "/admin/staff/{id}/reset-password", tag = "admin",
    params(("id" = i64, Path, description = "the account's number")),
    responses((status = 200, body = OneTimePassword),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem),
        (status = 404, description = "not_found", body = rega_api::Problem)))]
pub(super) async fn reset_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let password = one_time_password()?;
    let phc = hash_off_thread(&password).await?;
    let now = state.clock.now();
    let object = format!("staff:{id}");
    let actor = staff_actor(admin.id);
    if !state
        .store
        .set_staff_password(id, &phc, Some(now), None, now)
        .await?
    {
        audit(
            &state,
            &actor,
            "admin.staff_password_reset",
            &object,
            "not_found",
        )
        .await;
        return Err(ApiError::client(ErrorCode::NotFound));
    }
    audit(&state, &actor, "admin.staff_password_reset", &object, "ok").await;
    let record = state
        .store
        .staff_by_id(id)
        .await?
        .ok_or_else(|| ApiError::client(ErrorCode::NotFound))?;
    Ok(ApiJson(OneTimePassword {
        account: account(&record),
        one_time_password: password,
    })
    .uncached(StatusCode::OK))
}
