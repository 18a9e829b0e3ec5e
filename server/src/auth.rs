//! Citizen sign-in (SPEC §3.1, §6): one-time codes, sessions, rate limits, the Origin check.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rega_api::ErrorCode;
use rega_api::ids::{NationalId, OtpCode};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::http::problem::{ApiError, problem_response};
use crate::store::{AuditRecord, SessionKind, SessionOwner, StoreError};

/// The session cookie: `__Host-` so it is only ever sent to this exact origin, over HTTPS.
pub const SESSION_COOKIE: &str = "__Host-rega_session";
/// A code is valid for 5 minutes.
pub const CODE_LIFETIME: i64 = 5 * 60;
/// A new code may be asked for a minute after the last one.
pub const RESEND_AFTER: i64 = 60;
/// Wrong tries per code.
pub const MAX_CODE_FAILURES: u32 = 5;
/// Codes per national ID per 15 minutes.
pub const MAX_CODES_PER_ID: u32 = 3;
/// Codes per client address per 15 minutes, unless configured otherwise.
pub const MAX_CODES_PER_ADDRESS: u32 = 10;
/// Wrong codes per client address per hour.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 30;
/// A session ends after 30 minutes without a request …
pub const IDLE_TIMEOUT: i64 = 30 * 60;
/// … and 12 hours after sign-in in any case.
pub const ABSOLUTE_TIMEOUT: i64 = 12 * 3600;

type HmacSha256 = Hmac<Sha256>;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes, or a store error when the system has no randomness.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| StoreError::NoRandomness)?;
    Ok(bytes)
}

/// A uniformly random 6-digit code.
pub fn new_code() -> Result<String, StoreError> {
    loop {
        let n = u32::from_be_bytes(random_bytes::<4>()?);
        // Reject the top of the range so every code is equally likely.
        if n < u32::MAX - u32::MAX % 1_000_000 {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

/// The key that codes are HMAC'd with, shared by every instance through the database; read
/// once per instance, not on every sign-in request.
pub async fn code_key(state: &AppState) -> Result<Vec<u8>, StoreError> {
    state
        .caches
        .code_key
        .get_or_try_init(|| async {
            let candidate = hex(&random_bytes::<32>()?);
            let stored = state
                .store
                .shared_secret("otp-hmac-key", &candidate)
                .await?;
            Ok::<_, StoreError>(stored.into_bytes())
        })
        .await
        .cloned()
}

fn code_hmac(key: &[u8], citizen_id: i64, code: &str) -> String {
    // A key of any length is valid for HMAC; this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| HmacSha256::new_from_slice(&[0]).expect("HMAC"));
    mac.update(&citizen_id.to_be_bytes());
    mac.update(code.as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// What rate limits and audit records say about a national ID: never the ID itself.
pub fn id_key(national_id: &NationalId) -> String {
    hex(&Sha256::digest(national_id.as_str().as_bytes())[..12])
}

/// The masked form of an ID for audit records: the last three digits.
pub fn masked(national_id: &NationalId) -> String {
    format!("national_id:*********{}", &national_id.as_str()[9..])
}

/// The client's address: the connection's peer, or `unknown` when served without connection
/// info (a deployment behind a proxy runs it on the same host, so the peer is the client's
/// address only when the proxy passes it on; rate limits then also apply per national ID).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> Result<ClientAddress, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// Writes an audit record; a failure to audit is logged, never hidden.
pub async fn audit(state: &AppState, actor: &str, action: &str, object: &str, result: &str) {
    audit_store(
        state.store.as_ref(),
        state.clock.now(),
        actor,
        action,
        object,
        result,
    )
    .await;
}

/// [`audit`] for the operators' commands, which have a store but no server.
pub async fn audit_store(
    store: &dyn crate::store::Store,
    at: i64,
    actor: &str,
    action: &str,
    object: &str,
    result: &str,
) {
    let record = AuditRecord {
        at,
        actor: actor.into(),
        action: action.into(),
        object: object.into(),
        result: result.into(),
    };
    tracing::info!(target: "audit", actor, action, object, result, "audit");
    if let Err(error) = store.audit(&record).await {
        tracing::error!(%error, action, "cannot write an audit record");
    }
}

/// The response for a rate limit: 429 with `Retry-After`.
pub fn rate_limited(retry_after: i64) -> Response {
    let mut response = ApiError::client(ErrorCode::RateLimited).into_response();
    if let Ok(value) = HeaderValue::from_str(&retry_after.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Issues a code for a citizen and sends it by SMS. Returns `Err(retry_after)` when limited.
pub async fn request_code(
    state: &AppState,
    national_id: &NationalId,
    address: &str,
) -> Result<Result<(), i64>, ApiError> {
    let now = state.clock.now();
    let id_key = format!("code-sent:id:{}", id_key(national_id));
    let address_key = format!("code-sent:address:{address}");
    if state
        .store
        .count_events(&id_key, now - RESEND_AFTER)
        .await?
        > 0
    {
        return Ok(Err(RESEND_AFTER));
    }
    if state.store.count_events(&id_key, now - 15 * 60).await? >= MAX_CODES_PER_ID
        || state
            .store
            .count_events(&address_key, now - 15 * 60)
            .await?
            >= state.codes_per_address
    {
        return Ok(Err(15 * 60));
    }
    state.store.record_event(&id_key, now).await?;
    state.store.record_event(&address_key, now).await?;
    // Whether the ID is registered must not show, not even in how long the answer takes: the
    // code is issued and sent after the answer, in the background, for known IDs only.
    let (state, national_id) = (state.clone(), national_id.clone());
    tokio::spawn(async move {
        if let Err(error) = issue_code(&state, &national_id, now).await {
            tracing::error!(
                error = format!("{error:#}"),
                "a sign-in code could not be issued"
            );
        }
    });
    Ok(Ok(()))
}

/// Issues and sends a code to a registered citizen; nothing for an unknown ID.
async fn issue_code(state: &AppState, national_id: &NationalId, now: i64) -> anyhow::Result<()> {
    let Some(citizen) = state.store.citizen_by_national_id(national_id).await? else {
        return Ok(());
    };
    let code = new_code()?;
    let key = code_key(state).await?;
    state
        .store
        .replace_otp(
            citizen.id,
            &code_hmac(&key, citizen.id, &code),
            now,
            now + CODE_LIFETIME,
        )
        .await?;
    let text = format!(
        "Rega: {code} — کۆدی چوونەژوورەوە / رمز الدخول / sign-in code. Valid 5 min. Never share it."
    );
    state.sms.send(&citizen.phone, &text).await?;
    Ok(())
}

/// Why a code was not accepted.
pub enum CodeRejected {
    /// Wrong (or no such citizen).
    Incorrect,
    /// Past its 5 minutes, or none issued.
    Expired,
    /// The fifth wrong try: the code is revoked.
    TooManyAttempts,
    /// Too many wrong codes from this address.
    Limited,
}

/// Checks a code; on success returns the citizen's id.
pub async fn verify_code(
    state: &AppState,
    national_id: &NationalId,
    code: &OtpCode,
    address: &str,
) -> Result<Result<i64, CodeRejected>, ApiError> {
    let now = state.clock.now();
    let address_key = format!("code-failed:address:{address}");
    if state.store.count_events(&address_key, now - 3600).await? >= MAX_FAILURES_PER_ADDRESS {
        return Ok(Err(CodeRejected::Limited));
    }
    let Some(citizen) = state.store.citizen_by_national_id(national_id).await? else {
        state.store.record_event(&address_key, now).await?;
        return Ok(Err(CodeRejected::Incorrect));
    };
    let Some(otp) = state.store.current_otp(citizen.id).await? else {
        return Ok(Err(CodeRejected::Expired));
    };
    if now >= otp.expires_at {
        return Ok(Err(CodeRejected::Expired));
    }
    let key = code_key(state).await?;
    if !constant_time_eq(&code_hmac(&key, citizen.id, code.as_str()), &otp.code_hmac) {
        state.store.record_event(&address_key, now).await?;
        let failures = state.store.otp_failed(otp.id, MAX_CODE_FAILURES).await?;
        return Ok(Err(if failures >= MAX_CODE_FAILURES {
            CodeRejected::TooManyAttempts
        } else {
            CodeRejected::Incorrect
        }));
    }
    // Single use, even when the same code arrives twice at once.
    if !state.store.otp_consume(otp.id, now).await? {
        return Ok(Err(CodeRejected::Expired));
    }
    Ok(Ok(citizen.id))
}

/// The SHA-256 of a session token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Starts a session: 256 random bits, stored only as a hash. Returns the cookie value.
pub async fn start_session(state: &AppState, citizen_id: i64) -> Result<String, ApiError> {
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
    state
        .store
        .create_session(
            SessionOwner::Citizen(citizen_id),
            &token_hash(&token),
            state.clock.now(),
        )
        .await?;
    Ok(token)
}

/// The `Set-Cookie` value for a session token (or for clearing it).
pub fn session_cookie(token: Option<&str>) -> HeaderValue {
    named_session_cookie(SESSION_COOKIE, token)
}

/// The `Set-Cookie` value of a session cookie called `name` (citizen or staff), or its clearing.
pub fn named_session_cookie(name: &str, token: Option<&str>) -> HeaderValue {
    let value = match token {
        Some(t) => format!("{name}={t}; Path=/; Secure; HttpOnly; SameSite=Strict"),
        None => format!("{name}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session token sent with a request, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The value of the cookie called `name`, if the request has a non-empty one.
pub fn cookie_value(headers: &HeaderMap, cookie: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// A signed-in citizen: handlers that take this argument need a valid session.
#[derive(Debug, Clone)]
pub struct Citizen {
    /// The citizen's id.
    pub id: i64,
    /// The session's token hash.
    pub token_hash: String,
    /// When the session ends if idle.
    pub idle_expires_at: i64,
    /// When the session ends in any case.
    pub absolute_expires_at: i64,
}

/// A stored session's times and the timeouts of its kind (citizen or staff).
pub struct SessionTiming {
    /// Signed in at.
    pub created_at: i64,
    /// Last request at.
    pub last_seen_at: i64,
    /// Ends after this long without a request …
    pub idle: i64,
    /// … or this long after sign-in.
    pub absolute: i64,
}

/// What a request does with a stored session.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionUse {
    /// Refused; `revoke` when it has just timed out (a revoked one stays as it is).
    Refuse {
        /// Revoke it now.
        revoke: bool,
    },
    /// Used; `touch` when its last request is a minute old or more (the sliding idle timeout
    /// writes at most once a minute per session).
    Use {
        /// Record this request's time.
        touch: bool,
    },
}

impl SessionTiming {
    /// Whether a request at `now` may use the session.
    pub fn check(&self, now: i64, revoked: bool) -> SessionUse {
        if revoked {
            SessionUse::Refuse { revoke: false }
        } else if now - self.last_seen_at > self.idle || now - self.created_at > self.absolute {
            SessionUse::Refuse { revoke: true }
        } else {
            SessionUse::Use {
                touch: now - self.last_seen_at >= 60,
            }
        }
    }
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Citizen, ApiError> {
        let unauthenticated = || ApiError::client(ErrorCode::Unauthenticated);
        let token = session_token(&parts.headers).ok_or_else(unauthenticated)?;
        let hash = token_hash(&token);
        let session = state
            .store
            .session(&hash)
            .await?
            .ok_or_else(unauthenticated)?;
        let now = state.clock.now();
        let timing = SessionTiming {
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            idle: IDLE_TIMEOUT,
            absolute: ABSOLUTE_TIMEOUT,
        };
        match timing.check(now, session.revoked_at.is_some()) {
            SessionUse::Refuse { revoke } => {
                if revoke {
                    state
                        .store
                        .revoke_session(SessionKind::Citizen, &hash, now)
                        .await?;
                }
                return Err(unauthenticated());
            }
            SessionUse::Use { touch } => {
                if touch {
                    state
                        .store
                        .touch_session(SessionKind::Citizen, &hash, now)
                        .await?;
                }
            }
        }
        Ok(Citizen {
            id: session.citizen_id,
            token_hash: hash,
            idle_expires_at: now.max(session.last_seen_at) + IDLE_TIMEOUT,
            absolute_expires_at: session.created_at + ABSOLUTE_TIMEOUT,
        })
    }
}

/// Refuses state-changing API requests whose `Origin` is another site's. Browsers send
/// `Origin` on every cross-site write; requests without one (curl, servers) carry no ambient
/// browser credentials and pass.
pub async fn check_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes && request.uri().path().starts_with("/api/") {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        if let Some(origin) = origin {
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            if origin == "null" || authority.is_none() || authority != host {
                audit(
                    &state,
                    "anonymous",
                    "access.denied",
                    request.uri().path(),
                    "forbidden_origin",
                )
                .await;
                return problem_response(rega_api::Problem::new(ErrorCode::ForbiddenOrigin));
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::{SessionTiming, SessionUse};

    #[test]
    fn a_session_is_used_touched_once_a_minute_and_revoked_when_it_times_out() {
        let timing = SessionTiming {
            created_at: 1_000,
            last_seen_at: 1_000,
            idle: 1_800,
            absolute: 36_000,
        };
        assert_eq!(timing.check(1_059, false), SessionUse::Use { touch: false });
        assert_eq!(timing.check(1_060, false), SessionUse::Use { touch: true });
        assert_eq!(timing.check(2_800, false), SessionUse::Use { touch: true });
        assert_eq!(
            timing.check(2_801, false),
            SessionUse::Refuse { revoke: true }
        );
        assert_eq!(
            timing.check(1_001, true),
            SessionUse::Refuse { revoke: false }
        );
        let busy = SessionTiming {
            last_seen_at: 36_990,
            ..timing
        };
        assert_eq!(busy.check(37_000, false), SessionUse::Use { touch: false });
        assert_eq!(
            busy.check(37_001, false),
            SessionUse::Refuse { revoke: true }
        );
    }
}
