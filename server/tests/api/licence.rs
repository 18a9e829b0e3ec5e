//! The licence card, fresh DL1 tokens, and the trust list, over HTTP.

use rega_credential::{Policy, TrustList, verify};
use serde_json::Value;

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

async fn the_card_shows_each_licence_state(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cases = [
        ("100000000001", "valid"),
        ("100000000002", "expiring_soon"),
        ("100000000003", "expired"),
        ("100000000004", "suspended"),
    ];
    for (citizen, status) in cases {
        demo.clock.advance(61);
        let cookie = demo.sign_in(citizen).await;
        let response = demo.get_with_cookie("/api/v1/licence", &cookie).await;
        assert_eq!(response.status(), 200, "{db:?} {citizen}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        let card: Value = response.json().await.expect("JSON");
        assert_eq!(card["status"], status, "{db:?} {citizen}: {card}");
        if status == "suspended" {
            assert!(
                card["suspension_reason"]
                    .as_str()
                    .is_some_and(|r| !r.is_empty())
            );
        }
        if status == "expired" {
            assert!(
                card["categories"]
                    .as_array()
                    .expect("categories")
                    .iter()
                    .all(|c| c["expired"] == true)
            );
        }
    }
    demo.clock.advance(61);
    let cookie = demo.sign_in("100000000001").await;
    let card: Value = demo
        .get_with_cookie("/api/v1/licence", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (
            card["given_name"].as_str(),
            card["given_name_national"].as_str()
        ),
        (Some("Karwan"), Some("کاروان"))
    );
    assert_eq!(card["document_number"], "KR-ERB-0012345");
    assert_eq!(card["categories"][0]["code"], "B");
    demo.clock.advance(61);
    let cookie = demo.sign_in("100000000006").await;
    expect_problem(
        demo.get_with_cookie("/api/v1/licence", &cookie).await,
        404,
        "no_licence",
    )
    .await;
}

both!(the_card_shows_each_licence_state);

#[tokio::test]
async fn a_fresh_token_verifies_against_the_served_trust_list_and_the_pinned_anchor() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in("100000000001").await;
    let first = demo.get_with_cookie("/api/v1/licence/token", &cookie).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let first: Value = first.json().await.expect("JSON");
    assert_eq!(
        first["expires_at"].as_i64(),
        first["issued_at"].as_i64().map(|t| t + 180)
    );
    let second: Value = demo
        .get_with_cookie("/api/v1/licence/token", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_ne!(first["token"], second["token"], "a fresh token each time");

    let list = demo.app.get("/api/v1/trust-list").await;
    assert_eq!(list.headers()["cache-control"], "public, max-age=3600");
    let jws = list.text().await.expect("text");
    // The demo's anchor lives only in the server's memory: its private key is on no disk.
    let keys = demo.app._data.path().join("keys");
    for entry in std::fs::read_dir(&keys).expect("the keys directory") {
        let name = entry.expect("an entry").file_name();
        let name = name.to_string_lossy();
        assert!(name.starts_with("signing-"), "{name} in the keys directory");
    }
    let anchor = demo
        .state
        .credentials
        .as_ref()
        .expect("demo credentials")
        .anchor()
        .to_owned();
    let served = demo.app.get("/api/v1/trust-anchor").await;
    assert_eq!(served.headers()["cache-control"], "public, max-age=86400");
    let served: Value = served.json().await.expect("JSON");
    assert_eq!(served["crv"], "P-256");
    let pinned = rega_credential::keys::from_jwk(
        served["kid"].as_str().expect("kid"),
        served["x"].as_str().expect("x"),
        served["y"].as_str().expect("y"),
    )
    .expect("a P-256 key with its own kid");
    assert_eq!(pinned, anchor);
    assert!(
        rega_credential::keys::from_jwk(
            "AAAAAAAAAAA",
            served["x"].as_str().expect("x"),
            served["y"].as_str().expect("y")
        )
        .is_none(),
        "a kid that is not the key's own is refused"
    );
    let trust = TrustList::from_jws(&jws, &anchor).expect("the trust list verifies");
    for token in [&first["token"], &second["token"]] {
        let verified = verify(
            token.as_str().expect("text"),
            &trust,
            THURSDAY_9AM + 30,
            &Policy::default(),
        )
        .expect("valid");
        assert_eq!(verified.licence().document_number, "KR-ERB-0012345");
    }
}

#[tokio::test]
async fn no_token_for_a_suspended_licence_or_none() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in("100000000004").await;
    expect_problem(
        demo.get_with_cookie("/api/v1/licence/token", &cookie).await,
        403,
        "licence_suspended",
    )
    .await;
    let cookie = demo.sign_in("100000000005").await;
    expect_problem(
        demo.get_with_cookie("/api/v1/licence/token", &cookie).await,
        404,
        "no_licence",
    )
    .await;
    expect_problem(
        demo.app.get("/api/v1/licence/token").await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn one_citizens_licence_never_appears_in_anothers_responses() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in("100000000002").await;
    for path in [
        "/api/v1/licence",
        "/api/v1/licence/token",
        "/api/v1/appointments",
        "/api/v1/auth/session",
    ] {
        let text = demo
            .get_with_cookie(path, &cookie)
            .await
            .text()
            .await
            .expect("text");
        assert!(
            !text.contains("KR-ERB-0012345") && !text.contains("Karwan"),
            "{path}: {text}"
        );
    }
}
