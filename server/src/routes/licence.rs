//! `/licence` (the card), `/licence/token` (a fresh DL1 token), `/trust-list`.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::licence::{CategoryView, LicenceCard, LicenceStatus, LicenceToken, TrustAnchor};
use rega_api::time::{Date, LocalDateTime};
use rega_credential::{Licence, TOKEN_LIFETIME_SECONDS};

use crate::AppState;
use crate::auth::Citizen;
use crate::http::extract::ApiJson;
use crate::http::problem::ApiError;
use crate::store::LicenceRecord;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The licence routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(card))
        .routes(routes!(token))
        .routes(routes!(trust_list))
        .routes(routes!(trust_anchor))
}

fn date(text: &str) -> Result<Date, ApiError> {
    Date::parse(text)
        .map_err(|_| ApiError::Server(anyhow::anyhow!("a stored licence date is not YYYY-MM-DD")))
}

pub(super) async fn licence_of(
    state: &AppState,
    citizen_id: i64,
) -> Result<(LicenceRecord, Licence), ApiError> {
    let record = state
        .store
        .licence_of(citizen_id)
        .await?
        .ok_or_else(|| ApiError::client(ErrorCode::NoLicence))?;
    let licence: Licence = serde_json::from_value(record.elements.clone()).map_err(|e| {
        ApiError::Server(anyhow::anyhow!("stored licence elements do not parse: {e}"))
    })?;
    Ok((record, licence))
}

pub(super) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The signed-in citizen's licence card.
#[utoipa::path(get, path = "/licence", tag = "licence",
    responses((status = 200, body = LicenceCard), (status = 401, body = rega_api::Problem),
        (status = 404, description = "no_licence", body = rega_api::Problem)))]
async fn card(State(state): State<AppState>, citizen: Citizen) -> Result<Response, ApiError> {
    let (record, licence) = licence_of(&state, citizen.id).await?;
    let today = LocalDateTime::from_unix(state.clock.now()).date;
    let issue_date = date(licence.issue_date.as_str())?;
    let expiry_date = date(licence.expiry_date.as_str())?;
    let mut categories = Vec::new();
    for p in &licence.driving_privileges {
        let expiry = match &p.expiry_date {
            Some(d) => date(d.as_str())?,
            None => expiry_date,
        };
        let issue = match &p.issue_date {
            Some(d) => date(d.as_str())?,
            None => issue_date,
        };
        categories.push(CategoryView {
            code: p.vehicle_category_code.clone(),
            issue_date: issue,
            expiry_date: expiry,
            expired: expiry < today,
        });
    }
    let renewal_window_days = state.configuration().await?.rules.renewal_window_days;
    let status = if record.suspension.is_some() {
        LicenceStatus::Suspended
    } else if expiry_date < today {
        LicenceStatus::Expired
    } else if expiry_date <= today.add_days(renewal_window_days) {
        LicenceStatus::ExpiringSoon
    } else {
        LicenceStatus::Valid
    };
    let card = LicenceCard {
        family_name: licence.family_name,
        given_name: licence.given_name,
        family_name_national: licence.family_name_national_character,
        given_name_national: licence.given_name_national_character,
        birth_date: date(licence.birth_date.as_str())?,
        document_number: licence.document_number,
        issuing_authority: licence.issuing_authority,
        issue_date,
        expiry_date,
        categories,
        status,
        suspension_reason: record.suspension,
    };
    Ok(no_store(ApiJson(card).into_response()))
}

/// A fresh token on every request; never for a suspended licence.
#[utoipa::path(get, path = "/licence/token", tag = "licence",
    responses((status = 200, body = LicenceToken), (status = 401, body = rega_api::Problem),
        (status = 403, description = "licence_suspended", body = rega_api::Problem),
        (status = 404, description = "no_licence", body = rega_api::Problem),
        (status = 503, description = "not_ready: no signing key active in the published trust list", body = rega_api::Problem)))]
async fn token(State(state): State<AppState>, citizen: Citizen) -> Result<Response, ApiError> {
    let (record, licence) = licence_of(&state, citizen.id).await?;
    if record.suspension.is_some() {
        return Err(ApiError::client(ErrorCode::LicenceSuspended));
    }
    let now = state.clock.now();
    let issuer = issuer_now(&state, now)?;
    let text = issuer
        .issue(&licence, now)
        .map_err(|e| ApiError::Server(e.into()))?;
    let body = LicenceToken {
        token: text,
        issued_at: now,
        expires_at: now + TOKEN_LIFETIME_SECONDS,
    };
    Ok(no_store(ApiJson(body).into_response()))
}

/// The issuer that signs licence codes now, or `not_ready` with why not.
pub(super) fn issuer_now(
    state: &AppState,
    now: i64,
) -> Result<std::sync::Arc<rega_credential::sign::Issuer>, ApiError> {
    let credentials = state
        .credentials
        .as_ref()
        .ok_or_else(|| ApiError::client(ErrorCode::NotReady))?;
    credentials.issuer(now).map_err(|why| ApiError::Client {
        code: ErrorCode::NotReady,
        detail: Some(format!("Licence codes cannot be signed now: {why}.")),
    })
}

/// The published trust list (a compact JWS signed offline by the trust anchor), verbatim;
/// cacheable for an hour.
#[utoipa::path(get, path = "/trust-list", tag = "licence",
    responses((status = 200, description = "compact JWS (ES256)", content_type = "application/jose", body = String),
        (status = 503, description = "not_ready: no trust list published", body = rega_api::Problem)))]
async fn trust_list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let credentials = state
        .credentials
        .as_ref()
        .ok_or_else(|| ApiError::client(ErrorCode::NotReady))?;
    let jws = credentials.trust_list().ok_or_else(|| ApiError::Client {
        code: ErrorCode::NotReady,
        detail: Some("No trust list is published yet.".to_owned()),
    })?;
    let mut response = (StatusCode::OK, jws).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jose"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}

/// The trust anchor's public key (a JWK) this server is configured with; cacheable for a day.
/// The verifier app is given its pin with the app itself, not from here.
#[utoipa::path(get, path = "/trust-anchor", tag = "licence",
    responses((status = 200, description = "the anchor's public key", body = TrustAnchor),
        (status = 503, description = "not_ready: no keys", body = rega_api::Problem)))]
async fn trust_anchor(State(state): State<AppState>) -> Result<Response, ApiError> {
    let credentials = state
        .credentials
        .as_ref()
        .ok_or_else(|| ApiError::client(ErrorCode::NotReady))?;
    let anchor: TrustAnchor = credentials.anchor_jwk();
    let mut response = ApiJson(anchor).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(response)
}
