//! The bound form's side of the licence (docs/credential.md, "The bound form"):
//! `/licence/credential` issues a credential bound to the phone's key, `/licence/devices` lists
//! the phones the licence is kept on and withdraws one; a desk does the same for a citizen whose
//! ID card it checked in person (`/staff/licence-devices`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rega_api::ErrorCode;
use rega_api::ids::NationalId;
use rega_api::licence::{
    BoundCredential, CredentialRequest, DeviceOwner, DeviceWithdrawal, LicenceDevice,
};
use rega_credential::DeviceBinding;

use crate::AppState;
use crate::auth::{Citizen, Staff, staff_actor};
use crate::domain::devices::{MAX_DEVICES, clean_label, credential_end};
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::problem::ApiError;
use crate::store::{DeviceIssue, DeviceRecord, DeviceRefusal};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(credential))
        .routes(routes!(devices))
        .routes(routes!(withdraw))
        .routes(routes!(staff_devices))
        .routes(routes!(staff_withdraw))
}

fn view(device: DeviceRecord) -> LicenceDevice {
    LicenceDevice {
        id: device.id,
        label: device.label,
        added_at: device.added_at,
        last_issued_at: device.last_issued_at,
        valid_until: device.valid_until,
        withdrawn_at: device.withdrawn_at,
    }
}

fn bad_request(detail: &str) -> ApiError {
    ApiError::Client {
        code: ErrorCode::BadRequest,
        detail: Some(detail.to_owned()),
    }
}

/// The phone's key: an uncompressed P-256 point, as WebCrypto exports it.
fn binding_of(public_key: &str) -> Result<DeviceBinding, ApiError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(public_key.trim())
        .ok()
        .filter(|b| b.len() == 65 && b[0] == 0x04)
        .ok_or_else(|| bad_request("public_key is not a base64url uncompressed P-256 point."))?;
    DeviceBinding::of_sec1(&bytes).ok_or_else(|| bad_request("public_key is not a point on P-256."))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A credential of the citizen's licence bound to this phone's key, valid for
/// `rules.licence_credential_days`. The phone is added to the citizen's phones when new (at most
/// five not withdrawn); a withdrawn phone, a shared phone's session and a suspended licence get
/// none.
#[utoipa::path(post, path = "/licence/credential", tag = "licence", request_body = CredentialRequest,
    responses((status = 200, body = BoundCredential),
        (status = 400, description = "bad_request: not a P-256 key, or no label", body = rega_api::Problem),
        (status = 401, body = rega_api::Problem),
        (status = 403, description = "licence_suspended, device_withdrawn, shared_phone", body = rega_api::Problem),
        (status = 404, description = "no_licence", body = rega_api::Problem),
        (status = 409, description = "too_many_devices", body = rega_api::Problem),
        (status = 503, description = "not_ready: no signing key active in the published trust list", body = rega_api::Problem)))]
async fn credential(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiJson(request): ApiJson<CredentialRequest>,
) -> Result<Response, ApiError> {
    if citizen.shared_device {
        return Err(ApiError::client(ErrorCode::SharedPhone));
    }
    let binding = binding_of(&request.public_key)?;
    let label = clean_label(&request.label).ok_or_else(|| bad_request("label is empty."))?;
    let (record, licence) = super::licence::licence_of(&state, citizen.id).await?;
    if record.suspension.is_some() {
        return Err(ApiError::client(ErrorCode::LicenceSuspended));
    }
    let now = state.clock.now();
    let issuer = super::licence::issuer_now(&state, now)?;
    let days = state.configuration().await?.rules.licence_credential_days;
    let issue = DeviceIssue {
        citizen_id: citizen.id,
        binding: hex(&binding.0),
        public_key: request.public_key.trim().to_owned(),
        label,
        now,
        valid_until: credential_end(now, days),
        max_devices: MAX_DEVICES,
    };
    let device = match state.store.issue_to_device(&issue).await? {
        Ok(device) => device,
        Err(DeviceRefusal::Withdrawn) => return Err(ApiError::client(ErrorCode::DeviceWithdrawn)),
        Err(DeviceRefusal::TooMany) => return Err(ApiError::client(ErrorCode::TooManyDevices)),
    };
    let bound = issuer.issue_bound(&licence, binding, now, days);
    let body = BoundCredential {
        device: device.id,
        credential: URL_SAFE_NO_PAD.encode(&bound.packed),
        digest: URL_SAFE_NO_PAD.encode(bound.digest),
        issued_at: bound.issued_at,
        expires_at: bound.expires_at,
    };
    Ok(super::licence::no_store(ApiJson(body).into_response()))
}

/// The phones the citizen's licence is kept on, newest first, withdrawn ones included.
#[utoipa::path(get, path = "/licence/devices", tag = "licence",
    responses((status = 200, body = Vec<LicenceDevice>), (status = 401, body = rega_api::Problem)))]
async fn devices(State(state): State<AppState>, citizen: Citizen) -> Result<Response, ApiError> {
    let devices: Vec<LicenceDevice> = state
        .store
        .devices_of(citizen.id)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(super::licence::no_store(ApiJson(devices).into_response()))
}

/// Withdraws one of the citizen's phones: it is issued nothing more (what it holds verifies until
/// its `valid_until`). Withdrawing twice changes nothing.
#[utoipa::path(post, path = "/licence/devices/{id}/withdraw", tag = "licence",
    params(("id" = i64, Path, description = "the phone's id")),
    responses((status = 200, body = LicenceDevice), (status = 401, body = rega_api::Problem),
        (status = 404, description = "not_found: no such phone of this citizen", body = rega_api::Problem)))]
async fn withdraw(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let device = state
        .store
        .withdraw_device(citizen.id, id, "citizen", state.clock.now())
        .await?
        .ok_or_else(|| ApiError::client(ErrorCode::NotFound))?;
    Ok(super::licence::no_store(
        ApiJson(view(device)).into_response(),
    ))
}

async fn citizen_of(state: &AppState, national_id: &str) -> Result<i64, ApiError> {
    let national_id = NationalId::parse(national_id)
        .map_err(|_| ApiError::client(ErrorCode::InvalidNationalId))?;
    Ok(state
        .store
        .citizen_by_national_id(&national_id)
        .await?
        .ok_or_else(|| ApiError::client(ErrorCode::NotFound))?
        .id)
}

/// A citizen's phones, for a desk that checked the citizen's ID card in person.
#[utoipa::path(post, path = "/staff/licence-devices", tag = "staff", request_body = DeviceOwner,
    responses((status = 200, body = Vec<LicenceDevice>),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 404, description = "not_found: no such citizen", body = rega_api::Problem),
        (status = 422, description = "invalid_national_id", body = rega_api::Problem)))]
async fn staff_devices(
    State(state): State<AppState>,
    _staff: Staff,
    ApiJson(request): ApiJson<DeviceOwner>,
) -> Result<Response, ApiError> {
    let citizen_id = citizen_of(&state, &request.national_id).await?;
    let devices: Vec<LicenceDevice> = state
        .store
        .devices_of(citizen_id)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(super::licence::no_store(ApiJson(devices).into_response()))
}

/// A desk withdraws a citizen's phone (a lost one), after checking the ID card in person;
/// audited under the desk's account.
#[utoipa::path(post, path = "/staff/licence-devices/withdraw", tag = "staff", request_body = DeviceWithdrawal,
    responses((status = 200, body = LicenceDevice),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 404, description = "not_found: no such citizen or phone", body = rega_api::Problem),
        (status = 422, description = "invalid_national_id", body = rega_api::Problem)))]
async fn staff_withdraw(
    State(state): State<AppState>,
    Staff(staff): Staff,
    ApiJson(request): ApiJson<DeviceWithdrawal>,
) -> Result<Response, ApiError> {
    let citizen_id = citizen_of(&state, &request.national_id).await?;
    let device = state
        .store
        .withdraw_device(
            citizen_id,
            request.device,
            &staff_actor(staff.id),
            state.clock.now(),
        )
        .await?
        .ok_or_else(|| ApiError::client(ErrorCode::NotFound))?;
    Ok(super::licence::no_store(
        ApiJson(view(device)).into_response(),
    ))
}
