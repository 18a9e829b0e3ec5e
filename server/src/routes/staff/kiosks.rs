//! A supervisor's kiosks: the directorate's list, enrolling one (its code shown once) and
//! revoking one.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::staff::{EnrolKiosk, KioskEntry};

use super::done_or_not_found;
use crate::AppState;
use crate::auth::{Supervisor, staff_actor};
use crate::http::audit::audit;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::problem::ApiError;

/// The kiosks of the supervisor's directorate (supervisors only).
#[utoipa::path(get, path = "/staff/kiosks", tag = "staff",
    responses((status = 200, body = Vec<KioskEntry>),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem)))]
pub(super) async fn kiosks(
    State(state): State<AppState>,
    Supervisor(staff): Supervisor,
) -> Result<ApiJson<Vec<KioskEntry>>, ApiError> {
    let list = state.store.kiosks_of(&staff.directorate_id).await?;
    Ok(ApiJson(
        list.into_iter()
            .map(|(k, _, revoked_at)| KioskEntry {
                id: k.id,
                label: k.label,
                revoked: revoked_at.is_some(),
                code: None,
            })
            .collect(),
    ))
}

/// Enrols a kiosk for the supervisor's directorate; the answer carries its code, once.
#[utoipa::path(post, path = "/staff/kiosks", tag = "staff", request_body = EnrolKiosk,
    responses((status = 201, body = KioskEntry),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 400, description = "bad_request: a label of 1 to 40 characters", body = rega_api::Problem)))]
pub(super) async fn enrol_kiosk(
    State(state): State<AppState>,
    Supervisor(staff): Supervisor,
    ApiJson(request): ApiJson<EnrolKiosk>,
) -> Result<Response, ApiError> {
    let label = request.label.trim().to_owned();
    if !(1..=40).contains(&label.chars().count()) {
        return Err(ApiError::client(ErrorCode::BadRequest));
    }
    let (id, code) = crate::routes::kiosk::enrol(
        state.store.as_ref(),
        &staff.directorate_id,
        &label,
        state.clock.now(),
    )
    .await?;
    audit(
        &state,
        &staff_actor(staff.id),
        "desk.kiosk_enrolled",
        &format!("kiosk:{id}"),
        "ok",
    )
    .await;
    let mut response = ApiJson(KioskEntry {
        id,
        label,
        revoked: false,
        code: Some(code),
    })
    .into_response();
    *response.status_mut() = StatusCode::CREATED;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Revokes a kiosk of the supervisor's directorate: it stops working at once.
#[utoipa::path(post, path = "/staff/kiosks/{id}/revoke", tag = "staff",
    params(("id" = i64, Path, description = "the kiosk's number")),
    responses((status = 204),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 404, description = "not_found: no such kiosk at this directorate", body = rega_api::Problem)))]
pub(super) async fn revoke_kiosk(
    State(state): State<AppState>,
    Supervisor(staff): Supervisor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let revoked = state
        .store
        .revoke_kiosk(id, Some(&staff.directorate_id), state.clock.now())
        .await?;
    done_or_not_found(
        &state,
        &staff,
        ("desk.kiosk_revoked", &format!("kiosk:{id}")),
        revoked,
    )
    .await
}
