//! The directorate kiosk (SPEC §3.5): `GET /kiosk` (is this kiosk enrolled?) and
//! `POST /kiosk/check-in` (check an appointment in, get its queue ticket).
//!
//! Every kiosk request carries the device credential a supervisor enrolled the kiosk with
//! (`Authorization: Kiosk <credential>`); without a valid one nothing is answered, so check-in
//! cannot be driven from the internet. A check-in is idempotent by itself: repeating it (a
//! retry after a dropped connection, a second scan) gives the same ticket again, marked `again`.

use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rega_api::ErrorCode;
use rega_api::ids::Reference;
use rega_api::kiosk::{CheckIn, KioskInfo, QueueTicket};
use rega_api::time::LocalDateTime;

use crate::AppState;
use crate::auth::token_hash;
use crate::domain::check_in::CheckInRefusal;
use crate::http::audit::audit;
use crate::http::extract::ApiJson;
use crate::http::problem::ApiError;
use crate::http::problem::rate_limited;
use crate::store::{CheckInError, EventLimit, KioskDevice, StoreError};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Check-ins one kiosk may make per minute: far above a queue of people, far below a script.
pub const CHECK_INS_PER_MINUTE: u32 = 30;

/// The kiosk routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(kiosk_info))
        .routes(routes!(check_in))
}

/// Enrols a kiosk for a directorate: a fresh 256-bit credential, stored only as its hash, and
/// returned once (the kiosk keeps it; `rega kiosk enrol` and the desk show it).
pub async fn enrol(
    store: &dyn crate::store::Store,
    directorate_id: &str,
    label: &str,
    now: i64,
) -> Result<(i64, String), StoreError> {
    let credential = URL_SAFE_NO_PAD.encode(crate::auth::sessions::random_bytes::<32>()?);
    let id = store
        .enrol_kiosk(directorate_id, label, &token_hash(&credential), now)
        .await?;
    Ok((id, credential))
}

/// An enrolled kiosk: handlers that take this argument refuse requests without its credential.
pub struct Kiosk(pub KioskDevice);

impl FromRequestParts<AppState> for Kiosk {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Kiosk, ApiError> {
        let credential = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Kiosk "))
            .map(str::trim)
            .filter(|c| !c.is_empty() && c.len() <= 100);
        let device = match credential {
            Some(credential) => state.store.kiosk(&token_hash(credential)).await?,
            None => None,
        };
        match device {
            Some(device) => Ok(Kiosk(device)),
            None => {
                audit(
                    state,
                    "anonymous",
                    "kiosk.request",
                    parts.uri.path(),
                    "denied",
                )
                .await;
                Err(ApiError::client(ErrorCode::KioskNotEnrolled))
            }
        }
    }
}

/// This kiosk's directorate and label.
#[utoipa::path(get, path = "/kiosk", tag = "kiosk",
    security(("kiosk" = [])),
    responses((status = 200, body = KioskInfo),
        (status = 401, description = "kiosk_not_enrolled", body = rega_api::Problem)))]
async fn kiosk_info(Kiosk(device): Kiosk) -> ApiJson<KioskInfo> {
    ApiJson(KioskInfo {
        directorate: device.directorate_id,
        label: device.label,
    })
}

fn refusal_code(refusal: CheckInRefusal) -> ErrorCode {
    match refusal {
        CheckInRefusal::NotFound => ErrorCode::CheckInNotFound,
        CheckInRefusal::WrongDirectorate => ErrorCode::CheckInWrongDirectorate,
        CheckInRefusal::TooEarly => ErrorCode::CheckInTooEarly,
        CheckInRefusal::TooLate => ErrorCode::CheckInTooLate,
        CheckInRefusal::Cancelled => ErrorCode::CheckInCancelled,
        CheckInRefusal::AlreadyServed => ErrorCode::CheckInAlreadyServed,
    }
}

/// Checks an appointment in at this kiosk's directorate and issues its queue ticket.
#[utoipa::path(post, path = "/kiosk/check-in", tag = "kiosk", request_body = CheckIn,
    security(("kiosk" = [])),
    responses((status = 200, body = QueueTicket),
        (status = 401, description = "kiosk_not_enrolled", body = rega_api::Problem),
        (status = 404, description = "check_in_not_found", body = rega_api::Problem),
        (status = 409, description = "check_in_wrong_directorate, check_in_too_early, check_in_too_late, check_in_cancelled, check_in_already_served", body = rega_api::Problem),
        (status = 422, description = "invalid_reference", body = rega_api::Problem),
        (status = 429, description = "rate_limited (Retry-After)", body = rega_api::Problem)))]
async fn check_in(
    State(state): State<AppState>,
    Kiosk(device): Kiosk,
    ApiJson(request): ApiJson<CheckIn>,
) -> Result<Response, ApiError> {
    let actor = format!("kiosk:{}", device.id);
    let now = state.clock.now();
    let limit_key = format!("check-in:kiosk:{}", device.id);
    let limit = EventLimit {
        key: &limit_key,
        since: now - 60,
        max: CHECK_INS_PER_MINUTE,
    };
    if state.store.take_event(&[limit], now).await?.is_some() {
        audit(&state, &actor, "kiosk.check_in", "-", "rate_limited").await;
        return Ok(rate_limited(60));
    }
    let reference = Reference::parse(&request.reference)
        .map_err(|_| ApiError::client(ErrorCode::InvalidReference))?;
    let object = format!("appointment:{reference}");
    let config = state.configuration().await?;
    // The code that opens the ticket on the citizen's phone; only its digest is kept.
    let (link, link_digest) =
        crate::domain::ticket_link::new_link(crate::auth::sessions::random_bytes::<10>()?);
    match state
        .store
        .check_in(
            &device.directorate_id,
            &reference,
            now,
            &config.rules,
            &link_digest,
        )
        .await
    {
        Ok(ticket) => {
            if !ticket.again {
                state.changed(&device.directorate_id).await;
            }
            audit(
                &state,
                &actor,
                "kiosk.check_in",
                &object,
                if ticket.again { "again" } else { "ok" },
            )
            .await;
            Ok(ApiJson(QueueTicket {
                ticket: crate::domain::check_in::ticket_label(&ticket.area, ticket.number),
                area: ticket.area,
                service: ticket.service.code().to_owned(),
                time: LocalDateTime::from_unix(ticket.starts_at).hh_mm(),
                ahead: u32::try_from(ticket.ahead).unwrap_or(u32::MAX),
                again: ticket.again,
                link,
            })
            .into_response())
        }
        Err(CheckInError::Refused(refusal)) => {
            let code = refusal_code(refusal);
            audit(&state, &actor, "kiosk.check_in", &object, code.as_str()).await;
            Err(ApiError::client(code))
        }
        Err(CheckInError::Store(e)) => Err(e.into()),
    }
}
