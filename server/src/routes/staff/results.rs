//! A test's result recorded at the desk: passed or failed, on the theory or practical test's
//! appointment. A theory pass opens the practical test in the citizen's eligibility at once,
//! for `BookingRules::theory_pass_valid_days`; the registry reads the result from the outcome
//! feed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::ids::Reference;
use rega_api::staff::{RecordTestResult, TestOutcome};
use rega_api::time::LocalDateTime;

use super::{problem, staff_write};
use crate::AppState;
use crate::auth::Staff;
use crate::domain::eligibility::theory_pass_valid_until;
use crate::http::extract::ApiPath;
use crate::http::idempotency::Keyed;
use crate::http::problem::ApiError;
use crate::store::{StaffAnswer, StaffChange, StaffOutcome};

/// Records the result of the test an appointment was for; the appointment is attended by it.
#[utoipa::path(post, path = "/staff/appointments/{reference}/test-result", tag = "staff",
    request_body = RecordTestResult,
    params(("reference" = String, Path, description = "RG-XXXX-XXXX"),
        ("Idempotency-Key" = String, Header, description = "8-64 visible ASCII characters, e.g. a UUID")),
    responses((status = 204),
        (status = 400, description = "idempotency_key_invalid", body = rega_api::Problem),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 404, description = "not_found: no such appointment at this directorate", body = rega_api::Problem),
        (status = 409, description = "staff_result_recorded (or the appointment was cancelled or missed), idempotency_in_progress", body = rega_api::Problem),
        (status = 422, description = "invalid_reference, staff_not_a_test, idempotency_key_reused", body = rega_api::Problem)))]
pub(super) async fn test_result(
    State(state): State<AppState>,
    ApiPath(reference): ApiPath<String>,
    keyed: Keyed<Staff>,
) -> Response {
    let Staff(staff) = &keyed.who;
    let checked = || {
        let reference = Reference::parse(&reference)
            .map_err(|_| ApiError::client(ErrorCode::InvalidReference))?;
        let request: RecordTestResult = keyed.json()?;
        Ok::<_, ApiError>((reference, request.result == TestOutcome::Passed))
    };
    let (reference, passed) = match checked() {
        Ok(checked) => checked,
        Err(refused) => return refused.into_response(),
    };
    let now = state.clock.now();
    let today = LocalDateTime::from_unix(now).date;
    let rules = match state.configuration().await {
        Ok(config) => config.rules.clone(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let theory_valid_until = theory_pass_valid_until(&rules, today).to_string();
    let today = today.to_string();
    let object = format!("appointment:{reference}");
    let change = StaffChange::TestResult {
        directorate_id: &staff.directorate_id,
        reference: &reference,
        passed,
        today: &today,
        theory_valid_until: &theory_valid_until,
        now,
    };
    let respond = |outcome: &StaffOutcome| match outcome {
        StaffOutcome::Recorded => StaffAnswer {
            status: StatusCode::NO_CONTENT.as_u16(),
            body: String::new(),
            object,
            result: if passed { "passed" } else { "failed" }.to_owned(),
        },
        StaffOutcome::NotATest => problem(ErrorCode::StaffNotATest, object),
        StaffOutcome::NotChangeable => problem(ErrorCode::StaffResultRecorded, object),
        _ => problem(ErrorCode::NotFound, object),
    };
    staff_write(
        &state,
        &keyed,
        (staff, "desk.test_result"),
        &change,
        respond,
    )
    .await
}
