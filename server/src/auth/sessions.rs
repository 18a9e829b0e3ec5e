//! Sessions: a random token in a `__Host-` cookie, stored only as its hash, ended after an idle
//! time or an absolute one ([`SessionTiming`], one rule for citizens and staff).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::http::problem::ApiError;
use crate::store::{SessionOwner, StoreError};

/// A session ends after 30 minutes without a request …
pub const IDLE_TIMEOUT: i64 = 30 * 60;

/// … and 12 hours after sign-in in any case.
pub const ABSOLUTE_TIMEOUT: i64 = 12 * 3600;

/// A staff session ends after 30 minutes without a request …
pub const STAFF_IDLE_TIMEOUT: i64 = 30 * 60;

/// … or after a working day.
pub const STAFF_ABSOLUTE_TIMEOUT: i64 = 10 * 3600;

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes, or a store error when the system has no randomness.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| StoreError::NoRandomness)?;
    Ok(bytes)
}

/// The SHA-256 of a session token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Starts a session: 256 random bits, stored only as a hash. Returns the cookie value.
pub async fn start_session(
    state: &AppState,
    citizen_id: i64,
    shared_device: bool,
) -> Result<String, ApiError> {
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
    let owner = if shared_device {
        SessionOwner::SharedPhone(citizen_id)
    } else {
        SessionOwner::Citizen(citizen_id)
    };
    state
        .store
        .create_session(owner, &token_hash(&token), state.clock.now())
        .await?;
    Ok(token)
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
