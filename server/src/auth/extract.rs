//! Who a request is from: a signed-in citizen ([`Citizen`]), a staff member ([`Staff`]), a
//! supervisor ([`Supervisor`]), the administrator ([`Admin`]), or any staff account
//! ([`SignedInStaff`]). Each is an extractor: a handler that takes one runs only for a
//! valid session of that kind.

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use rega_api::ErrorCode;

use super::cookies::{session_token, staff_token};
use super::sessions::{
    ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, STAFF_ABSOLUTE_TIMEOUT, STAFF_IDLE_TIMEOUT, SessionTiming,
    SessionUse, token_hash,
};
use crate::AppState;
use crate::http::audit::audit;
use crate::http::problem::ApiError;
use crate::store::{SessionKind, StaffMember, StaffRecord, StaffRole};

/// A signed-in citizen: handlers that take this argument need a valid session.
#[derive(Debug, Clone)]
pub struct Citizen {
    /// The citizen's id.
    pub id: i64,
    /// The session's token hash.
    pub token_hash: String,
    /// When the session ends if idle.
    pub idle_expires_at: i64,
    /// When the session ends in any case.
    pub absolute_expires_at: i64,
    /// Signed in as "this is a shared phone".
    pub shared_device: bool,
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Citizen, ApiError> {
        let unauthenticated = || ApiError::client(ErrorCode::Unauthenticated);
        let token = session_token(&parts.headers).ok_or_else(unauthenticated)?;
        let hash = token_hash(&token);
        let session = state
            .store
            .session(&hash)
            .await?
            .ok_or_else(unauthenticated)?;
        let now = state.clock.now();
        let timing = SessionTiming {
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            idle: IDLE_TIMEOUT,
            absolute: ABSOLUTE_TIMEOUT,
        };
        match timing.check(now, session.revoked_at.is_some()) {
            SessionUse::Refuse { revoke } => {
                if revoke {
                    state
                        .store
                        .revoke_session(SessionKind::Citizen, &hash, now)
                        .await?;
                }
                return Err(unauthenticated());
            }
            SessionUse::Use { touch } => {
                if touch {
                    state
                        .store
                        .touch_session(SessionKind::Citizen, &hash, now)
                        .await?;
                }
            }
        }
        Ok(Citizen {
            id: session.citizen_id,
            token_hash: hash,
            idle_expires_at: now.max(session.last_seen_at) + IDLE_TIMEOUT,
            absolute_expires_at: session.created_at + ABSOLUTE_TIMEOUT,
            shared_device: session.shared_device,
        })
    }
}

/// A signed-in staff account of any role, whose password may still be an administrator's
/// one-time password: only `/staff/me`, `/staff/password` and sign-out take it.
pub struct SignedInStaff {
    /// The account.
    pub account: StaffRecord,
    /// The session's token hash.
    pub token_hash: String,
}

impl FromRequestParts<AppState> for SignedInStaff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<SignedInStaff, ApiError> {
        let refused = || ApiError::client(ErrorCode::StaffUnauthenticated);
        let token = staff_token(&parts.headers).ok_or_else(refused)?;
        let hash = token_hash(&token);
        let session = state
            .store
            .staff_session(&hash)
            .await?
            .ok_or_else(refused)?;
        let now = state.clock.now();
        let timing = crate::auth::SessionTiming {
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            idle: STAFF_IDLE_TIMEOUT,
            absolute: STAFF_ABSOLUTE_TIMEOUT,
        };
        // A disabled account's session is refused as a revoked one is.
        match timing.check(now, session.revoked_at.is_some() || session.staff.disabled) {
            SessionUse::Refuse { revoke } => {
                if revoke {
                    state
                        .store
                        .revoke_session(SessionKind::Staff, &hash, now)
                        .await?;
                }
                Err(refused())
            }
            SessionUse::Use { touch } => {
                if touch {
                    state
                        .store
                        .touch_session(SessionKind::Staff, &hash, now)
                        .await?;
                }
                Ok(SignedInStaff {
                    account: session.staff,
                    token_hash: hash,
                })
            }
        }
    }
}

impl SignedInStaff {
    /// The account, once it has a password of its own (else `403
    /// staff_password_change_required`) and, where its role needs one, a second factor (else
    /// `403 staff_second_factor_setup_required`).
    async fn settled(parts: &mut Parts, state: &AppState) -> Result<StaffRecord, ApiError> {
        let signed_in = SignedInStaff::from_request_parts(parts, state).await?;
        if signed_in.account.one_time_password_at.is_some() {
            return Err(ApiError::client(ErrorCode::StaffPasswordChangeRequired));
        }
        if signed_in
            .account
            .must_set_up_second_factor(state.second_factor_required)
        {
            return Err(ApiError::client(ErrorCode::StaffSecondFactorSetupRequired));
        }
        Ok(signed_in.account)
    }
}

/// A signed-in desk or supervisor of a directorate: handlers that take it need a valid staff
/// session of an account with its own password; an administrator, bound to no directorate, is
/// refused (`403 staff_forbidden`).
pub struct Staff(pub StaffMember);

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, ApiError> {
        let account = SignedInStaff::settled(parts, state).await?;
        match account.member() {
            Some(member) => Ok(Staff(member)),
            None => Err(forbidden(parts, state, account.id).await),
        }
    }
}

/// A signed-in supervisor: a desk account is refused (`403 staff_forbidden`, audited as
/// `staff.forbidden` with the route it tried).
pub struct Supervisor(pub StaffMember);

impl FromRequestParts<AppState> for Supervisor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Supervisor, ApiError> {
        let Staff(staff) = Staff::from_request_parts(parts, state).await?;
        if staff.role == StaffRole::Supervisor {
            return Ok(Supervisor(staff));
        }
        Err(forbidden(parts, state, staff.id).await)
    }
}

/// The signed-in central administrator: any other role is refused (`403 staff_forbidden`,
/// audited).
pub struct Admin(pub StaffRecord);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Admin, ApiError> {
        let account = SignedInStaff::settled(parts, state).await?;
        if account.role == StaffRole::Admin {
            return Ok(Admin(account));
        }
        Err(forbidden(parts, state, account.id).await)
    }
}

/// A reader of the audit trail: a supervisor reads their directorate's records, the
/// administrator all of them; a desk is refused (`403 staff_forbidden`, audited).
pub struct AuditReader {
    /// The account.
    pub account: StaffRecord,
    /// The directorate whose records it may read (`None`: the whole network).
    pub directorate: Option<String>,
}

impl FromRequestParts<AppState> for AuditReader {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<AuditReader, ApiError> {
        let account = SignedInStaff::settled(parts, state).await?;
        match (account.role, account.directorate_id.clone()) {
            (StaffRole::Admin, _) => Ok(AuditReader {
                account,
                directorate: None,
            }),
            (StaffRole::Supervisor, Some(directorate)) => Ok(AuditReader {
                account,
                directorate: Some(directorate),
            }),
            _ => Err(forbidden(parts, state, account.id).await),
        }
    }
}

/// `403 staff_forbidden`, audited as `staff.forbidden` with the route the account tried.
async fn forbidden(parts: &Parts, state: &AppState, staff_id: i64) -> ApiError {
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map_or(parts.uri.path(), MatchedPath::as_str);
    let object = format!("{} {route}", parts.method);
    audit(
        state,
        &staff_actor(staff_id),
        "staff.forbidden",
        &object,
        "forbidden",
    )
    .await;
    ApiError::client(ErrorCode::StaffForbidden)
}

/// How the audit trail names a staff member.
pub fn staff_actor(staff_id: i64) -> String {
    format!("staff:{staff_id}")
}
