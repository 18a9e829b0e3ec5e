//! The network's configuration, as the administrator sees and changes it: the document in force,
//! what a changed document would do (refused with its line and field, or the appointments it
//! would cancel), and applying it — the same document, checks, preview and transaction as
//! `rega config apply` (`network::apply`), so the screens and the command cannot disagree.

use axum::extract::State;
use rega_api::ErrorCode;
use rega_api::admin::{
    ApplyConfiguration, CheckConfiguration, ConfigurationApplied, ConfigurationDocument,
    ConfigurationError, ConfigurationPreview, StrandedAppointment,
};
use rega_api::time::{ClockTime, LocalDateTime};

use crate::AppState;
use crate::auth::{Admin, staff_actor};
use crate::http::audit::audit;
use crate::http::extract::ApiJson;
use crate::http::problem::ApiError;
use crate::network::apply::{Plan, apply, plan};
use crate::network::file::FileError;
use crate::store::ConfigurationRefused;

fn refusal(e: FileError) -> ConfigurationError {
    ConfigurationError {
        line: e.line,
        field: e.field,
        message: e.message,
    }
}

fn preview(plan: &Plan) -> ConfigurationPreview {
    ConfigurationPreview {
        error: None,
        version: plan.expected_version,
        unchanged: plan.unchanged,
        directorates: plan.config.directorates.len(),
        closing_slots: plan.closing_slots.len(),
        changed_places: plan.places.len(),
        stranded: plan
            .stranded
            .iter()
            .map(|a| {
                let at = LocalDateTime::from_unix(a.starts_at);
                StrandedAppointment {
                    reference: a.reference.to_string(),
                    directorate: a.directorate_id.clone(),
                    service: a.service,
                    date: at.date,
                    time: ClockTime::of(at),
                }
            })
            .collect(),
    }
}

/// The configuration in force (version 0 and an empty document before the first).
#[utoipa::path(get, path = "/admin/configuration", tag = "admin",
    responses((status = 200, body = ConfigurationDocument),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem)))]
pub(super) async fn configuration(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<ApiJson<ConfigurationDocument>, ApiError> {
    let stored = state.store.configuration().await?;
    Ok(ApiJson(stored.map_or(
        ConfigurationDocument {
            version: 0,
            document: String::new(),
        },
        |s| ConfigurationDocument {
            version: s.version,
            document: s.document,
        },
    )))
}

/// What applying a document would do: why it is refused (line, field, message), or the version
/// it was compared with and the appointments it would cancel. Changes nothing.
#[utoipa::path(post, path = "/admin/configuration/preview", tag = "admin",
    request_body = CheckConfiguration,
    responses((status = 200, body = ConfigurationPreview),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem)))]
pub(super) async fn preview_configuration(
    State(state): State<AppState>,
    _admin: Admin,
    ApiJson(request): ApiJson<CheckConfiguration>,
) -> Result<ApiJson<ConfigurationPreview>, ApiError> {
    let now = state.clock.now();
    Ok(ApiJson(
        match plan(state.store.as_ref(), &request.document, now).await? {
            Ok(plan) => preview(&plan),
            Err(refused) => ConfigurationPreview {
                error: Some(refusal(refused)),
                version: state.store.configuration_version().await?,
                unchanged: false,
                directorates: 0,
                closing_slots: 0,
                changed_places: 0,
                stranded: Vec::new(),
            },
        },
    ))
}

/// Applies a document previewed against `expected_version`: in force for new bookings on every
/// instance at once. A change that would cancel appointments needs `cancel_stranded` (each
/// citizen is then told by SMS, and the registry's feed says cancelled by closure); a version
/// applied meanwhile, or an appointment booked meanwhile that it would strand, refuses it (409:
/// preview again). Applying the document in force again changes nothing.
#[utoipa::path(post, path = "/admin/configuration", tag = "admin",
    request_body = ApplyConfiguration,
    responses((status = 200, body = ConfigurationApplied),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden, staff_password_change_required", body = rega_api::Problem),
        (status = 409, description = "staff_config_outdated, staff_config_strands", body = rega_api::Problem),
        (status = 422, description = "staff_config_invalid (the detail names the line and the field)", body = rega_api::Problem)))]
pub(super) async fn apply_configuration(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(request): ApiJson<ApplyConfiguration>,
) -> Result<ApiJson<ConfigurationApplied>, ApiError> {
    let now = state.clock.now();
    let actor = staff_actor(admin.id);
    let action = "admin.configuration_applied";
    let refuse = |code: ErrorCode, result: &'static str| {
        let state = state.clone();
        let actor = actor.clone();
        async move {
            audit(&state, &actor, action, "configuration", result).await;
            ApiError::client(code)
        }
    };
    let plan = match plan(state.store.as_ref(), &request.document, now).await? {
        Ok(plan) => plan,
        Err(refused) => {
            audit(&state, &actor, action, "configuration", "invalid").await;
            return Err(ApiError::Client {
                code: ErrorCode::StaffConfigInvalid,
                detail: Some(refused.to_string()),
            });
        }
    };
    if plan.unchanged {
        // In force already (also the retry of an apply that succeeded): nothing to do.
        return Ok(ApiJson(ConfigurationApplied {
            version: plan.expected_version,
            cancelled: 0,
        }));
    }
    if plan.expected_version != request.expected_version {
        return Err(refuse(ErrorCode::StaffConfigOutdated, "outdated").await);
    }
    if !plan.stranded.is_empty() && !request.cancel_stranded {
        return Err(refuse(ErrorCode::StaffConfigStrands, "strands").await);
    }
    let version = match apply(state.store.as_ref(), &plan, &actor, now).await? {
        Ok(version) => version,
        Err(ConfigurationRefused::Outdated { .. }) => {
            return Err(refuse(ErrorCode::StaffConfigOutdated, "outdated").await);
        }
        Err(ConfigurationRefused::MoreStranded) => {
            return Err(refuse(ErrorCode::StaffConfigStrands, "strands").await);
        }
    };
    // This instance's cached availability is out of date at once; the others' within their
    // cache's few seconds.
    state.caches.availability.clear();
    let cancelled = plan.stranded.len();
    audit(
        &state,
        &actor,
        action,
        &format!("configuration:{version}"),
        &format!("ok:cancelled={cancelled}"),
    )
    .await;
    Ok(ApiJson(ConfigurationApplied { version, cancelled }))
}
