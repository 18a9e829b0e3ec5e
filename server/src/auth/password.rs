//! Staff passwords: Argon2id with OWASP's settings, hashed off the async threads.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::store::{StaffRole, StoreError};

fn argon2() -> Argon2<'static> {
    // OWASP's Argon2id settings: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The Argon2id PHC string of a password, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| StoreError::NoRandomness)
}

/// Whether a password matches a PHC string.
pub fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// The Argon2id PHC string of a password, hashed off the async threads.
pub async fn hash_off_thread(password: &str) -> Result<String, StoreError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| StoreError::NoRandomness)?
}

/// Whether a password can be a staff member's own: 12 to 128 characters, and not easy to guess
/// by zxcvbn's estimate (dictionaries of common passwords, names and words, keyboard patterns,
/// dates, repeats, and the account's own name): score 3 or more, about 10^8 guesses.
pub fn acceptable_password(password: &str, user_inputs: &[&str]) -> bool {
    (12..=128).contains(&password.chars().count())
        && zxcvbn::zxcvbn(password, user_inputs).score() >= zxcvbn::Score::Three
}

/// Creates a staff account with a password of its own (for `rega staff add` and the demo); its
/// id, or `None` when the username is taken.
pub async fn add_staff(
    store: &dyn crate::store::Store,
    username: &str,
    password: &str,
    role: StaffRole,
    directorate_id: Option<&str>,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let phc = hash_off_thread(password).await?;
    let account = crate::store::NewStaff {
        username,
        password_hash: &phc,
        role,
        directorate_id,
        one_time: false,
    };
    store.create_staff(&account, now).await
}

#[cfg(test)]
mod tests {
    use super::acceptable_password;

    #[test]
    fn a_short_or_common_password_is_refused() {
        for weak in [
            "short",
            "password1234",
            "qwertyuiop123",
            "erbil-desk-2026",
            "111111111111",
        ] {
            assert!(
                !acceptable_password(weak, &["erbil-desk", "rega"]),
                "{weak}"
            );
        }
        for strong in [
            "a-long-own-password",
            "kani maran 4 winter bells",
            "Tq7!vR2#pLm9@xZ",
        ] {
            assert!(acceptable_password(strong, &["erbil-desk"]), "{strong}");
        }
        assert!(
            !acceptable_password(&"x7Kp".repeat(40), &[]),
            "over 128 characters"
        );
    }
}
