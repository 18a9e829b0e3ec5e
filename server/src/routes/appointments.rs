//! `/appointments`: book, list, get, reschedule, cancel, and the `.ics` of one.

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::appointments::{
    AppointmentList, AppointmentState, AppointmentView, CreateAppointment, EligibilityList, Place,
    RescheduleAppointment, ServiceEligibility,
};
use rega_api::ids::Reference;
use rega_api::reference::LocalizedText;
use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Citizen;
use crate::domain::calendar::booking_window;
use crate::domain::eligibility::{self, CitizenFacts, Ineligible, LicenceFacts};
use crate::domain::limits::{self, ChangeLimit, LimitError};
use crate::http::audit::audit;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::idempotency::{
    key_and_hash, once, parse_json, problem_answer, read_body, seen_response, stored_response,
};
use crate::http::problem::ApiError;
use crate::store::{
    Appointment, AppointmentStatus, AuditRecord, BookError, BookRequest, IdempotencyOwner,
    OnceOutcome, OnceWrite,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const DAY: i64 = 86_400;

/// The appointment routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(one))
        .routes(routes!(reschedule))
        .routes(routes!(cancel))
        .routes(routes!(calendar))
        .routes(routes!(eligibility_list))
}

fn problem(code: ErrorCode) -> ApiError {
    ApiError::client(code)
}

fn ineligible(reason: Ineligible) -> ApiError {
    problem(ineligible_code(reason))
}

fn ineligible_code(reason: Ineligible) -> ErrorCode {
    match reason {
        Ineligible::AlreadyLicensed => ErrorCode::NotEligibleAlreadyLicensed,
        Ineligible::TooYoung => ErrorCode::NotEligibleTooYoung,
        Ineligible::NoLicence => ErrorCode::NotEligibleNoLicence,
        Ineligible::RenewalNotDue => ErrorCode::NotEligibleRenewalNotDue,
        Ineligible::LicenceSuspended => ErrorCode::NotEligibleLicenceSuspended,
        Ineligible::TheoryTestNotPassed => ErrorCode::NotEligibleTheoryTestNotPassed,
    }
}

fn limit(error: LimitError) -> ApiError {
    match error {
        LimitError::AlreadyBooked => problem(ErrorCode::AlreadyBooked),
        LimitError::TooManyChanges => problem(ErrorCode::TooManyChanges),
        LimitError::PastCutoff => problem(ErrorCode::PastCutoff),
        LimitError::NoShowBlocked { until } => ApiError::Client {
            code: ErrorCode::NoShowBlocked,
            detail: Some(format!(
                "Online booking is blocked until {}.",
                LocalDateTime::from_unix(until).to_rfc3339()
            )),
        },
    }
}

fn book_error(error: BookError) -> ApiError {
    match refusal(&error) {
        Some(code) => problem(code),
        None => match error {
            BookError::Store(e) => e.into(),
            _ => problem(ErrorCode::Internal),
        },
    }
}

/// The problem code of a booking's refusal; `None` for a database failure.
fn refusal(error: &BookError) -> Option<ErrorCode> {
    Some(match error {
        BookError::SlotNotFound => ErrorCode::SlotNotFound,
        BookError::SlotFull => ErrorCode::SlotFull,
        BookError::AlreadyBooked => ErrorCode::AlreadyBooked,
        BookError::TooManyChanges => ErrorCode::TooManyChanges,
        BookError::NotFound => ErrorCode::NotFound,
        BookError::NotChangeable => ErrorCode::NotChangeable,
        BookError::Store(_) => return None,
    })
}

/// What the eligibility rules need to know about a citizen.
async fn facts(state: &AppState, citizen_id: i64) -> Result<CitizenFacts, ApiError> {
    let record = state
        .store
        .citizen(citizen_id)
        .await?
        .ok_or_else(|| problem(ErrorCode::Unauthenticated))?;
    let licence = state.store.licence_of(citizen_id).await?;
    let birth_date =
        Date::parse(&record.birth_date).map_err(|_| anyhow::anyhow!("corrupt birth date"))?;
    let licence = match licence {
        Some(l) => Some(LicenceFacts {
            expiry_date: Date::parse(&l.expiry_date)
                .map_err(|_| anyhow::anyhow!("corrupt expiry date"))?,
            suspended: l.suspension.is_some(),
        }),
        None => None,
    };
    Ok(CitizenFacts {
        birth_date,
        licence,
        theory_test_passed: record.theory_test_passed,
    })
}

/// A slot of the service, inside the booking window and still to come.
async fn bookable_slot(
    state: &AppState,
    slot_id: i64,
    service: ServiceKind,
) -> Result<(), ApiError> {
    let slot = state
        .store
        .slot(slot_id)
        .await?
        .ok_or_else(|| problem(ErrorCode::SlotNotFound))?;
    if slot.service != service {
        return Err(problem(ErrorCode::SlotNotFound));
    }
    let now = state.clock.now();
    let (first, last) = booking_window(
        &state.rules,
        &state.holidays,
        LocalDateTime::from_unix(now).date,
    );
    let date = LocalDateTime::from_unix(slot.starts_at).date;
    if slot.starts_at <= now || date < first || date > last {
        return Err(problem(ErrorCode::OutsideBookingWindow));
    }
    Ok(())
}

fn book_request(
    state: &AppState,
    citizen_id: i64,
    slot_id: i64,
    service: ServiceKind,
) -> BookRequest {
    let now = state.clock.now();
    BookRequest {
        citizen_id,
        slot_id,
        service,
        now,
        limit: ChangeLimit::at(&state.rules, now),
    }
}

fn state_of(status: AppointmentStatus) -> AppointmentState {
    match status {
        AppointmentStatus::Booked => AppointmentState::Booked,
        AppointmentStatus::CheckedIn => AppointmentState::CheckedIn,
        AppointmentStatus::Attended => AppointmentState::Attended,
        AppointmentStatus::NoShow => AppointmentState::NoShow,
        AppointmentStatus::Cancelled => AppointmentState::Cancelled,
    }
}

/// The citizen-facing view of appointments, with their directorates.
async fn views(
    state: &AppState,
    appointments: &[Appointment],
) -> Result<Vec<AppointmentView>, ApiError> {
    let directorates = state.directorates().await?;
    let now = state.clock.now();
    appointments
        .iter()
        .map(|a| view_of(state, &directorates, now, a))
        .collect()
}

/// The citizen-facing view of one appointment, given the directorates.
fn view_of(
    state: &AppState,
    directorates: &[(crate::store::Directorate, Vec<(ServiceKind, u32)>)],
    now: i64,
    a: &Appointment,
) -> Result<AppointmentView, ApiError> {
    let (d, _) = directorates
        .iter()
        .find(|(d, _)| d.id == a.directorate_id)
        .ok_or_else(|| anyhow::anyhow!("appointment at an unknown directorate"))?;
    let start = LocalDateTime::from_unix(a.starts_at);
    let cutoff = a.starts_at - state.rules.cutoff_hours * 3600;
    Ok(AppointmentView {
        reference: a.reference.to_string(),
        service: a.service,
        status: state_of(a.status),
        place: Place {
            id: d.id.clone(),
            name: LocalizedText {
                en: d.name.en.clone(),
                ckb: d.name.ckb.clone(),
                ar: d.name.ar.clone(),
            },
            address: LocalizedText {
                en: d.address.en.clone(),
                ckb: d.address.ckb.clone(),
                ar: d.address.ar.clone(),
            },
            phone: d.phone.clone(),
        },
        starts_at: start.to_rfc3339(),
        date: start.date,
        time: start.hh_mm(),
        minutes: state.rules.slot_minutes(a.service),
        change_until: LocalDateTime::from_unix(cutoff).to_rfc3339(),
        can_change: a.status == AppointmentStatus::Booked && now <= cutoff,
        closed: a.closed_at.is_some(),
        rebook: false,
    })
}

async fn view(state: &AppState, appointment: &Appointment) -> Result<serde_json::Value, ApiError> {
    let mut list = views(state, std::slice::from_ref(appointment)).await?;
    let one = list.pop().ok_or_else(|| anyhow::anyhow!("no view"))?;
    Ok(serde_json::to_value(one).map_err(anyhow::Error::from)?)
}

/// The citizen's appointment with this reference; another citizen's looks like none at all.
async fn find(state: &AppState, citizen_id: i64, reference: &str) -> Result<Appointment, ApiError> {
    let reference =
        Reference::parse(reference).map_err(|_| problem(ErrorCode::InvalidReference))?;
    state
        .store
        .appointments_of(citizen_id)
        .await?
        .into_iter()
        .find(|a| a.reference == reference)
        .ok_or_else(|| problem(ErrorCode::NotFound))
}

/// The shared part of every booking write: read the body within the limit, run `work` once per
/// Idempotency-Key, and write one audit record of the outcome.
async fn booking_write<F, Fut>(
    state: &AppState,
    citizen: &Citizen,
    request: Request,
    action: &str,
    object: String,
    work: F,
) -> Response
where
    F: FnOnce(axum::http::HeaderMap, Bytes) -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, serde_json::Value), ApiError>>,
{
    let (parts, body) = request.into_parts();
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let actor = format!("citizen:{}", citizen.id);
    let outcome = work(parts.headers.clone(), body.clone());
    let response = once(
        state,
        crate::store::IdempotencyOwner::Citizen(citizen.id),
        &parts.method,
        parts.uri.path(),
        &parts.headers,
        &body,
        outcome,
    )
    .await;
    audit_outcome(state, &actor, action, &object, response).await
}

/// Books a place. Needs a session and an `Idempotency-Key`.
#[utoipa::path(post, path = "/appointments", tag = "appointments", request_body = CreateAppointment,
    params(("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 201, body = AppointmentView), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem),
        (status = 403, description = "no_show_blocked, not_eligible_*", body = rega_api::Problem),
        (status = 404, description = "slot_not_found", body = rega_api::Problem),
        (status = 409, description = "slot_full, already_booked, too_many_changes, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "unknown_service, outside_booking_window, idempotency_key_reused", body = rega_api::Problem)))]
async fn create(State(state): State<AppState>, citizen: Citizen, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let actor = format!("citizen:{}", citizen.id);
    let audited = |response: Response| {
        audit_outcome(
            &state,
            &actor,
            "booking.created",
            "appointment:new",
            response,
        )
    };
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(e) => return audited(e.into_response()).await,
    };
    let (key, request_hash) =
        match key_and_hash(&parts.method, parts.uri.path(), &parts.headers, &body) {
            Ok(k) => k,
            Err(e) => return audited(e.into_response()).await,
        };
    let owner = IdempotencyOwner::Citizen(citizen.id);
    // A key seen before answers from the store, without checking anything again.
    match state
        .store
        .idempotency_seen(owner, &key, &request_hash)
        .await
    {
        Err(e) => return audited(ApiError::from(e).into_response()).await,
        Ok(Some(seen)) => {
            if let Some(response) = seen_response(seen) {
                return audited(response).await;
            }
        }
        Ok(None) => {}
    }
    let checked = async {
        let input: CreateAppointment = parse_json(&parts.headers, &body)?;
        let service = ServiceKind::from_code(&input.service)
            .ok_or_else(|| problem(ErrorCode::UnknownService))?;
        let now = state.clock.now();
        limits::no_show_block(
            &state.rules,
            &state.store.no_shows_of(citizen.id).await?,
            now,
        )
        .map_err(limit)?;
        let today = LocalDateTime::from_unix(now).date;
        eligibility::check(
            &state.rules,
            &facts(&state, citizen.id).await?,
            service,
            today,
        )
        .map_err(ineligible)?;
        bookable_slot(&state, input.slot_id, service).await?;
        Ok::<_, ApiError>((
            book_request(&state, citizen.id, input.slot_id, service),
            state.directorates().await?,
        ))
    };
    // A request refused before it reaches the database leaves the key unclaimed: nothing
    // changed, and a retry is checked again.
    let (request, directorates) = match checked.await {
        Ok(ready) => ready,
        Err(e) => return audited(e.into_response()).await,
    };
    // The key, the booking, its answer and the audit record: one transaction, one commit.
    let (view_state, now) = (state.clone(), request.now);
    let respond = move |outcome: Result<&Appointment, &BookError>| match outcome {
        Ok(booked) => match view_of(&view_state, &directorates, now, booked)
            .and_then(|v| serde_json::to_string(&v).map_err(|e| ApiError::Server(e.into())))
        {
            Ok(body) => (StatusCode::CREATED.as_u16(), body),
            Err(_) => problem_answer(ErrorCode::Internal, None),
        },
        Err(refused) => problem_answer(refusal(refused).unwrap_or(ErrorCode::Internal), None),
    };
    let write = OnceWrite {
        owner,
        key: &key,
        request_hash: &request_hash,
        audit: AuditRecord {
            at: request.now,
            actor: actor.clone(),
            action: "booking.created".to_owned(),
            object: "appointment:new".to_owned(),
            result: String::new(),
        },
    };
    match state
        .store
        .book_once(&request, &write, Box::new(respond))
        .await
    {
        Err(e) => audited(ApiError::from(e).into_response()).await,
        Ok(OnceOutcome::Seen(seen)) => {
            audited(seen_response(seen).unwrap_or_else(|| {
                ApiError::client(ErrorCode::IdempotencyInProgress).into_response()
            }))
            .await
        }
        Ok(OnceOutcome::Answered { status, body }) => {
            tracing::info!(target: "audit", actor, action = "booking.created", object = "appointment:new", result = crate::store::audit_result(status), "audit");
            if status == StatusCode::CREATED.as_u16() {
                state.caches.availability.clear();
            }
            stored_response(status, body)
        }
    }
}

/// Which services the signed-in citizen may book now, each refusal with its reason — the same
/// checks, in the same order, as booking itself.
#[utoipa::path(get, path = "/eligibility", tag = "appointments",
    responses((status = 200, body = EligibilityList), (status = 401, body = rega_api::Problem)))]
async fn eligibility_list(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<ApiJson<EligibilityList>, ApiError> {
    let now = state.clock.now();
    let blocked_until = match limits::no_show_block(
        &state.rules,
        &state.store.no_shows_of(citizen.id).await?,
        now,
    ) {
        Err(LimitError::NoShowBlocked { until }) => Some(until),
        _ => None,
    };
    let facts = facts(&state, citizen.id).await?;
    let active: Vec<ServiceKind> = state
        .store
        .appointments_of(citizen.id)
        .await?
        .into_iter()
        .filter(|a| a.status.is_active())
        .map(|a| a.service)
        .collect();
    let today = LocalDateTime::from_unix(now).date;
    let services = ServiceKind::ALL
        .into_iter()
        .map(|service| {
            let reason = if blocked_until.is_some() {
                Some(ErrorCode::NoShowBlocked)
            } else if let Err(why) = eligibility::check(&state.rules, &facts, service, today) {
                Some(ineligible_code(why))
            } else if active.contains(&service) {
                Some(ErrorCode::AlreadyBooked)
            } else {
                None
            };
            ServiceEligibility { service, reason }
        })
        .collect();
    Ok(ApiJson(EligibilityList {
        services,
        blocked_until: blocked_until.map(|u| LocalDateTime::from_unix(u).to_rfc3339()),
    }))
}

/// The citizen's appointment, if it may still be changed online: booked, and before the cut-off.
async fn changeable(
    state: &AppState,
    citizen_id: i64,
    reference: &str,
) -> Result<Appointment, ApiError> {
    let current = find(state, citizen_id, reference).await?;
    if current.status != AppointmentStatus::Booked {
        return Err(problem(ErrorCode::NotChangeable));
    }
    limits::before_cutoff(&state.rules, current.starts_at, state.clock.now()).map_err(limit)?;
    Ok(current)
}

/// Moves a booked appointment to another slot of the same service, until the cut-off.
#[utoipa::path(post, path = "/appointments/{reference}/reschedule", tag = "appointments", request_body = RescheduleAppointment,
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters")),
    responses((status = 200, body = AppointmentView), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem), (status = 404, body = rega_api::Problem),
        (status = 409, description = "slot_full, past_cutoff, not_changeable, too_many_changes", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, outside_booking_window", body = rega_api::Problem)))]
async fn reschedule(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (state, citizen) = (&state, &citizen);
    let reference = &reference;
    let work = |headers: axum::http::HeaderMap, body: Bytes| async move {
        let input: RescheduleAppointment = parse_json(&headers, &body)?;
        let current = changeable(state, citizen.id, reference).await?;
        bookable_slot(state, input.slot_id, current.service).await?;
        let moved = state
            .store
            .reschedule(
                citizen.id,
                &current.reference,
                input.slot_id,
                &book_request(state, citizen.id, input.slot_id, current.service),
            )
            .await
            .map_err(book_error)?;
        state.caches.availability.clear();
        Ok((StatusCode::OK, view(state, &moved).await?))
    };
    booking_write(
        state,
        citizen,
        request,
        "booking.rescheduled",
        format!("appointment:{reference}"),
        work,
    )
    .await
}

/// Cancels a booked appointment until the cut-off, releasing its place.
#[utoipa::path(post, path = "/appointments/{reference}/cancel", tag = "appointments",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters")),
    responses((status = 200, body = AppointmentView), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem), (status = 404, body = rega_api::Problem),
        (status = 409, description = "past_cutoff, not_changeable", body = rega_api::Problem),
        (status = 422, description = "invalid_reference", body = rega_api::Problem)))]
async fn cancel(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(reference): Path<String>,
    request: Request,
) -> Response {
    let (state, citizen) = (&state, &citizen);
    let reference = &reference;
    let work = |_headers: axum::http::HeaderMap, _body: Bytes| async move {
        let current = changeable(state, citizen.id, reference).await?;
        let now = state.clock.now();
        let cancelled = state
            .store
            .cancel(citizen.id, &current.reference, now)
            .await
            .map_err(book_error)?;
        state.caches.availability.clear();
        Ok((StatusCode::OK, view(state, &cancelled).await?))
    };
    booking_write(
        state,
        citizen,
        request,
        "booking.cancelled",
        format!("appointment:{reference}"),
        work,
    )
    .await
}

/// One audit record per booking request: the reference on success, the problem code otherwise.
async fn audit_outcome(
    state: &AppState,
    actor: &str,
    action: &str,
    object: &str,
    response: Response,
) -> Response {
    let result = if response.status().is_success() {
        "ok".to_owned()
    } else {
        response.status().as_u16().to_string()
    };
    let replayed = response.headers().contains_key("idempotent-replayed");
    let action = if replayed {
        format!("{action}.replayed")
    } else {
        action.to_owned()
    };
    // The response is held by value (its body is not Sync, so no reference may cross an await).
    audit(state, actor, &action, object, &result).await;
    response
}

/// The signed-in citizen's appointments.
#[utoipa::path(get, path = "/appointments", tag = "appointments",
    responses((status = 200, body = AppointmentList), (status = 401, body = rega_api::Problem)))]
async fn list(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<ApiJson<AppointmentList>, ApiError> {
    let now = state.clock.now();
    let all = state.store.appointments_of(citizen.id).await?;
    // Cancelled by a closure in the last 30 days, and no appointment of the service booked
    // since: ask to book again.
    let rebook: Vec<Reference> = all
        .iter()
        .filter(|a| {
            a.closed_at.is_some_and(|closed_at| {
                closed_at > now - 30 * 86_400
                    && !all.iter().any(|b| {
                        b.service == a.service
                            && b.reference != a.reference
                            && b.created_at >= closed_at
                    })
            })
        })
        .map(|a| a.reference.clone())
        .collect();
    let (mut upcoming, past): (Vec<Appointment>, Vec<Appointment>) =
        all.into_iter().partition(|a| {
            // Upcoming until its slot has ended; then it is past, whatever its status says.
            let ends_at = a.starts_at + i64::from(state.rules.slot_minutes(a.service)) * 60;
            a.status.is_active() && ends_at > now
        });
    upcoming.sort_by_key(|a| a.starts_at);
    Ok(ApiJson(AppointmentList {
        upcoming: views(&state, &upcoming).await?,
        past: views(&state, &past)
            .await?
            .into_iter()
            .map(|mut v| {
                v.rebook = rebook.iter().any(|r| r.to_string() == v.reference);
                v
            })
            .collect(),
    }))
}

/// One of the signed-in citizen's appointments.
#[utoipa::path(get, path = "/appointments/{reference}", tag = "appointments",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX")),
    responses((status = 200, body = AppointmentView), (status = 401, body = rega_api::Problem),
        (status = 404, body = rega_api::Problem), (status = 422, description = "invalid_reference", body = rega_api::Problem)))]
async fn one(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(reference): Path<String>,
) -> Result<ApiJson<serde_json::Value>, ApiError> {
    let appointment = find(&state, citizen.id, &reference).await?;
    Ok(ApiJson(view(&state, &appointment).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct CalendarQuery {
    /// `ckb`, `ar` or `en` (default) for the event's title and place.
    lang: Option<String>,
}

fn service_name(service: ServiceKind, lang: &str) -> &'static str {
    let [en, ckb, ar] = match service {
        ServiceKind::NewLicence => [
            "New driving licence",
            "دەرهێنانی مۆڵەتی نوێ",
            "إصدار إجازة سوق جديدة",
        ],
        ServiceKind::Renewal => ["Licence renewal", "نوێکردنەوەی مۆڵەت", "تجديد إجازة السوق"],
        ServiceKind::Replacement => [
            "Licence replacement",
            "مۆڵەتی لەبری ونبوو",
            "بدل ضائع أو تالف",
        ],
        ServiceKind::TheoryTest => ["Theory test", "تاقیکردنەوەی تیۆری", "الاختبار النظري"],
        ServiceKind::PracticalTest => ["Practical test", "تاقیکردنەوەی کرداری", "الاختبار العملي"],
        ServiceKind::MedicalCheck => ["Medical check", "پشکنینی پزیشکی", "الفحص الطبي"],
    };
    match lang {
        "ckb" => ckb,
        "ar" => ar,
        _ => en,
    }
}

/// Escapes text for an iCalendar value (RFC 5545 §3.3.11).
fn ics_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

fn utc_stamp(unix: i64) -> String {
    let days = unix.div_euclid(DAY);
    let seconds = unix.rem_euclid(DAY);
    let date = Date::from_days_since_epoch(days);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        date.year(),
        date.month(),
        date.day(),
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// The appointment as an iCalendar file, times in UTC so every calendar shows them right.
#[utoipa::path(get, path = "/appointments/{reference}/calendar.ics", tag = "appointments",
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"), CalendarQuery),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 401, body = rega_api::Problem),
        (status = 404, body = rega_api::Problem)))]
async fn calendar(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(reference): Path<String>,
    ApiQuery(query): ApiQuery<CalendarQuery>,
) -> Result<Response, ApiError> {
    let appointment = find(&state, citizen.id, &reference).await?;
    let lang = query.lang.as_deref().unwrap_or("en");
    let view = views(&state, std::slice::from_ref(&appointment))
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no view"))?;
    let pick = |t: &LocalizedText| match lang {
        "ckb" => t.ckb.clone(),
        "ar" => t.ar.clone(),
        _ => t.en.clone(),
    };
    let end = appointment.starts_at + i64::from(view.minutes) * 60;
    let summary = format!(
        "{} – {}",
        service_name(appointment.service, lang),
        pick(&view.place.name)
    );
    let description = format!(
        "{} {}. {}",
        appointment.reference, view.time, view.place.phone
    );
    let body = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//KRG General Directorate of Traffic//Rega//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@rega", appointment.reference.code()),
        format!("DTSTAMP:{}", utc_stamp(state.clock.now())),
        format!("DTSTART:{}", utc_stamp(appointment.starts_at)),
        format!("DTEND:{}", utc_stamp(end)),
        format!("SUMMARY:{}", ics_text(&summary)),
        format!("LOCATION:{}", ics_text(&pick(&view.place.address))),
        format!("DESCRIPTION:{}", ics_text(&description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ]
    .join("\r\n")
        + "\r\n";
    let mut response = (StatusCode::OK, Body::from(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.ics\"",
        appointment.reference
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
