//! Staff sign-in over HTTP: wrong passwords are refused alike, then limited.

use crate::helpers::staff::PASSWORD;
use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

#[tokio::test]
async fn wrong_passwords_are_refused_alike_and_then_limited() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    expect_problem(
        demo.staff_sign_in("erbil-desk", "not the password").await,
        401,
        "staff_sign_in_failed",
    )
    .await;
    expect_problem(
        demo.staff_sign_in("nobody", PASSWORD).await,
        401,
        "staff_sign_in_failed",
    )
    .await;
    for _ in 0..8 {
        let _ = demo.staff_sign_in("erbil-desk", "still not it").await;
    }
    let limited = demo.staff_sign_in("erbil-desk", PASSWORD).await;
    expect_problem(limited, 429, "rate_limited").await;
    // Only Argon2id hashes are stored.
    let account = demo
        .state
        .store
        .staff_by_username("erbil-desk")
        .await
        .expect("store")
        .expect("an account");
    assert!(
        account.password_hash.starts_with("$argon2id$v=19$"),
        "{}",
        account.password_hash
    );
    assert!(!account.password_hash.contains(PASSWORD));
}
