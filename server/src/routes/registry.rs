//! The licence registry's machine interface (`docs/registry.md`): `POST /registry/records`
//! with up to 100 citizen records, authenticated per registry client
//! (`Authorization: Registry <credential>`, made by `rega registry-client add`), rate-limited
//! per client and audited per call. Each record is checked and applied on its own: a bad one is
//! answered with its field and nothing of it is applied, the others are.

use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rega_api::ErrorCode;
use rega_api::time::LocalDateTime;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::token_hash;
use crate::domain::registry::check;
use crate::http::audit::audit;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::problem::{ApiError, rate_limited};
use crate::registry::wire;
use crate::store::{EventLimit, RegistryCitizen, RegistryOutcome, StoreError};

/// Records one call carries at most.
pub const RECORDS_PER_CALL: usize = 100;
/// Calls one client may make a minute.
pub const CALLS_PER_MINUTE: u32 = 600;

/// Outcomes one call returns at most.
pub const OUTCOMES_PER_CALL: u32 = 1000;

/// The registry's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(records))
        .routes(routes!(outcomes))
}

/// Counts the call against the client's limit: the `429` to answer when it is over.
async fn over_limit(state: &AppState, client: &RegistryClient, action: &str) -> Option<Response> {
    let now = state.clock.now();
    let key = format!("registry:{}", client.id);
    let limit = EventLimit {
        key: &key,
        since: now - 60,
        max: CALLS_PER_MINUTE,
    };
    match state.store.take_event(&[limit], now).await {
        Ok(None) => None,
        Ok(Some(_)) => {
            audit(state, &client.actor(), action, "-", "rate_limited").await;
            Some(rate_limited(60))
        }
        Err(e) => Some(ApiError::from(e).into_response()),
    }
}

/// Adds a registry client: a fresh 256-bit credential, stored only as its hash, returned once.
/// `None` when the name is taken.
pub async fn add_client(
    store: &dyn crate::store::Store,
    name: &str,
    now: i64,
) -> Result<Option<(i64, String)>, StoreError> {
    let credential = URL_SAFE_NO_PAD.encode(crate::auth::sessions::random_bytes::<32>()?);
    Ok(store
        .add_registry_client(name, &token_hash(&credential), now)
        .await?
        .map(|id| (id, credential)))
}

/// A registry client, by its credential.
pub struct RegistryClient {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

impl RegistryClient {
    /// Who the audit records name.
    fn actor(&self) -> String {
        format!("registry:{}", self.name)
    }
}

impl FromRequestParts<AppState> for RegistryClient {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<RegistryClient, ApiError> {
        let credential = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Registry "))
            .map(str::trim)
            .filter(|c| !c.is_empty() && c.len() <= 100);
        let client = match credential {
            Some(credential) => state.store.registry_client(&token_hash(credential)).await?,
            None => None,
        };
        match client {
            Some((id, name)) => Ok(RegistryClient { id, name }),
            None => {
                audit(
                    state,
                    "anonymous",
                    "registry.request",
                    parts.uri.path(),
                    "denied",
                )
                .await;
                Err(ApiError::client(ErrorCode::Unauthenticated))
            }
        }
    }
}

/// `POST /registry/records`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordBatch {
    /// 1 to 100 citizen records (`docs/registry.md`).
    #[schema(value_type = Vec<wire::CitizenRecord>)]
    records: Vec<serde_json::Value>,
}

/// What became of each record, in the order sent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordResults {
    /// One per record.
    results: Vec<RecordResult>,
}

/// What became of one record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordResult {
    /// The record's national ID, as sent (when it has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    national_id: Option<String>,
    /// `created`, `updated`, `unchanged` (Rega holds this version or a newer one) or `refused`.
    outcome: &'static str,
    /// The field refused, e.g. `phone` or `licence.elements.expiry_date` (`-`: the record as a
    /// whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

fn refused(national_id: Option<String>, field: String, message: String) -> RecordResult {
    RecordResult {
        national_id,
        outcome: "refused",
        field: Some(field),
        message: Some(message),
    }
}

/// Creates or updates citizens from the registry's records.
#[utoipa::path(post, path = "/registry/records", tag = "registry", request_body = RecordBatch,
    security(("registry" = [])),
    responses((status = 200, body = RecordResults),
        (status = 400, description = "bad_request: no records, or more than 100", body = rega_api::Problem),
        (status = 401, description = "unauthenticated: no registry credential, or a revoked one", body = rega_api::Problem),
        (status = 429, description = "rate_limited (Retry-After)", body = rega_api::Problem)))]
async fn records(
    State(state): State<AppState>,
    client: RegistryClient,
    ApiJson(batch): ApiJson<RecordBatch>,
) -> Result<Response, ApiError> {
    let actor = client.actor();
    if let Some(refused) = over_limit(&state, &client, "registry.records").await {
        return Ok(refused);
    }
    let now = state.clock.now();
    if batch.records.is_empty() || batch.records.len() > RECORDS_PER_CALL {
        return Err(ApiError::Client {
            code: ErrorCode::BadRequest,
            detail: Some(format!("1 to {RECORDS_PER_CALL} records")),
        });
    }
    let today = LocalDateTime::from_unix(now).date;
    let mut results: Vec<Option<RecordResult>> = Vec::with_capacity(batch.records.len());
    let mut valid: Vec<(usize, RegistryCitizen)> = Vec::new();
    for (i, value) in batch.records.into_iter().enumerate() {
        let national_id = value
            .get("national_id")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        let record = match serde_json::from_value::<wire::CitizenRecord>(value) {
            Ok(record) => record,
            Err(e) => {
                results.push(Some(refused(national_id, "-".into(), e.to_string())));
                continue;
            }
        };
        match check(&record, today) {
            Ok(checked) => {
                valid.push((i, checked));
                results.push(None);
            }
            Err(e) => results.push(Some(refused(national_id, e.field, e.message.into()))),
        }
    }
    let checked: Vec<RegistryCitizen> = valid.iter().map(|(_, r)| r.clone()).collect();
    let outcomes = state.store.apply_registry(&checked, now).await?;
    for ((i, record), outcome) in valid.iter().zip(outcomes) {
        let national_id = Some(record.national_id.as_str().to_owned());
        results[*i] = Some(match outcome {
            RegistryOutcome::LicenceTaken => refused(
                national_id,
                "licence.elements.document_number".into(),
                "the licence number belongs to another citizen".into(),
            ),
            other => RecordResult {
                national_id,
                outcome: match other {
                    RegistryOutcome::Created => "created",
                    RegistryOutcome::Updated { .. } => "updated",
                    _ => "unchanged",
                },
                field: None,
                message: None,
            },
        });
    }
    let results: Vec<RecordResult> = results.into_iter().flatten().collect();
    let count = |o: &str| results.iter().filter(|r| r.outcome == o).count();
    audit(
        &state,
        &actor,
        "registry.records",
        &format!("records:{}", results.len()),
        &format!(
            "ok:created={},updated={},unchanged={},refused={}",
            count("created"),
            count("updated"),
            count("unchanged"),
            count("refused")
        ),
    )
    .await;
    // The messages the changes owe are in the outbox with them: the sender takes them now.
    state.messages_written.notify_one();
    Ok(ApiJson(RecordResults { results }).into_response())
}

/// `GET /registry/outcomes`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutcomesQuery {
    /// The cursor of the last outcome processed (0, or none, for the beginning).
    #[param(minimum = 0)]
    after: Option<i64>,
    /// At most this many, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// What happened at the counters after a cursor: attended, no-show, cancelled by a closure,
/// test results recorded at a desk. At least once: the registry keeps the last cursor it
/// processed and asks after it; an outcome asked for again is the same outcome.
#[utoipa::path(get, path = "/registry/outcomes", tag = "registry", params(OutcomesQuery),
    security(("registry" = [])),
    responses((status = 200, body = wire::OutcomeFeed),
        (status = 400, description = "bad_request: a negative cursor, or a limit outside 1 to 1000", body = rega_api::Problem),
        (status = 401, description = "unauthenticated: no registry credential, or a revoked one", body = rega_api::Problem),
        (status = 429, description = "rate_limited (Retry-After)", body = rega_api::Problem)))]
async fn outcomes(
    State(state): State<AppState>,
    client: RegistryClient,
    ApiQuery(query): ApiQuery<OutcomesQuery>,
) -> Result<Response, ApiError> {
    if let Some(refused) = over_limit(&state, &client, "registry.outcomes").await {
        return Ok(refused);
    }
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100);
    if after < 0 || !(1..=OUTCOMES_PER_CALL).contains(&limit) {
        return Err(ApiError::Client {
            code: ErrorCode::BadRequest,
            detail: Some(format!("after >= 0, limit 1 to {OUTCOMES_PER_CALL}")),
        });
    }
    let found = state.store.outcomes_after(after, limit).await?;
    let next = found.last().map_or(after, |o| o.cursor);
    audit(
        &state,
        &client.actor(),
        "registry.outcomes",
        &format!("after:{after}"),
        &format!("ok:{}", found.len()),
    )
    .await;
    let outcomes = found
        .into_iter()
        .map(|o| wire::OutcomeRecord {
            cursor: o.cursor,
            kind: o.kind.code().to_owned(),
            national_id: o.national_id.as_str().to_owned(),
            reference: o.reference.to_string(),
            directorate: o.directorate_id,
            service: o.service.code().to_owned(),
            starts_at: wire::rfc3339_seconds(o.starts_at),
            recorded_at: wire::rfc3339_seconds(o.occurred_at),
            result: o.result.map(|r| wire::TestRecord {
                test: r.test.code().to_owned(),
                result: if r.passed { "passed" } else { "failed" }.to_owned(),
                date: r.taken_on,
                valid_until: r.valid_until,
            }),
        })
        .collect();
    Ok(ApiJson(wire::OutcomeFeed { outcomes, next }).into_response())
}
