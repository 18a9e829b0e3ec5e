//! Citizen sign-in codes (SPEC §3.1): six digits sent by SMS, valid five minutes, stored only as
//! an HMAC, limited per national ID and per address, and judged without revealing whether an ID
//! is registered.

use hmac::{Hmac, Mac};
use rega_api::Locale;
use rega_api::ids::{NationalId, OtpCode};
use sha2::{Digest, Sha256};

use super::sessions::{hex, random_bytes};
use crate::AppState;
use crate::http::problem::ApiError;
use crate::sms::Sms;
use crate::store::{EventLimit, StoreError};

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

type HmacSha256 = Hmac<Sha256>;

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

/// Issues a code for a citizen and sends it by SMS. Returns `Err(retry_after)` when limited.
pub async fn request_code(
    state: &AppState,
    national_id: &NationalId,
    locale: Locale,
    address: &str,
) -> Result<Result<(), i64>, ApiError> {
    let now = state.clock.now();
    let id_key = format!("code-sent:id:{}", id_key(national_id));
    let address_key = format!("code-sent:address:{address}");
    // One atomic count-and-record for the three limits: a burst of requests for one ID, or
    // from one address, sent at the same instant gets no more codes than one at a time would.
    let limits = [
        EventLimit {
            key: &id_key,
            since: now - RESEND_AFTER,
            max: 1,
        },
        EventLimit {
            key: &id_key,
            since: now - 15 * 60,
            max: MAX_CODES_PER_ID,
        },
        EventLimit {
            key: &address_key,
            since: now - 15 * 60,
            max: state.codes_per_address,
        },
    ];
    match state.store.take_event(&limits, now).await? {
        None => {}
        Some(0) => return Ok(Err(RESEND_AFTER)),
        Some(_) => return Ok(Err(15 * 60)),
    }
    // Whether the ID is registered must not show, not even in how long the answer takes: the
    // code is issued and sent after the answer, in the background, for known IDs only.
    let (state, national_id) = (state.clone(), national_id.clone());
    tokio::spawn(async move {
        if let Err(error) = issue_code(&state, &national_id, locale, now).await {
            tracing::error!(
                error = format!("{error:#}"),
                "a sign-in code could not be issued"
            );
        }
    });
    Ok(Ok(()))
}

/// The citizen who may sign in with this ID: registered and active. An inactive one (withdrawn
/// by the registry) is answered as an unregistered ID.
async fn may_sign_in(
    state: &AppState,
    national_id: &NationalId,
) -> Result<Option<crate::store::CitizenRecord>, crate::store::StoreError> {
    Ok(state
        .store
        .citizen_by_national_id(national_id)
        .await?
        .filter(|c| c.active))
}

/// Issues and sends a code to a registered citizen; nothing for an unknown ID.
async fn issue_code(
    state: &AppState,
    national_id: &NationalId,
    locale: Locale,
    now: i64,
) -> anyhow::Result<()> {
    let Some(citizen) = may_sign_in(state, national_id).await? else {
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
    let text = crate::domain::messages::sign_in_code(locale, &code);
    let sms = Sms {
        to: &citizen.phone,
        text: &text,
        key: None,
    };
    // The citizen is waiting: three tries a second or two apart, then they may ask again. (A
    // code is not kept in the outbox: it is a secret, and worthless after five minutes.)
    let mut tries = 0;
    while let Err(error) = state.sms.send(&sms).await {
        tries += 1;
        if tries == 3 {
            return Err(error.into());
        }
        tokio::time::sleep(std::time::Duration::from_secs(tries)).await;
    }
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
///
/// Every try from an address takes a place in its hourly limit before it is judged (one atomic
/// step, so a burst of guesses sent at one instant is judged no more often than the limit), and
/// a right code gives its place back. An ID nobody registered answers exactly as a registered
/// one would (see [`judge_unregistered`]).
pub async fn verify_code(
    state: &AppState,
    national_id: &NationalId,
    code: &OtpCode,
    address: &str,
) -> Result<Result<i64, CodeRejected>, ApiError> {
    let now = state.clock.now();
    let address_key = format!("code-failed:address:{address}");
    let limit = EventLimit {
        key: &address_key,
        since: now - 3600,
        max: MAX_FAILURES_PER_ADDRESS,
    };
    if state.store.take_event(&[limit], now).await?.is_some() {
        return Ok(Err(CodeRejected::Limited));
    }
    let judged = judge(state, national_id, code, now).await?;
    if judged.is_ok() {
        state.store.give_back_event(&address_key, now).await?;
    }
    Ok(judged)
}

async fn judge(
    state: &AppState,
    national_id: &NationalId,
    code: &OtpCode,
    now: i64,
) -> Result<Result<i64, CodeRejected>, ApiError> {
    let Some(citizen) = may_sign_in(state, national_id).await? else {
        return judge_unregistered(state, national_id, now).await;
    };
    let Some(otp) = state.store.current_otp(citizen.id).await? else {
        return Ok(Err(CodeRejected::Expired));
    };
    if now >= otp.expires_at {
        return Ok(Err(CodeRejected::Expired));
    }
    let key = code_key(state).await?;
    if !constant_time_eq(&code_hmac(&key, citizen.id, code.as_str()), &otp.code_hmac) {
        let failures = state.store.otp_failed(otp.id, MAX_CODE_FAILURES).await?;
        return Ok(Err(wrong_code(failures)));
    }
    // Single use, even when the same code arrives twice at once.
    if !state.store.otp_consume(otp.id, now).await? {
        return Ok(Err(CodeRejected::Expired));
    }
    Ok(Ok(citizen.id))
}

/// A code for an ID nobody registered, answered as for a registered citizen (SPEC §3.1: nothing
/// may tell whether an ID is registered): after a code was asked for it (the `code-sent` event
/// every request records, registered or not) a wrong code is `Incorrect` for five minutes, the
/// fifth is `TooManyAttempts` and later ones `Expired`, as a revoked code would be; with no code
/// asked for in five minutes, `Expired`.
async fn judge_unregistered(
    state: &AppState,
    national_id: &NationalId,
    now: i64,
) -> Result<Result<i64, CodeRejected>, ApiError> {
    let id = id_key(national_id);
    let Some(sent) = state
        .store
        .latest_event(&format!("code-sent:id:{id}"), now - CODE_LIFETIME)
        .await?
    else {
        return Ok(Err(CodeRejected::Expired));
    };
    let wrong_key = format!("code-wrong:id:{id}");
    let limit = EventLimit {
        key: &wrong_key,
        since: sent - 1,
        max: MAX_CODE_FAILURES,
    };
    if state.store.take_event(&[limit], now).await?.is_some() {
        return Ok(Err(CodeRejected::Expired));
    }
    let failures = state.store.count_events(&wrong_key, sent - 1).await?;
    Ok(Err(wrong_code(failures)))
}

/// The answer to the wrong code that brought a code's wrong tries to `failures`: the fifth ends
/// the code.
fn wrong_code(failures: u32) -> CodeRejected {
    if failures >= MAX_CODE_FAILURES {
        CodeRejected::TooManyAttempts
    } else {
        CodeRejected::Incorrect
    }
}
