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

/// Creates a staff account with a password (for `rega staff add` and the demo).
pub async fn add_staff(
    store: &dyn crate::store::Store,
    username: &str,
    password: &str,
    role: StaffRole,
    directorate_id: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let password = password.to_owned();
    let phc = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| StoreError::NoRandomness)??;
    store
        .create_staff(username, &phc, role, directorate_id, now)
        .await
}
