//! `/appointments`: a citizen's bookings. Rooms: `book` (create, with the eligibility answer),
//! `change` (reschedule, cancel), `read` (list, one), `calendar` (the `.ics` of one); here, what
//! they share: the router, the problems a refusal is answered with, the views, the audit outcome.

mod book;
mod calendar;
mod change;
mod read;
mod ticket;
mod waitlist;

use axum::response::Response;
use rega_api::ErrorCode;
use rega_api::appointments::{AppointmentState, AppointmentView, Place};
use rega_api::ids::Reference;
use rega_api::reference::LocalizedText;
use rega_api::time::{Date, LocalDateTime};

use crate::AppState;
use crate::domain::configuration::Configuration;
use crate::domain::eligibility::{CitizenFacts, Ineligible, LicenceFacts, theory_passed};
use crate::domain::limits::LimitError;
use crate::http::audit::audit;
use crate::http::problem::ApiError;
use crate::store::{Appointment, AppointmentStatus, BookError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) const DAY: i64 = 86_400;

/// The appointment routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(book::create, read::list))
        .routes(routes!(read::one))
        .routes(routes!(change::reschedule))
        .routes(routes!(change::cancel))
        .routes(routes!(calendar::calendar))
        .routes(routes!(ticket::ticket))
        .routes(routes!(book::eligibility_list))
        .routes(routes!(waitlist::list, waitlist::join))
        .routes(routes!(waitlist::earlier))
        .routes(routes!(waitlist::leave))
        .routes(routes!(waitlist::decline))
        .routes(routes!(waitlist::accept))
}

pub(super) fn problem(code: ErrorCode) -> ApiError {
    ApiError::client(code)
}

pub(super) fn ineligible(reason: Ineligible) -> ApiError {
    problem(ineligible_code(reason))
}

pub(super) fn ineligible_code(reason: Ineligible) -> ErrorCode {
    match reason {
        Ineligible::AlreadyLicensed => ErrorCode::NotEligibleAlreadyLicensed,
        Ineligible::TooYoung => ErrorCode::NotEligibleTooYoung,
        Ineligible::NoLicence => ErrorCode::NotEligibleNoLicence,
        Ineligible::RenewalNotDue => ErrorCode::NotEligibleRenewalNotDue,
        Ineligible::LicenceSuspended => ErrorCode::NotEligibleLicenceSuspended,
        Ineligible::TheoryTestNotPassed => ErrorCode::NotEligibleTheoryTestNotPassed,
    }
}

pub(super) fn limit(error: LimitError) -> ApiError {
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

/// The problem code of a booking's refusal; `None` for a database failure.
pub(super) fn refusal(error: &BookError) -> Option<ErrorCode> {
    Some(match error {
        BookError::SlotNotFound => ErrorCode::SlotNotFound,
        BookError::SlotFull => ErrorCode::SlotFull,
        BookError::AlreadyBooked => ErrorCode::AlreadyBooked,
        BookError::TooManyChanges => ErrorCode::TooManyChanges,
        BookError::NotFound => ErrorCode::NotFound,
        BookError::NotChangeable => ErrorCode::NotChangeable,
        BookError::OfferGone => ErrorCode::OfferGone,
        BookError::Store(_) => return None,
    })
}

/// What the eligibility rules need to know about a citizen.
pub(super) async fn facts(state: &AppState, citizen_id: i64) -> Result<CitizenFacts, ApiError> {
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
    let tests = state.store.test_results_of(citizen_id).await?;
    let today = LocalDateTime::from_unix(state.clock.now()).date;
    Ok(CitizenFacts {
        birth_date,
        licence,
        theory_test_passed: theory_passed(&tests, today),
    })
}

pub(super) fn state_of(status: AppointmentStatus) -> AppointmentState {
    match status {
        AppointmentStatus::Booked => AppointmentState::Booked,
        AppointmentStatus::CheckedIn => AppointmentState::CheckedIn,
        AppointmentStatus::Attended => AppointmentState::Attended,
        AppointmentStatus::NoShow => AppointmentState::NoShow,
        AppointmentStatus::Cancelled => AppointmentState::Cancelled,
    }
}

/// The citizen-facing view of appointments, with their directorates.
pub(super) async fn views(
    state: &AppState,
    appointments: &[Appointment],
) -> Result<Vec<AppointmentView>, ApiError> {
    let config = state.configuration().await?;
    let now = state.clock.now();
    appointments
        .iter()
        .map(|a| view_of(&config, now, a))
        .collect()
}

/// The citizen-facing view of one appointment, by the configuration in force.
pub(super) fn view_of(
    config: &Configuration,
    now: i64,
    a: &Appointment,
) -> Result<AppointmentView, ApiError> {
    let start = LocalDateTime::from_unix(a.starts_at);
    let cutoff = a.starts_at - config.rules.cutoff_hours * 3600;
    Ok(AppointmentView {
        reference: a.reference.to_string(),
        service: a.service,
        status: state_of(a.status),
        place: place_of(config, &a.directorate_id)?,
        starts_at: start.to_rfc3339(),
        date: start.date,
        time: start.hh_mm(),
        minutes: config.slot_minutes(a.service),
        change_until: LocalDateTime::from_unix(cutoff).to_rfc3339(),
        can_change: a.status == AppointmentStatus::Booked && now <= cutoff,
        closed: a.closed_at.is_some(),
        rebook: false,
        bring: config
            .services
            .get(&a.service)
            .and_then(|s| s.bring.as_ref())
            .map(|b| LocalizedText {
                en: b.en.clone(),
                ckb: b.ckb.clone(),
                ar: b.ar.clone(),
            }),
    })
}

/// A directorate as a citizen's page shows it.
pub(super) fn place_of(config: &Configuration, directorate_id: &str) -> Result<Place, ApiError> {
    let d = &config
        .directorate(directorate_id)
        .ok_or_else(|| anyhow::anyhow!("an appointment at an unknown directorate"))?
        .directorate;
    Ok(Place {
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
    })
}

pub(super) async fn view(
    state: &AppState,
    appointment: &Appointment,
) -> Result<serde_json::Value, ApiError> {
    let mut list = views(state, std::slice::from_ref(appointment)).await?;
    let one = list.pop().ok_or_else(|| anyhow::anyhow!("no view"))?;
    Ok(serde_json::to_value(one).map_err(anyhow::Error::from)?)
}

/// The citizen's appointment with this reference; another citizen's looks like none at all.
pub(super) async fn find(
    state: &AppState,
    citizen_id: i64,
    reference: &str,
) -> Result<Appointment, ApiError> {
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

/// One audit record per booking request: the reference on success, the problem code otherwise.
pub(super) async fn audit_outcome(
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
