//! The trust list, as the administrator publishes it (`docs/credential.md`): the JWS signed on
//! the anchor's offline machine, uploaded verbatim; this server checks it with its configured
//! anchor and puts it in force on every instance. No key is made or signed here.

use axum::extract::State;
use rega_api::ErrorCode;
use rega_api::admin::{TrustListKey, TrustListStatus};

use crate::AppState;
use crate::auth::sessions::hex;
use crate::auth::{Admin, staff_actor};
use crate::credentials::{Credentials, PublishError};
use crate::http::audit::audit;
use crate::http::extract::ApiJson;
use crate::http::problem::ApiError;

/// The largest upload: a trust list is a few kilobytes.
const MAX_JWS_BYTES: usize = 256 * 1024;

fn status_of(credentials: &Credentials, now: i64) -> TrustListStatus {
    let status = credentials.status(now);
    let list = credentials.list();
    let held = credentials.held_kids();
    TrustListStatus {
        signing: status.signing,
        signing_kid: status.kid,
        attention: status.detail,
        signed_at: list.as_ref().map(|l| l.iat),
        expires_at: list.as_ref().map(|l| l.exp),
        keys: list
            .map(|l| {
                l.keys
                    .iter()
                    .map(|k| TrustListKey {
                        kid: hex(&k.kid),
                        status: k.status.name().to_owned(),
                        not_before: k.nbf,
                        not_after: k.exp,
                        held_here: held.contains(&k.kid),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn credentials(state: &AppState) -> Result<&Credentials, ApiError> {
    state
        .credentials
        .as_deref()
        .ok_or_else(|| ApiError::Client {
            code: ErrorCode::NotReady,
            detail: Some("This server has no signing key or no trust anchor configured.".into()),
        })
}

/// The list in force on this instance, its keys, and whether this server signs licence codes.
#[utoipa::path(get, path = "/admin/trust-list", tag = "admin",
    responses((status = 200, body = TrustListStatus),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem),
        (status = 503, description = "not_ready: no signing key or anchor configured", body = rega_api::Problem)))]
pub(super) async fn trust_list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<ApiJson<TrustListStatus>, ApiError> {
    Ok(ApiJson(status_of(credentials(&state)?, state.clock.now())))
}

/// Publishes a trust list signed offline by the anchor (the compact JWS `rega trust-list sign`
/// wrote): refused unless this server's configured anchor signed it and it is newer than the
/// list in force; in force on every instance within seconds. Audited.
#[utoipa::path(put, path = "/admin/trust-list", tag = "admin",
    request_body(content = String, content_type = "text/plain", description = "the compact JWS, as `rega trust-list sign` wrote it"),
    responses((status = 200, body = TrustListStatus),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem),
        (status = 409, description = "staff_trust_list_outdated", body = rega_api::Problem),
        (status = 413, description = "payload_too_large", body = rega_api::Problem),
        (status = 422, description = "staff_trust_list_refused", body = rega_api::Problem),
        (status = 503, description = "not_ready: no signing key or anchor configured", body = rega_api::Problem)))]
pub(super) async fn publish_trust_list(
    State(state): State<AppState>,
    Admin(admin): Admin,
    body: String,
) -> Result<ApiJson<TrustListStatus>, ApiError> {
    let credentials = credentials(&state)?;
    let now = state.clock.now();
    let actor = staff_actor(admin.id);
    let action = "admin.trust_list_published";
    if body.len() > MAX_JWS_BYTES {
        audit(&state, &actor, action, "trust-list", "refused").await;
        return Err(ApiError::client(ErrorCode::StaffTrustListRefused));
    }
    let by = format!("staff:{}", admin.username);
    match credentials
        .publish(state.store.as_ref(), &body, now, &by)
        .await
        .map_err(ApiError::Server)?
    {
        Ok(list) => {
            audit(
                &state,
                &actor,
                action,
                &format!("trust-list:{}", list.iat),
                "ok",
            )
            .await;
            Ok(ApiJson(status_of(credentials, now)))
        }
        Err(error) => {
            let (code, result) = match error {
                PublishError::Outdated => (ErrorCode::StaffTrustListOutdated, "outdated"),
                PublishError::Expired => (ErrorCode::StaffTrustListRefused, "expired"),
                PublishError::NotSignedByAnchor => {
                    (ErrorCode::StaffTrustListRefused, "not_signed_by_anchor")
                }
            };
            audit(&state, &actor, action, "trust-list", result).await;
            Err(ApiError::client(code))
        }
    }
}
