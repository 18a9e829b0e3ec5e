//! Sign-in and sessions over HTTP (SPEC §3.1, §6), with a test clock instead of sleeps.

use reqwest::header::SET_COOKIE;
use serde_json::json;

use crate::helpers::citizen::cookie_of;
use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

const VALID: &str = "100000000001";

async fn a_citizen_signs_in_with_the_code_from_the_sms(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let sent = demo
        .post(
            "/api/v1/auth/code",
            json!({ "national_id": "١٠٠٠٠٠٠٠٠٠٠١" }),
        )
        .await;
    assert_eq!(
        sent.status(),
        202,
        "{db:?}: Eastern Arabic digits are accepted"
    );
    let body: serde_json::Value = sent.json().await.expect("JSON");
    assert_eq!(
        body,
        json!({ "expires_in_seconds": 300, "resend_after_seconds": 60 })
    );
    let code = demo
        .code_for(VALID)
        .await
        .expect("the SMS holds a 6-digit code");
    let verified = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": VALID, "code": code }),
        )
        .await;
    assert_eq!(verified.status(), 200);
    let set_cookie = verified.headers()[SET_COOKIE]
        .to_str()
        .expect("ASCII")
        .to_owned();
    for attribute in [
        "__Host-rega_session=",
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
    ] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Domain"),
        "a __Host- cookie has no Domain"
    );
    let token = set_cookie
        .split(';')
        .next()
        .and_then(|p| p.split_once('='))
        .map(|(_, v)| v)
        .expect("a value");
    assert!(token.len() >= 43, "at least 256 bits of base64url: {token}");
    let cookie = cookie_of(&verified);
    let session = demo.get_with_cookie("/api/v1/auth/session", &cookie).await;
    assert_eq!(session.status(), 200);
    let info: serde_json::Value = session.json().await.expect("JSON");
    assert_eq!(info["national_id_last_digits"], "001");
}

both!(a_citizen_signs_in_with_the_code_from_the_sms);

#[tokio::test]
async fn an_unknown_id_gets_the_same_answer_and_no_sms() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let known = demo
        .post("/api/v1/auth/code", json!({ "national_id": VALID }))
        .await;
    let unknown = demo
        .post(
            "/api/v1/auth/code",
            json!({ "national_id": "999999999999" }),
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.text().await.expect("body"),
        unknown.text().await.expect("body")
    );
    assert_eq!(demo.code_for("999999999999").await, None);
    let wrong = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": "999999999999", "code": "123456" }),
        )
        .await;
    expect_problem(wrong, 422, "code_incorrect").await;
}

#[tokio::test]
async fn five_wrong_codes_end_the_code() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    demo.post("/api/v1/auth/code", json!({ "national_id": VALID }))
        .await;
    let code = demo.code_for(VALID).await.expect("a code");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        let r = demo
            .post(
                "/api/v1/auth/verify",
                json!({ "national_id": VALID, "code": wrong }),
            )
            .await;
        expect_problem(r, 422, "code_incorrect").await;
    }
    let fifth = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": VALID, "code": wrong }),
        )
        .await;
    assert_eq!(
        fifth.headers()["retry-after"],
        "60",
        "when a new code can be asked for"
    );
    expect_problem(fifth, 429, "too_many_attempts").await;
    let right_too_late = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": VALID, "code": code }),
        )
        .await;
    expect_problem(right_too_late, 422, "code_expired").await;
}

#[tokio::test]
async fn a_code_expires_after_five_minutes_and_works_once() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    demo.post("/api/v1/auth/code", json!({ "national_id": VALID }))
        .await;
    let code = demo.code_for(VALID).await.expect("a code");
    demo.clock.advance(300);
    let late = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": VALID, "code": code }),
        )
        .await;
    expect_problem(late, 422, "code_expired").await;

    demo.post("/api/v1/auth/code", json!({ "national_id": VALID }))
        .await;
    let code = demo.code_for(VALID).await.expect("a new code");
    let first = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": VALID, "code": code }),
        )
        .await;
    assert_eq!(first.status(), 200);
    let again = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": VALID, "code": code }),
        )
        .await;
    expect_problem(again, 422, "code_expired").await;
}

#[tokio::test]
async fn asking_for_codes_is_rate_limited_per_id_and_per_address() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let ask = |id: &'static str| demo.post("/api/v1/auth/code", json!({ "national_id": id }));
    assert_eq!(ask(VALID).await.status(), 202);
    let too_soon = ask(VALID).await;
    assert_eq!(too_soon.headers()["retry-after"], "60");
    expect_problem(too_soon, 429, "rate_limited").await;
    demo.clock.advance(61);
    assert_eq!(ask(VALID).await.status(), 202);
    demo.clock.advance(61);
    assert_eq!(ask(VALID).await.status(), 202);
    demo.clock.advance(61);
    expect_problem(ask(VALID).await, 429, "rate_limited").await; // 4th within 15 minutes
    // Per address: ten codes in 15 minutes from one address, whatever the IDs.
    demo.clock.advance(16 * 60);
    for n in 0..10 {
        let id = format!("20000000000{n}");
        let r = demo
            .post("/api/v1/auth/code", json!({ "national_id": id }))
            .await;
        assert_eq!(r.status(), 202, "{n}");
    }
    expect_problem(ask("100000000002").await, 429, "rate_limited").await;
}

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes_or_twelve_hours() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(VALID).await;
    demo.clock.advance(29 * 60);
    assert_eq!(
        demo.get_with_cookie("/api/v1/auth/session", &cookie)
            .await
            .status(),
        200
    );
    demo.clock.advance(31 * 60);
    expect_problem(
        demo.get_with_cookie("/api/v1/auth/session", &cookie).await,
        401,
        "unauthenticated",
    )
    .await;

    let cookie = demo.sign_in(VALID).await;
    // Kept alive by a request every 25 minutes, it lasts until 12 hours after sign-in …
    for _ in 0..28 {
        demo.clock.advance(25 * 60);
        assert_eq!(
            demo.get_with_cookie("/api/v1/auth/session", &cookie)
                .await
                .status(),
            200
        );
    }
    // … (11 h 40 min so far) and ends at 12 hours all the same.
    demo.clock.advance(25 * 60);
    expect_problem(
        demo.get_with_cookie("/api/v1/auth/session", &cookie).await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn signing_out_revokes_the_session_and_signing_in_rotates_it() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let first = demo.sign_in(VALID).await;
    demo.clock.advance(61);
    // Signing in again from the same browser replaces the old session.
    demo.post("/api/v1/auth/code", json!({ "national_id": VALID }))
        .await;
    let code = demo.code_for(VALID).await.expect("a code");
    let verified = demo
        .post_with_cookie(
            "/api/v1/auth/verify",
            json!({ "national_id": VALID, "code": code }),
            &first,
        )
        .await;
    let second = cookie_of(&verified);
    assert_ne!(first, second);
    expect_problem(
        demo.get_with_cookie("/api/v1/auth/session", &first).await,
        401,
        "unauthenticated",
    )
    .await;
    let out = demo
        .post_with_cookie("/api/v1/auth/sign-out", json!({}), &second)
        .await;
    assert_eq!(out.status(), 204);
    assert!(
        out.headers()[SET_COOKIE]
            .to_str()
            .expect("ASCII")
            .contains("Max-Age=0")
    );
    expect_problem(
        demo.get_with_cookie("/api/v1/auth/session", &second).await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn a_write_from_another_site_is_refused() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let url = format!("{}/api/v1/auth/code", demo.app.url);
    let foreign = demo
        .app
        .client
        .post(&url)
        .header("origin", "https://evil.example")
        .json(&json!({ "national_id": VALID }))
        .send()
        .await
        .expect("answered");
    expect_problem(foreign, 403, "forbidden_origin").await;
    assert_eq!(demo.code_for(VALID).await, None, "nothing was sent");
    let own = demo
        .app
        .client
        .post(&url)
        .header("origin", demo.app.url.as_str())
        .json(&json!({ "national_id": VALID }))
        .send()
        .await
        .expect("answered");
    assert_eq!(own.status(), 202);
}

#[tokio::test]
async fn bad_sign_in_input_gets_its_own_problem_and_changes_nothing() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let url = format!("{}/api/v1/auth/code", demo.app.url);
    let raw = |body: &'static str, content_type: &'static str| {
        demo.app
            .client
            .post(&url)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    expect_problem(
        raw("{\"national_id\":", "application/json")
            .await
            .expect("answered"),
        400,
        "invalid_json",
    )
    .await;
    expect_problem(
        raw("{\"national_id\":100000000001}", "application/json")
            .await
            .expect("answered"),
        400,
        "invalid_json",
    )
    .await;
    expect_problem(
        raw(
            "{\"national_id\":\"100000000001\",\"admin\":true}",
            "application/json",
        )
        .await
        .expect("answered"),
        400,
        "invalid_json",
    )
    .await;
    expect_problem(
        raw(
            "national_id=100000000001",
            "application/x-www-form-urlencoded",
        )
        .await
        .expect("answered"),
        415,
        "unsupported_media_type",
    )
    .await;
    let huge = format!("{{\"national_id\":\"{}\"}}", "1".repeat(100_000));
    let r = demo
        .app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("answered");
    expect_problem(r, 413, "payload_too_large").await;
    expect_problem(
        demo.post("/api/v1/auth/code", json!({ "national_id": "10000000000" }))
            .await,
        422,
        "invalid_national_id",
    )
    .await;
    expect_problem(
        demo.post(
            "/api/v1/auth/verify",
            json!({ "national_id": VALID, "code": "12345" }),
        )
        .await,
        422,
        "invalid_code",
    )
    .await;
    assert_eq!(demo.code_for(VALID).await, None, "nothing was sent");
}

#[tokio::test]
async fn the_outbox_exists_only_in_demo_mode() {
    let app = crate::helpers::spawn_app(None).await;
    // spawn_app runs in demo mode; a production state answers 404.
    let data = tempfile::tempdir().expect("a temporary directory");
    let store = crate::helpers::sqlite_store(data.path()).await;
    let state = rega_server::AppState::new(store, data.path().join("no-dist"), false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(listener, rega_server::app(state))
            .await
            .expect("serves")
    });
    let response = reqwest::get(format!("{url}/api/v1/dev/outbox?national_id={VALID}"))
        .await
        .expect("answered");
    expect_problem(response, 404, "not_found").await;
    assert_eq!(
        app.get(&format!("/api/v1/dev/outbox?national_id={VALID}"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn the_audit_log_records_sign_in_without_codes_or_tokens() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(VALID).await;
    let code = demo.code_for(VALID).await.expect("the code");
    let records = demo.state.store.audit_records(20).await.expect("records");
    let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
    assert!(
        actions.contains(&"auth.code_requested") && actions.contains(&"auth.signed_in"),
        "{actions:?}"
    );
    let token = cookie.split_once('=').expect("a cookie").1;
    for r in &records {
        let text = format!("{} {} {} {}", r.actor, r.action, r.object, r.result);
        assert!(
            !text.contains(&code) && !text.contains(token) && !text.contains(VALID),
            "{text}"
        );
        assert!(r.at >= THURSDAY_9AM);
    }
}
