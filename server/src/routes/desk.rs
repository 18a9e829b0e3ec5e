//! The directorate desk (SPEC §3.7) and the waiting hall's board: staff sign in with a username
//! and password (Argon2id), see their directorate's day, call the next ticket of a counter area,
//! and record attendance. Every staff request is bound to the account's one directorate: a desk
//! of one directorate can neither read nor change another's. The board is public and shows only
//! ticket numbers and counters.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rega_api::ErrorCode;
use rega_api::ids::{Reference, ascii_digits};
use rega_api::service::ServiceKind;
use rega_api::staff::{
    Board, CallNext, CallNextResult, CalledTicket, CapacityResult, CloseDay, ClosureEntry,
    DayAppointment, DayList, EnrolKiosk, KioskEntry, OpenSlot, SetCapacity, StaffInfo, StaffSignIn,
};
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{ClientAddress, SessionUse, audit, rate_limited, token_hash};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::idempotency::{once, parse_json, read_body};
use crate::http::problem::ApiError;
use crate::store::{
    AttendanceError, ClosureRecord, IdempotencyOwner, NewClosure, SessionKind, SessionOwner,
    StaffRecord, StaffRole, StoreError,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The staff session cookie: `__Host-`, like the citizen's, and a name of its own.
pub const STAFF_COOKIE: &str = "__Host-rega_staff";
/// A staff session ends after 30 minutes without a request …
pub const STAFF_IDLE_TIMEOUT: i64 = 30 * 60;
/// … or after a working day.
pub const STAFF_ABSOLUTE_TIMEOUT: i64 = 10 * 3600;
/// Failed sign-ins allowed per username, and per client address, in 15 minutes.
pub const MAX_FAILED_SIGN_INS: u32 = 10;

/// The desk's routes and the board.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(me))
        .routes(routes!(day))
        .routes(routes!(call_next))
        .routes(routes!(attended))
        .routes(routes!(no_show))
        .routes(routes!(board))
        .routes(routes!(kiosks, enrol_kiosk))
        .routes(routes!(revoke_kiosk))
        .routes(routes!(set_capacity))
        .routes(routes!(open_slot))
        .routes(routes!(closures, close_day))
        .routes(routes!(lift_closure))
}

fn argon2() -> Argon2<'static> {
    // OWASP's Argon2id settings: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The Argon2id PHC string of a password, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| StoreError::NoRandomness)
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Creates a staff account with a password (for `rega staff add` and the demo).
pub async fn add_staff(
    store: &dyn crate::store::Store,
    username: &str,
    password: &str,
    role: StaffRole,
    directorate_id: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let password = password.to_owned();
    let phc = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| StoreError::NoRandomness)??;
    store
        .create_staff(username, &phc, role, directorate_id, now)
        .await
}

fn staff_cookie(token: Option<&str>) -> HeaderValue {
    crate::auth::named_session_cookie(STAFF_COOKIE, token)
}

fn staff_token(headers: &HeaderMap) -> Option<String> {
    crate::auth::cookie_value(headers, STAFF_COOKIE)
}

/// A signed-in staff member: handlers that take it need a valid staff session.
pub struct Staff(pub StaffRecord);

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, ApiError> {
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
                Ok(Staff(session.staff))
            }
        }
    }
}

fn actor(staff: &StaffRecord) -> String {
    format!("staff:{}", staff.id)
}

fn info(staff: &StaffRecord) -> StaffInfo {
    StaffInfo {
        username: staff.username.clone(),
        role: staff.role.code().to_owned(),
        directorate: staff.directorate_id.clone(),
    }
}

/// Signs a staff member in (sets the `__Host-rega_staff` cookie).
#[utoipa::path(post, path = "/staff/sign-in", tag = "desk", request_body = StaffSignIn,
    responses((status = 200, body = StaffInfo),
        (status = 401, description = "staff_sign_in_failed", body = rega_api::Problem),
        (status = 429, description = "rate_limited (Retry-After)", body = rega_api::Problem)))]
async fn sign_in(
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
    if state.store.count_events(&user_key, now - 15 * 60).await? >= MAX_FAILED_SIGN_INS
        || state
            .store
            .count_events(&address_key, now - 15 * 60)
            .await?
            >= MAX_FAILED_SIGN_INS
    {
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
    let password = request.password;
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
    let Some(account) = account.filter(|a| matches && !a.disabled) else {
        state.store.record_event(&user_key, now).await?;
        state.store.record_event(&address_key, now).await?;
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
    let token = URL_SAFE_NO_PAD.encode(crate::auth::random_bytes::<32>()?);
    state
        .store
        .create_session(SessionOwner::Staff(account.id), &token_hash(&token), now)
        .await?;
    audit(&state, &actor(&account), "staff.sign_in", "session", "ok").await;
    let mut response = ApiJson(info(&account)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, staff_cookie(Some(&token)));
    Ok(response)
}

/// Ends the staff session and clears its cookie.
#[utoipa::path(post, path = "/staff/sign-out", tag = "desk", responses((status = 204)))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = staff_token(&headers) {
        let hash = token_hash(&token);
        if let Some(session) = state.store.staff_session(&hash).await? {
            state
                .store
                .revoke_session(SessionKind::Staff, &hash, state.clock.now())
                .await?;
            audit(
                &state,
                &actor(&session.staff),
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

/// Who is signed in at the desk.
#[utoipa::path(get, path = "/staff/me", tag = "desk",
    responses((status = 200, body = StaffInfo),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem)))]
async fn me(Staff(staff): Staff) -> ApiJson<StaffInfo> {
    ApiJson(info(&staff))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DayQuery {
    /// The day, `YYYY-MM-DD` (default: today in Baghdad).
    date: Option<String>,
}

/// The directorate's appointments of a day, in time order, with status and ticket.
#[utoipa::path(get, path = "/staff/day", tag = "desk", params(DayQuery),
    responses((status = 200, body = DayList),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 422, description = "invalid_date", body = rega_api::Problem)))]
async fn day(
    State(state): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(query): ApiQuery<DayQuery>,
) -> Result<ApiJson<DayList>, ApiError> {
    let date = match query.date {
        Some(text) => Date::parse(&text).map_err(|_| ApiError::client(ErrorCode::InvalidDate))?,
        None => LocalDateTime::from_unix(state.clock.now()).date,
    };
    let from = LocalDateTime {
        date,
        hour: 0,
        minute: 0,
    }
    .to_unix();
    let entries = state
        .store
        .day_list(&staff.directorate_id, from, from + 86_400)
        .await?;
    Ok(ApiJson(DayList {
        date: date.to_string(),
        appointments: entries
            .into_iter()
            .map(|e| DayAppointment {
                reference: e.reference.to_string(),
                service: e.service.code().to_owned(),
                time: LocalDateTime::from_unix(e.starts_at).hh_mm(),
                status: e.status.code().to_owned(),
                ticket: e
                    .ticket
                    .as_ref()
                    .map(|t| format!("{}-{:03}", t.area, t.number)),
                ticket_status: e.ticket.as_ref().map(|t| t.status.clone()),
                counter: e.ticket.and_then(|t| t.counter),
            })
            .collect(),
    }))
}

/// A desk's state change, run once per `Idempotency-Key` of the staff account: a retry (a
/// dropped connection, a double click) gets the first answer instead of calling another ticket.
async fn desk_write<F, Fut>(
    state: &AppState,
    staff: &StaffRecord,
    request: Request,
    work: F,
) -> Response
where
    F: FnOnce(HeaderMap, Bytes) -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, serde_json::Value), ApiError>>,
{
    let (parts, body) = request.into_parts();
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let outcome = work(parts.headers.clone(), body.clone());
    once(
        state,
        IdempotencyOwner::Staff(staff.id),
        &parts.method,
        parts.uri.path(),
        &parts.headers,
        &body,
        outcome,
    )
    .await
}

/// A supervisor's state change: refused (403, audited as `action`) for a desk account, else the
/// JSON body read as `T` and `work` run once per Idempotency-Key, as [`desk_write`] does.
async fn supervisor_write<T, F, Fut>(
    state: &AppState,
    staff: &StaffRecord,
    request: Request,
    action: &str,
    work: F,
) -> Response
where
    T: serde::de::DeserializeOwned,
    F: FnOnce(T) -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, serde_json::Value), ApiError>>,
{
    if let Err(e) = supervisor(state, staff, action).await {
        return e.into_response();
    }
    desk_write(
        state,
        staff,
        request,
        |headers: HeaderMap, body: Bytes| async move { work(parse_json(&headers, &body)?).await },
    )
    .await
}

/// Calls the next waiting ticket of a counter area to this counter (today, this directorate).
#[utoipa::path(post, path = "/staff/call-next", tag = "desk", request_body = CallNext,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, body = CallNextResult),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "staff_invalid_counter, idempotency_key_reused", body = rega_api::Problem)))]
async fn call_next(
    State(state): State<AppState>,
    Staff(staff): Staff,
    request: Request,
) -> Response {
    let (state, staff) = (&state, &staff);
    let work = |headers: HeaderMap, body: Bytes| async move {
        let request: CallNext = parse_json(&headers, &body)?;
        let counter = request.counter.trim().to_owned();
        let area_ok = ["A", "T", "P", "M"].contains(&request.area.as_str());
        let counter_ok = (1..=8).contains(&counter.chars().count())
            && counter
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
        if !area_ok || !counter_ok {
            return Err(ApiError::client(ErrorCode::StaffInvalidCounter));
        }
        let now = state.clock.now();
        let day = LocalDateTime::from_unix(now).date.to_string();
        let called = state
            .store
            .call_next(&staff.directorate_id, &day, &request.area, &counter, now)
            .await?;
        let object = called.as_ref().map_or_else(
            || format!("area:{}", request.area),
            |c| format!("appointment:{}", c.reference),
        );
        let result = if called.is_some() {
            "ok"
        } else {
            "none_waiting"
        };
        audit(state, &actor(staff), "desk.call_next", &object, result).await;
        let answer = CallNextResult {
            called: called.map(|c| CalledTicket {
                ticket: format!("{}-{:03}", c.area, c.number),
                counter: c.counter,
                reference: Some(c.reference.to_string()),
            }),
        };
        let value = serde_json::to_value(answer).map_err(|e| ApiError::Server(e.into()))?;
        Ok((StatusCode::OK, value))
    };
    desk_write(state, staff, request, work).await
}

async fn attendance(
    state: &AppState,
    staff: &StaffRecord,
    reference: &str,
    attended: bool,
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    let reference =
        Reference::parse(reference).map_err(|_| ApiError::client(ErrorCode::InvalidReference))?;
    let action = if attended {
        "desk.attended"
    } else {
        "desk.no_show"
    };
    let object = format!("appointment:{reference}");
    let result = state
        .store
        .record_attendance(
            &staff.directorate_id,
            &reference,
            attended,
            state.clock.now(),
        )
        .await;
    let (code, outcome) = match result {
        Ok(()) => (None, "ok"),
        Err(AttendanceError::NotFound) => (Some(ErrorCode::NotFound), "not_found"),
        Err(AttendanceError::NotChangeable) => (Some(ErrorCode::NotChangeable), "not_changeable"),
        Err(AttendanceError::Store(e)) => return Err(e.into()),
    };
    audit(state, &actor(staff), action, &object, outcome).await;
    match code {
        None => Ok((StatusCode::NO_CONTENT, serde_json::Value::Null)),
        Some(code) => Err(ApiError::client(code)),
    }
}

/// The citizen came: the appointment is attended, its ticket done.
#[utoipa::path(post, path = "/staff/appointments/{reference}/attended", tag = "desk",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 404, description = "not_found: no such appointment at this directorate", body = rega_api::Problem),
        (status = 409, description = "not_changeable, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, idempotency_key_reused", body = rega_api::Problem)))]
async fn attended(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (state, staff, reference) = (&state, &staff, &reference);
    desk_write(state, staff, request, |_, _| {
        attendance(state, staff, reference, true)
    })
    .await
}

/// The citizen did not come: a no-show (three in 90 days block online booking).
#[utoipa::path(post, path = "/staff/appointments/{reference}/no-show", tag = "desk",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 404, description = "not_found: no such appointment at this directorate", body = rega_api::Problem),
        (status = 409, description = "not_changeable, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, idempotency_key_reused", body = rega_api::Problem)))]
async fn no_show(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (state, staff, reference) = (&state, &staff, &reference);
    desk_write(state, staff, request, |_, _| {
        attendance(state, staff, reference, false)
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct BoardQuery {
    /// The directorate, e.g. `erbil`.
    directorate: String,
}

/// The waiting hall's board: today's called tickets, the latest first (ticket and counter only).
#[utoipa::path(get, path = "/board", tag = "desk", params(BoardQuery),
    responses((status = 200, body = Board),
        (status = 404, description = "unknown_directorate", body = rega_api::Problem)))]
async fn board(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<BoardQuery>,
) -> Result<Response, ApiError> {
    let known = state.store.directorates().await?;
    if !known.iter().any(|(d, _)| d.id == query.directorate) {
        return Err(ApiError::client(ErrorCode::UnknownDirectorate));
    }
    let day = LocalDateTime::from_unix(state.clock.now()).date.to_string();
    let called = state
        .store
        .called_tickets(&query.directorate, &day, 10)
        .await?;
    let mut response = ApiJson(Board {
        directorate: query.directorate,
        called: called
            .into_iter()
            .map(|c| CalledTicket {
                ticket: format!("{}-{:03}", c.area, c.number),
                counter: c.counter,
                reference: None,
            })
            .collect(),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A supervisor's request: refused (403, audited) for a desk account.
async fn supervisor(state: &AppState, staff: &StaffRecord, action: &str) -> Result<(), ApiError> {
    if staff.role == StaffRole::Supervisor {
        return Ok(());
    }
    audit(state, &actor(staff), action, "-", "forbidden").await;
    Err(ApiError::client(ErrorCode::StaffForbidden))
}

/// The kiosks of the supervisor's directorate (supervisors only).
#[utoipa::path(get, path = "/staff/kiosks", tag = "desk",
    responses((status = 200, body = Vec<KioskEntry>),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem)))]
async fn kiosks(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> Result<ApiJson<Vec<KioskEntry>>, ApiError> {
    supervisor(&state, &staff, "desk.kiosks").await?;
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
#[utoipa::path(post, path = "/staff/kiosks", tag = "desk", request_body = EnrolKiosk,
    responses((status = 201, body = KioskEntry),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 400, description = "bad_request: a label of 1 to 40 characters", body = rega_api::Problem)))]
async fn enrol_kiosk(
    State(state): State<AppState>,
    Staff(staff): Staff,
    ApiJson(request): ApiJson<EnrolKiosk>,
) -> Result<Response, ApiError> {
    supervisor(&state, &staff, "desk.kiosk_enrolled").await?;
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
        &actor(&staff),
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
#[utoipa::path(post, path = "/staff/kiosks/{id}/revoke", tag = "desk",
    params(("id" = i64, Path, description = "the kiosk's number")),
    responses((status = 204),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 404, description = "not_found: no such kiosk at this directorate", body = rega_api::Problem)))]
async fn revoke_kiosk(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    supervisor(&state, &staff, "desk.kiosk_revoked").await?;
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

/// The end of a supervisor's change of one thing by its number: audited, `204` if it was done,
/// else `404 not_found` (no such thing at this directorate, or already done).
async fn done_or_not_found(
    state: &AppState,
    staff: &StaffRecord,
    (action, object): (&str, &str),
    done: bool,
) -> Result<StatusCode, ApiError> {
    let result = if done { "ok" } else { "not_found" };
    audit(state, &actor(staff), action, object, result).await;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::client(ErrorCode::NotFound))
    }
}

/// A day a supervisor may plan: today up to 60 days ahead.
fn planned_day(state: &AppState, text: &str) -> Result<Date, ApiError> {
    let date = Date::parse(text).map_err(|_| ApiError::client(ErrorCode::InvalidDate))?;
    let today = LocalDateTime::from_unix(state.clock.now()).date;
    let ahead = date.days_since_epoch() - today.days_since_epoch();
    if !(0..=60).contains(&ahead) {
        return Err(ApiError::client(ErrorCode::OutsideBookingWindow));
    }
    Ok(date)
}

fn service_of(code: &str) -> Result<ServiceKind, ApiError> {
    ServiceKind::from_code(code).ok_or_else(|| ApiError::client(ErrorCode::UnknownService))
}

/// Sets the places of the directorate's slots of `service` starting in `[from, to)`, forgets the
/// cached availability, audits (action, object, outcome), and answers what changed: the end of
/// both planning requests.
async fn replan(
    state: &AppState,
    staff: &StaffRecord,
    service: ServiceKind,
    (from, to): (i64, i64),
    capacity: u32,
    (action, object, outcome): (&str, &str, &str),
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    let (changed, kept) = state
        .store
        .set_capacity(
            &staff.directorate_id,
            service,
            from,
            to,
            i64::from(capacity),
        )
        .await?;
    state.caches.availability.clear();
    audit(state, &actor(staff), action, object, outcome).await;
    serde_json::to_value(CapacityResult { changed, kept })
        .map(|v| (StatusCode::OK, v))
        .map_err(|e| ApiError::Server(e.into()))
}

/// Sets the places of every slot of a service on a day at the supervisor's directorate; slots
/// with more places already booked keep theirs (supervisors only).
#[utoipa::path(post, path = "/staff/capacity", tag = "desk", request_body = SetCapacity,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, body = CapacityResult),
        (status = 400, description = "bad_request (capacity over 50), idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_date, outside_booking_window, unknown_service, idempotency_key_reused", body = rega_api::Problem)))]
async fn set_capacity(
    State(state): State<AppState>,
    Staff(staff): Staff,
    request: Request,
) -> Response {
    let (state, staff) = (&state, &staff);
    supervisor_write(
        state,
        staff,
        request,
        "desk.capacity",
        |request: SetCapacity| async move {
            let date = planned_day(state, &request.date)?;
            let service = service_of(&request.service)?;
            if request.capacity > 50 {
                return Err(ApiError::client(ErrorCode::BadRequest));
            }
            let from = LocalDateTime {
                date,
                hour: 0,
                minute: 0,
            }
            .to_unix();
            let object = format!(
                "capacity:{}:{}:{}",
                staff.directorate_id,
                service.code(),
                date
            );
            let outcome = format!("ok:{}", request.capacity);
            replan(
                state,
                staff,
                service,
                (from, from + 86_400),
                request.capacity,
                ("desk.capacity", &object, &outcome),
            )
            .await
        },
    )
    .await
}

/// Opens an extra slot for a service at the supervisor's directorate (supervisors only).
#[utoipa::path(post, path = "/staff/slots", tag = "desk", request_body = OpenSlot,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, body = CapacityResult),
        (status = 400, description = "bad_request (time, capacity), idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_date, outside_booking_window, unknown_service, day_closed (a closure of the directorate), idempotency_key_reused", body = rega_api::Problem)))]
async fn open_slot(
    State(state): State<AppState>,
    Staff(staff): Staff,
    request: Request,
) -> Response {
    let (state, staff) = (&state, &staff);
    supervisor_write(
        state,
        staff,
        request,
        "desk.slot_opened",
        |request: OpenSlot| async move {
            let date = planned_day(state, &request.date)?;
            let service = service_of(&request.service)?;
            let time = ascii_digits(&request.time);
            let time = time
                .split_once(':')
                .and_then(|(h, m)| Some((h.parse::<u8>().ok()?, m.parse::<u8>().ok()?)))
                .filter(|(h, m)| (6..20).contains(h) && m % 15 == 0 && *m < 60);
            let (Some((hour, minute)), true) = (time, (1..=50).contains(&request.capacity)) else {
                return Err(ApiError::client(ErrorCode::BadRequest));
            };
            let starts_at = LocalDateTime { date, hour, minute }.to_unix();
            let closed = state
                .store
                .closures_of(&staff.directorate_id, starts_at, starts_at + 1)
                .await?;
            if !closed.is_empty() {
                return Err(ApiError::client(ErrorCode::DayClosed));
            }
            state
                .store
                .ensure_slots(&staff.directorate_id, service, &[starts_at])
                .await?;
            let object = format!(
                "slot:{}:{}:{}T{:02}:{:02}",
                staff.directorate_id,
                service.code(),
                date,
                hour,
                minute
            );
            replan(
                state,
                staff,
                service,
                (starts_at, starts_at + 1),
                request.capacity,
                ("desk.slot_opened", &object, "ok"),
            )
            .await
        },
    )
    .await
}

/// Minutes since midnight of `HH:MM` on a quarter hour, `00:00` to `24:00`.
fn quarter_hour(text: &str) -> Option<i64> {
    let text = ascii_digits(text);
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    ((0..=24 * 60).contains(&minutes) && m < 60 && m % 15 == 0).then_some(minutes)
}

/// `HH:MM` of minutes since midnight (`24:00` at the day's end).
fn hh_mm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn closure_entry(record: ClosureRecord) -> ClosureEntry {
    let midnight = Date::parse(&record.day)
        .map(|date| {
            LocalDateTime {
                date,
                hour: 0,
                minute: 0,
            }
            .to_unix()
        })
        .unwrap_or(record.starts_at);
    let (from, to) = (
        (record.starts_at - midnight) / 60,
        (record.ends_at - midnight) / 60,
    );
    ClosureEntry {
        id: record.id,
        date: record.day,
        from: hh_mm(from),
        to: hh_mm(to),
        whole_day: from == 0 && to == 24 * 60,
        note: record.note,
        staff: record.staff,
        cancelled: record.cancelled,
    }
}

/// The directorate's closures from today to 60 days ahead, in time order (desk and supervisor).
#[utoipa::path(get, path = "/staff/closures", tag = "desk",
    responses((status = 200, body = Vec<ClosureEntry>),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem)))]
async fn closures(
    State(state): State<AppState>,
    Staff(staff): Staff,
) -> Result<ApiJson<Vec<ClosureEntry>>, ApiError> {
    let today = LocalDateTime::from_unix(state.clock.now()).date;
    let from = LocalDateTime {
        date: today,
        hour: 0,
        minute: 0,
    }
    .to_unix();
    let list = state
        .store
        .closures_of(&staff.directorate_id, from, from + 61 * 86_400)
        .await?;
    Ok(ApiJson(list.into_iter().map(closure_entry).collect()))
}

/// Closes a day or part of one at the supervisor's directorate: its slots take no bookings,
/// every booked or checked-in appointment in it is cancelled, and each citizen is sent an SMS
/// and asked to book again in My appointments (supervisors only).
#[utoipa::path(post, path = "/staff/closures", tag = "desk", request_body = CloseDay,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 201, body = ClosureEntry),
        (status = 400, description = "bad_request (a note of 1 to 200 characters), idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 409, description = "idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_date, outside_booking_window, staff_invalid_period, idempotency_key_reused", body = rega_api::Problem)))]
async fn close_day(
    State(state): State<AppState>,
    Staff(staff): Staff,
    request: Request,
) -> Response {
    let (state, staff) = (&state, &staff);
    supervisor_write(
        state,
        staff,
        request,
        "desk.closed",
        |request: CloseDay| async move {
            let date = planned_day(state, &request.date)?;
            let note = request.note.trim();
            if !(1..=200).contains(&note.chars().count()) {
                return Err(ApiError::client(ErrorCode::BadRequest));
            }
            let (from, to) = match (request.from.as_deref(), request.to.as_deref()) {
                (None, None) => (0, 24 * 60),
                (Some(from), Some(to)) => (
                    quarter_hour(from).ok_or(ApiError::client(ErrorCode::StaffInvalidPeriod))?,
                    quarter_hour(to).ok_or(ApiError::client(ErrorCode::StaffInvalidPeriod))?,
                ),
                _ => return Err(ApiError::client(ErrorCode::StaffInvalidPeriod)),
            };
            let midnight = LocalDateTime {
                date,
                hour: 0,
                minute: 0,
            }
            .to_unix();
            let (starts_at, ends_at) = (midnight + from * 60, midnight + to * 60);
            let now = state.clock.now();
            if from >= to || ends_at <= now {
                return Err(ApiError::client(ErrorCode::StaffInvalidPeriod));
            }
            let day = date.to_string();
            let (id, cancelled) = state
                .store
                .close(&NewClosure {
                    directorate_id: &staff.directorate_id,
                    day: &day,
                    starts_at,
                    ends_at,
                    note,
                    staff_id: staff.id,
                    now,
                })
                .await?;
            state.caches.availability.clear();
            audit(
                state,
                &actor(staff),
                "desk.closed",
                &format!(
                    "closure:{id}:{}:{day}T{}-{}",
                    staff.directorate_id,
                    hh_mm(from),
                    hh_mm(to)
                ),
                &format!("ok:{cancelled}"),
            )
            .await;
            // The citizens are told now (should this instance stop first, the reminder job tells them).
            if let Err(error) = crate::jobs::send_closure_notices(state).await {
                tracing::error!(%error, "cannot send the closure notices now; the job retries");
            }
            let entry = closure_entry(ClosureRecord {
                id,
                day,
                starts_at,
                ends_at,
                note: note.to_owned(),
                staff: staff.username.clone(),
                cancelled: i64::try_from(cancelled).unwrap_or(i64::MAX),
            });
            serde_json::to_value(entry)
                .map(|v| (StatusCode::CREATED, v))
                .map_err(|e| ApiError::Server(e.into()))
        },
    )
    .await
}

/// Lifts a closure of the supervisor's directorate: its slots take bookings again (with the
/// places of the directorate's counters); the appointments it cancelled stay cancelled, as their
/// citizens were told (supervisors only).
#[utoipa::path(post, path = "/staff/closures/{id}/lift", tag = "desk",
    params(("id" = i64, Path, description = "the closure's number")),
    responses((status = 204),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden", body = rega_api::Problem),
        (status = 404, description = "not_found: no such closure in force at this directorate", body = rega_api::Problem)))]
async fn lift_closure(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    supervisor(&state, &staff, "desk.closure_lifted").await?;
    let lifted = state
        .store
        .lift_closure(&staff.directorate_id, id, staff.id, state.clock.now())
        .await?;
    if lifted {
        state.caches.availability.clear();
    }
    done_or_not_found(
        &state,
        &staff,
        ("desk.closure_lifted", &format!("closure:{id}")),
        lifted,
    )
    .await
}
