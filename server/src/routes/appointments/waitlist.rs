//! The waitlist (docs/waitlist.md): joining it for a service at a directorate, or for an earlier
//! place of a booking; leaving it; declining or taking the place an offer holds. Joining is
//! refused by the same rules as booking (a citizen who could not book the place cannot wait for
//! it), and taking an offer is a booking change under its Idempotency-Key with the same limits.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::appointments::AppointmentView;
use rega_api::service::ServiceKind;
use rega_api::time::LocalDateTime;
use rega_api::waitlist::{JoinWaitlist, Offer, WaitEarlier, WaitlistEntryView, WaitlistList};

use super::book::{book_request, bookable_slot, keyed_change};
use super::change::changeable;
use super::{facts, ineligible, limit, place_of, problem};
use crate::AppState;
use crate::auth::Citizen;
use crate::domain::calendar::booking_window;
use crate::domain::configuration::Configuration;
use crate::domain::eligibility;
use crate::domain::limits;
use crate::domain::waitlist::{RangeError, days_window, earlier_window};
use crate::http::audit::audit;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::idempotency::Keyed;
use crate::http::problem::ApiError;
use crate::store::{BookingChange, JoinRefusal, NewEntry, OfferTerms, WaitlistEntry};

/// The signed-in citizen's entries on the waitlist, with the places held for them.
#[utoipa::path(get, path = "/waitlist", tag = "waitlist",
    responses((status = 200, body = WaitlistList), (status = 401, body = rega_api::Problem)))]
pub(super) async fn list(
    State(state): State<AppState>,
    citizen: Citizen,
) -> Result<ApiJson<WaitlistList>, ApiError> {
    let config = state.configuration().await?;
    let entries = state.store.waitlist_of(citizen.id).await?;
    Ok(ApiJson(WaitlistList {
        entries: entries
            .iter()
            .map(|e| view_of(&config, e))
            .collect::<Result<_, _>>()?,
    }))
}

/// Joins the waitlist for a service at a directorate, for days inside the booking window and a
/// part of the day. A place free already is offered at once.
#[utoipa::path(post, path = "/waitlist", tag = "waitlist", request_body = JoinWaitlist,
    responses((status = 201, body = WaitlistEntryView), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem),
        (status = 403, description = "no_show_blocked, not_eligible_*", body = rega_api::Problem),
        (status = 404, description = "unknown_directorate", body = rega_api::Problem),
        (status = 409, description = "already_waiting, already_booked", body = rega_api::Problem),
        (status = 422, description = "unknown_service, invalid_day_range, outside_booking_window", body = rega_api::Problem)))]
pub(super) async fn join(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiJson(input): ApiJson<JoinWaitlist>,
) -> Result<Response, ApiError> {
    let config = state.configuration().await?;
    let service = ServiceKind::from_code(&input.service)
        .filter(|s| config.services.get(s).is_some_and(|s| s.offered))
        .ok_or_else(|| problem(ErrorCode::UnknownService))?;
    let directorate = config
        .directorate(&input.directorate)
        .filter(|d| config.places(d, service) > 0)
        .ok_or_else(|| problem(ErrorCode::UnknownDirectorate))?;
    may_book(&state, &config, citizen.id, service).await?;
    let now = state.clock.now();
    let today = LocalDateTime::from_unix(now).date;
    let window = booking_window(&config, directorate, today);
    let (window_from, window_to) =
        days_window(input.from, input.to, window).map_err(|e| match e {
            RangeError::Reversed => problem(ErrorCode::InvalidDayRange),
            RangeError::OutsideWindow => problem(ErrorCode::OutsideBookingWindow),
        })?;
    let entry = NewEntry {
        citizen_id: citizen.id,
        directorate_id: directorate.directorate.id.clone(),
        service,
        window_from,
        window_to,
        part: input.part,
        reference: None,
        now,
        offers: OfferTerms::of(&config.rules),
    };
    joined(
        &state,
        &config,
        citizen.id,
        &entry,
        "waitlist:new".to_owned(),
    )
    .await
}

/// Waits for an earlier place of a booked appointment (same service and directorate, any day
/// from the first of the booking window to the booking's own start); taking it moves the
/// booking.
#[utoipa::path(post, path = "/appointments/{reference}/earlier", tag = "waitlist", request_body = WaitEarlier,
    params(("reference" = String, Path, description = "RG-XXXX-XXXX")),
    responses((status = 201, body = WaitlistEntryView), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem), (status = 404, body = rega_api::Problem),
        (status = 409, description = "already_waiting, past_cutoff, not_changeable", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, outside_booking_window", body = rega_api::Problem)))]
pub(super) async fn earlier(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiPath(reference): ApiPath<String>,
    ApiJson(input): ApiJson<WaitEarlier>,
) -> Result<Response, ApiError> {
    let current = changeable(&state, citizen.id, &reference).await?;
    let config = state.configuration().await?;
    let directorate = config
        .directorate(&current.directorate_id)
        .ok_or_else(|| problem(ErrorCode::NotChangeable))?;
    let now = state.clock.now();
    let (first, _) = booking_window(&config, directorate, LocalDateTime::from_unix(now).date);
    let (window_from, window_to) = earlier_window(first, current.starts_at)
        .ok_or_else(|| problem(ErrorCode::OutsideBookingWindow))?;
    let object = format!("appointment:{}", current.reference);
    let entry = NewEntry {
        citizen_id: citizen.id,
        directorate_id: current.directorate_id.clone(),
        service: current.service,
        window_from,
        window_to,
        part: input.part,
        reference: Some(current.reference),
        now,
        offers: OfferTerms::of(&config.rules),
    };
    joined(&state, &config, citizen.id, &entry, object).await
}

/// Leaves the waitlist (a place held for the entry goes on to the next in line).
#[utoipa::path(post, path = "/waitlist/{id}/leave", tag = "waitlist",
    params(("id" = i64, Path, description = "The entry")),
    responses((status = 204), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem), (status = 404, body = rega_api::Problem)))]
pub(super) async fn leave(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    end(&state, citizen.id, id, false).await
}

/// Declines the place held for the citizen: it goes on to the next in line.
#[utoipa::path(post, path = "/waitlist/{id}/decline", tag = "waitlist",
    params(("id" = i64, Path, description = "The entry")),
    responses((status = 204), (status = 400, body = rega_api::Problem),
        (status = 401, body = rega_api::Problem),
        (status = 409, description = "offer_gone", body = rega_api::Problem)))]
pub(super) async fn decline(
    State(state): State<AppState>,
    citizen: Citizen,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    end(&state, citizen.id, id, true).await
}

/// Takes the place held for the citizen: a new booking, or an earlier place's booking moved
/// there. Needs an `Idempotency-Key`; the same rules and limits as any booking.
#[utoipa::path(post, path = "/waitlist/{id}/accept", tag = "waitlist",
    params(("id" = i64, Path, description = "The entry"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters")),
    responses((status = 201, description = "booked", body = AppointmentView),
        (status = 200, description = "the booking moved to the earlier place", body = AppointmentView),
        (status = 400, body = rega_api::Problem), (status = 401, body = rega_api::Problem),
        (status = 403, description = "no_show_blocked, not_eligible_*", body = rega_api::Problem),
        (status = 409, description = "offer_gone, already_booked, too_many_changes, past_cutoff, not_changeable, idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "outside_booking_window, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn accept(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    keyed: Keyed<Citizen>,
) -> Response {
    let (state, citizen) = (&state, &keyed.who);
    // What the entry is decides the answer's status; an entry not offered is refused below.
    let entry = match state.store.waitlist_of(citizen.id).await {
        Ok(entries) => entries.into_iter().find(|e| e.id == id),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let moving = entry.as_ref().and_then(|e| e.reference.clone());
    let checked = async {
        let entry = entry
            .as_ref()
            .filter(|e| e.offered_until.is_some_and(|u| u > state.clock.now()))
            .ok_or_else(|| problem(ErrorCode::OfferGone))?;
        let slot_id = entry.slot_id.ok_or_else(|| problem(ErrorCode::OfferGone))?;
        let config = state.configuration().await?;
        may_book(state, &config, citizen.id, entry.service).await?;
        if let Some(reference) = &entry.reference {
            changeable(state, citizen.id, &reference.to_string()).await?;
        }
        bookable_slot(state, slot_id, entry.service).await?;
        Ok(BookingChange::Accept {
            entry_id: entry.id,
            moving: entry.reference.clone(),
            request: book_request(state, citizen.id, slot_id, entry.service).await?,
        })
    };
    let (action, success) = match &moving {
        Some(reference) => (
            ("waitlist.accepted", format!("appointment:{reference}")),
            StatusCode::OK,
        ),
        None => (
            ("waitlist.accepted", "appointment:new".to_owned()),
            StatusCode::CREATED,
        ),
    };
    keyed_change(state, &keyed, action, success, checked).await
}

/// The rules a booking of the service is refused by (a repeated no-show, eligibility), which
/// waiting for one is refused by too.
async fn may_book(
    state: &AppState,
    config: &Configuration,
    citizen_id: i64,
    service: ServiceKind,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    limits::no_show_block(
        &config.rules,
        &state.store.no_shows_of(citizen_id, now).await?,
        now,
    )
    .map_err(limit)?;
    let today = LocalDateTime::from_unix(now).date;
    eligibility::check(
        &config.rules,
        &facts(state, citizen_id).await?,
        service,
        today,
    )
    .map_err(ineligible)
}

/// Puts the entry in line and answers with it (201), audited.
async fn joined(
    state: &AppState,
    config: &Configuration,
    citizen_id: i64,
    entry: &NewEntry,
    object: String,
) -> Result<Response, ApiError> {
    let actor = format!("citizen:{citizen_id}");
    let refused = |code: ErrorCode| async move {
        audit(state, &actor, "waitlist.joined", &object, code.as_str()).await;
        Err(problem(code))
    };
    match state.store.join_waitlist(entry).await? {
        Err(JoinRefusal::AlreadyWaiting) => refused(ErrorCode::AlreadyWaiting).await,
        Err(JoinRefusal::Booking) if entry.reference.is_some() => {
            refused(ErrorCode::NotChangeable).await
        }
        Err(JoinRefusal::Booking) => refused(ErrorCode::AlreadyBooked).await,
        Ok(joined) => {
            let object = format!("waitlist:{}", joined.id);
            audit(
                state,
                &format!("citizen:{citizen_id}"),
                "waitlist.joined",
                &object,
                "ok",
            )
            .await;
            if joined.offered_until.is_some() {
                state.messages_written.notify_one();
                state.caches.availability.clear();
            }
            Ok((StatusCode::CREATED, ApiJson(view_of(config, &joined)?)).into_response())
        }
    }
}

/// Leaves or declines, audited.
async fn end(
    state: &AppState,
    citizen_id: i64,
    id: i64,
    declined: bool,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    let offers = OfferTerms::of(&state.configuration().await?.rules);
    let ended = state
        .store
        .leave_waitlist(citizen_id, id, declined, now, offers)
        .await?;
    let action = if declined {
        "waitlist.declined"
    } else {
        "waitlist.left"
    };
    let actor = format!("citizen:{citizen_id}");
    let object = format!("waitlist:{id}");
    match ended {
        Some(_) => {
            audit(state, &actor, action, &object, "ok").await;
            // The place may have gone to the next in line (a message), or back to everyone.
            state.messages_written.notify_one();
            state.caches.availability.clear();
            Ok(StatusCode::NO_CONTENT)
        }
        None => {
            let code = if declined {
                ErrorCode::OfferGone
            } else {
                ErrorCode::NotFound
            };
            audit(state, &actor, action, &object, code.as_str()).await;
            Err(problem(code))
        }
    }
}

/// An entry as the citizen's page shows it.
fn view_of(config: &Configuration, e: &WaitlistEntry) -> Result<WaitlistEntryView, ApiError> {
    let offer = match (e.slot_starts_at, e.offered_until) {
        (Some(starts_at), Some(until)) => {
            let (start, end) = (
                LocalDateTime::from_unix(starts_at),
                LocalDateTime::from_unix(until),
            );
            Some(Offer {
                starts_at: start.to_rfc3339(),
                date: start.date,
                time: start.hh_mm(),
                until: end.to_rfc3339(),
                until_time: end.hh_mm(),
            })
        }
        _ => None,
    };
    Ok(WaitlistEntryView {
        id: e.id,
        service: e.service,
        place: place_of(config, &e.directorate_id)?,
        from: LocalDateTime::from_unix(e.window_from).date,
        // The last day whose places it waits for (`window_to` is exclusive).
        to: LocalDateTime::from_unix(e.window_to - 1).date,
        part: e.part,
        reference: e.reference.as_ref().map(ToString::to_string),
        offer: offer.filter(|_| e.status == crate::store::EntryStatus::Offered),
    })
}
