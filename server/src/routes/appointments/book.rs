//! Booking an appointment (SPEC §3.2) under an Idempotency-Key, and the services a citizen may book.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::appointments::{
    AppointmentView, CreateAppointment, EligibilityList, ServiceEligibility,
};
use rega_api::service::ServiceKind;
use rega_api::time::LocalDateTime;

use super::{audit_outcome, facts, ineligible, ineligible_code, limit, problem, refusal, view_of};
use crate::AppState;
use crate::auth::Citizen;
use crate::domain::appointment::lapses_before;
use crate::domain::calendar::booking_window;
use crate::domain::eligibility::{self};
use crate::domain::limits::{self, ChangeLimit, LimitError};
use crate::http::extract::ApiJson;
use crate::http::idempotency::{Keyed, problem_answer, seen_response, stored_response};
use crate::http::problem::ApiError;
use crate::store::{
    Appointment, AuditRecord, BookError, BookRequest, BookingChange, OfferTerms, OnceOutcome,
    OnceWrite,
};

/// A slot of the service, inside the booking window and still to come.
pub(super) async fn bookable_slot(
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
    let config = state.configuration().await?;
    let directorate = config
        .directorate(&slot.directorate_id)
        .filter(|d| config.places(d, service) > 0)
        .ok_or_else(|| problem(ErrorCode::SlotNotFound))?;
    let (first, last) = booking_window(&config, directorate, LocalDateTime::from_unix(now).date);
    let date = LocalDateTime::from_unix(slot.starts_at).date;
    if slot.starts_at <= now || date < first || date > last {
        return Err(problem(ErrorCode::OutsideBookingWindow));
    }
    Ok(())
}

pub(super) async fn book_request(
    state: &AppState,
    citizen_id: i64,
    slot_id: i64,
    service: ServiceKind,
) -> Result<BookRequest, ApiError> {
    let now = state.clock.now();
    let rules = &state.configuration().await?.rules;
    Ok(BookRequest {
        citizen_id,
        slot_id,
        service,
        now,
        offers: OfferTerms::of(rules),
        limit: ChangeLimit::at(rules, now),
    })
}

/// A citizen's change of their bookings under its Idempotency-Key (SPEC §6). A key seen before
/// answers from the store without checking anything again; a request the checks refuse leaves
/// the key unclaimed (nothing changed, and a retry is checked again); else the key, the change,
/// its answer and its audit record commit in one transaction (`Bookings::change_once`), so no
/// answer is lost to a crash or a client gone, and no key stays "in progress".
pub(super) async fn keyed_change<C>(
    state: &AppState,
    keyed: &Keyed<Citizen>,
    (action, object): (&str, String),
    success: StatusCode,
    checked: C,
) -> Response
where
    C: std::future::Future<Output = Result<BookingChange, ApiError>>,
{
    let actor = format!("citizen:{}", keyed.who.id);
    let audited = |response: Response| audit_outcome(state, &actor, action, &object, response);
    let (owner, key, request_hash) = (keyed.owner(), keyed.key(), keyed.request_hash());
    // What the key has answered already, if anything.
    let seen = || async {
        let seen = state
            .store
            .idempotency_seen(owner, key, request_hash)
            .await?;
        Ok::<_, ApiError>(seen.map(seen_response))
    };
    match seen().await {
        Err(e) => return audited(e.into_response()).await,
        Ok(Some(response)) => return audited(response).await,
        Ok(None) => {}
    }
    let ready = async { Ok::<_, ApiError>((checked.await?, state.configuration().await?)) };
    let (change, config) = match ready.await {
        Ok(ready) => ready,
        Err(refused) => {
            // A copy of this request may have committed since the first look (its change is
            // then why the checks refuse): the retry gets that first answer, not the refusal.
            let response = match seen().await {
                Ok(Some(first)) => first,
                _ => refused.into_response(),
            };
            return audited(response).await;
        }
    };
    let now = change.now();
    // The directorate whose day changed, for its boards and desks.
    let changed_at = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let noted = changed_at.clone();
    let respond = move |outcome: Result<&Appointment, &BookError>| match outcome {
        Ok(changed) => match view_of(&config, now, {
            if let Ok(mut noted) = noted.lock() {
                *noted = Some(changed.directorate_id.clone());
            }
            changed
        })
        .and_then(|v| serde_json::to_string(&v).map_err(|e| ApiError::Server(e.into())))
        {
            Ok(body) => (success.as_u16(), body),
            Err(_) => problem_answer(ErrorCode::Internal, None),
        },
        Err(refused) => problem_answer(refusal(refused).unwrap_or(ErrorCode::Internal), None),
    };
    let write = OnceWrite {
        owner,
        key,
        request_hash,
        audit: AuditRecord {
            at: now,
            actor: actor.clone(),
            action: action.to_owned(),
            object: object.clone(),
            result: String::new(),
        },
    };
    match state
        .store
        .change_once(&change, &write, Box::new(respond))
        .await
    {
        Err(e) => audited(ApiError::from(e).into_response()).await,
        Ok(OnceOutcome::Seen(seen)) => audited(seen_response(seen)).await,
        Ok(OnceOutcome::Answered { status, body }) => {
            tracing::info!(target: "audit", actor, action, object, result = crate::store::audit_result(status), "audit");
            if (200..300).contains(&status) {
                state.caches.availability.clear();
                // The citizen's message was written with the change: send it now.
                state.messages_written.notify_one();
                let directorate = changed_at.lock().ok().and_then(|mut d| d.take());
                if let Some(directorate) = directorate {
                    state.changed(&directorate).await;
                }
            }
            stored_response(status, body)
        }
    }
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
pub(super) async fn create(State(state): State<AppState>, keyed: Keyed<Citizen>) -> Response {
    let citizen = &keyed.who;
    let checked = async {
        let input: CreateAppointment = keyed.json()?;
        let config = state.configuration().await?;
        let service = ServiceKind::from_code(&input.service)
            .filter(|s| config.services.get(s).is_some_and(|s| s.offered))
            .ok_or_else(|| problem(ErrorCode::UnknownService))?;
        let now = state.clock.now();
        limits::no_show_block(
            &config.rules,
            &state.store.no_shows_of(citizen.id, now).await?,
            now,
        )
        .map_err(limit)?;
        let today = LocalDateTime::from_unix(now).date;
        eligibility::check(
            &config.rules,
            &facts(&state, citizen.id).await?,
            service,
            today,
        )
        .map_err(ineligible)?;
        bookable_slot(&state, input.slot_id, service).await?;
        Ok(BookingChange::Book(
            book_request(&state, citizen.id, input.slot_id, service).await?,
        ))
    };
    let action = ("booking.created", "appointment:new".to_owned());
    keyed_change(&state, &keyed, action, StatusCode::CREATED, checked).await
}

/// Which services the signed-in citizen may book now, each refusal with its reason — the same
/// checks, in the same order, as booking itself.
#[utoipa::path(get, path = "/eligibility", tag = "appointments",
    responses((status = 200, body = EligibilityList), (status = 401, body = rega_api::Problem)))]
pub(super) async fn eligibility_list(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<ApiJson<EligibilityList>, ApiError> {
    let now = state.clock.now();
    let config = state.configuration().await?;
    let blocked_until = match limits::no_show_block(
        &config.rules,
        &state.store.no_shows_of(citizen.id, now).await?,
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
        .filter(|a| a.status.is_active() && a.starts_at >= lapses_before(now))
        .map(|a| a.service)
        .collect();
    let today = LocalDateTime::from_unix(now).date;
    let services = ServiceKind::ALL
        .into_iter()
        .filter(|s| config.services.get(s).is_some_and(|s| s.offered))
        .map(|service| {
            let reason = if blocked_until.is_some() {
                Some(ErrorCode::NoShowBlocked)
            } else if let Err(why) = eligibility::check(&config.rules, &facts, service, today) {
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
