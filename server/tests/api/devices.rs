//! The bound form over HTTP (issue 19): a phone's key gets a licence credential that its
//! presentations, signed offline days later, make verify; a phone withdrawn by its citizen or
//! by a desk gets nothing more; at most five phones, also when many ask at once; a shared
//! phone's session gets nothing; hostile keys are refused and change nothing.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rega_credential::sign::{BoundCredential, SigningKey, generate_key, present};
use rega_credential::{Form, Policy, TrustList, VerifyError, verify};
use serde_json::{Value, json};

use crate::helpers::citizen::cookie_of;
use crate::helpers::{Db, DemoApp, THURSDAY_9AM, expect_problem, json_of, spawn_demo};

const KARWAN: &str = "100000000001";
const SUSPENDED: &str = "100000000004";
const NO_LICENCE: &str = "100000000006";
const CREDENTIAL: &str = "/api/v1/licence/credential";
const DEVICES: &str = "/api/v1/licence/devices";

/// A phone's key as WebCrypto exports it: the uncompressed point, base64url.
fn exported(key: &SigningKey) -> String {
    URL_SAFE_NO_PAD.encode(key.verifying_key().to_encoded_point(false).as_bytes())
}

async fn ask(demo: &DemoApp, cookie: &str, key: &SigningKey, label: &str) -> reqwest::Response {
    demo.post_with_cookie(
        CREDENTIAL,
        json!({ "public_key": exported(key), "label": label }),
        cookie,
    )
    .await
}

/// The credential in an answer, as the phone keeps it.
fn kept(answer: &Value) -> BoundCredential {
    let bytes = |name: &str| {
        URL_SAFE_NO_PAD
            .decode(answer[name].as_str().expect("base64url"))
            .expect("base64url")
    };
    BoundCredential {
        packed: bytes("credential"),
        digest: bytes("digest").try_into().expect("32 bytes"),
        issued_at: answer["issued_at"].as_i64().expect("issued_at"),
        expires_at: answer["expires_at"].as_i64().expect("expires_at"),
    }
}

async fn trust_list(demo: &DemoApp) -> TrustList {
    let jws = demo
        .app
        .get("/api/v1/trust-list")
        .await
        .text()
        .await
        .expect("text");
    let anchor = demo
        .state
        .credentials
        .as_ref()
        .expect("demo credentials")
        .anchor()
        .to_owned();
    TrustList::from_jws(&jws, &anchor).expect("the served list verifies")
}

async fn a_phone_shows_the_licence_offline_for_the_days_the_rule_gives(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(KARWAN).await;
    let phone = generate_key().expect("a key");
    let answer = ask(&demo, &cookie, &phone, "Chrome on Android").await;
    assert_eq!(answer.headers()["cache-control"], "no-store");
    let answer = json_of(answer, 200).await;
    let credential = kept(&answer);
    assert_eq!(credential.issued_at, THURSDAY_9AM);
    assert_eq!(credential.expires_at, THURSDAY_9AM + 7 * 86_400);
    // The digest the phone signs is the credential's own.
    let cose = rega_credential::zlib::inflate(&credential.packed, 16 * 1024).expect("zlib");
    assert_eq!(
        credential.digest,
        rega_credential::bound::credential_digest(&cose)
    );

    // Two days later, offline: the phone signs, the officer's verifier checks.
    let trust = trust_list(&demo).await;
    let later = THURSDAY_9AM + 2 * 86_400;
    let text = present(&credential, &phone, later as u32);
    let verified = verify(&text, &trust, later + 20, &Policy::default()).expect("valid");
    assert_eq!(verified.form, Form::Bound);
    assert_eq!(verified.licence().document_number, "KR-ERB-0012345");
    // The same screenshot four minutes later, and the credential with another key.
    assert_eq!(
        verify(&text, &trust, later + 240 + 61, &Policy::default()).expect_err("refused"),
        VerifyError::PresentationTooOld
    );
    let thief = generate_key().expect("a key");
    assert_eq!(
        verify(
            &present(&credential, &thief, later as u32),
            &trust,
            later,
            &Policy::default()
        )
        .expect_err("refused"),
        VerifyError::DeviceSignatureBad
    );
    // After seven days the phone must have been online.
    let gone = THURSDAY_9AM + 7 * 86_400 + 120;
    assert_eq!(
        verify(
            &present(&credential, &phone, gone as u32),
            &trust,
            gone,
            &Policy::default()
        )
        .expect_err("refused"),
        VerifyError::CredentialExpired
    );

    // Renewing: the same phone, not a second one.
    demo.clock.advance(300);
    let again = json_of(ask(&demo, &cookie, &phone, "Chrome on Android").await, 200).await;
    assert_eq!(again["device"], answer["device"]);
    let devices = json_of(demo.get_with_cookie(DEVICES, &cookie).await, 200).await;
    let devices = devices.as_array().expect("a list");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["label"], "Chrome on Android");
    assert_eq!(devices[0]["last_issued_at"], THURSDAY_9AM + 300);
    assert_eq!(devices[0]["valid_until"], THURSDAY_9AM + 300 + 7 * 86_400);
    assert!(devices[0].get("withdrawn_at").is_none());
}

both!(a_phone_shows_the_licence_offline_for_the_days_the_rule_gives);

async fn a_withdrawn_phone_is_issued_nothing_more(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(KARWAN).await;
    let lost = generate_key().expect("a key");
    let device = json_of(ask(&demo, &cookie, &lost, "Lost phone").await, 200).await["device"]
        .as_i64()
        .expect("an id");
    let withdraw = format!("{DEVICES}/{device}/withdraw");
    let withdrawn = json_of(
        demo.post_with_cookie(&withdraw, json!({}), &cookie).await,
        200,
    )
    .await;
    assert_eq!(withdrawn["withdrawn_at"], THURSDAY_9AM);
    // Twice changes nothing.
    demo.clock.advance(60);
    let twice = json_of(
        demo.post_with_cookie(&withdraw, json!({}), &cookie).await,
        200,
    )
    .await;
    assert_eq!(twice["withdrawn_at"], THURSDAY_9AM);
    expect_problem(
        ask(&demo, &cookie, &lost, "Lost phone").await,
        403,
        "device_withdrawn",
    )
    .await;
    // Another citizen cannot see or withdraw it.
    demo.clock.advance(61);
    let other = demo.sign_in("100000000002").await;
    expect_problem(
        demo.post_with_cookie(&withdraw, json!({}), &other).await,
        404,
        "not_found",
    )
    .await;
    let theirs = json_of(demo.get_with_cookie(DEVICES, &other).await, 200).await;
    assert_eq!(theirs, json!([]));
    // Audited under the citizen.
    let records = demo.state.store.audit_records(50).await.expect("audit");
    assert!(
        records
            .iter()
            .any(|r| r.action == "licence.device_withdrawn"
                && r.object == format!("device:{device}")
                && r.actor.starts_with("citizen:"))
    );
}

both!(a_withdrawn_phone_is_issued_nothing_more);

async fn five_phones_at_most_also_when_many_ask_at_once(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let demo = Arc::new(demo);
    let cookie = demo.sign_in(KARWAN).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(8));
    let mut tasks = Vec::new();
    for n in 0..8 {
        let (demo, cookie, barrier) = (demo.clone(), cookie.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let phone = generate_key().expect("a key");
            barrier.wait().await;
            ask(&demo, &cookie, &phone, &format!("Phone {n}"))
                .await
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("a task"));
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 409, 409, 409], "{db:?}");
    let devices = json_of(demo.get_with_cookie(DEVICES, &cookie).await, 200).await;
    let devices = devices.as_array().expect("a list");
    assert_eq!(devices.len(), 5);
    // Withdrawing one makes room for a new one.
    let first = devices[0]["id"].as_i64().expect("an id");
    let path = format!("{DEVICES}/{first}/withdraw");
    json_of(demo.post_with_cookie(&path, json!({}), &cookie).await, 200).await;
    let phone = generate_key().expect("a key");
    json_of(ask(&demo, &cookie, &phone, "New phone").await, 200).await;
    expect_problem(
        ask(&demo, &cookie, &generate_key().expect("a key"), "One more").await,
        409,
        "too_many_devices",
    )
    .await;
}

both!(five_phones_at_most_also_when_many_ask_at_once);

async fn a_desk_withdraws_a_lost_phone_after_checking_the_id_card(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(KARWAN).await;
    let lost = generate_key().expect("a key");
    json_of(ask(&demo, &cookie, &lost, "Lost phone").await, 200).await;
    let desk = demo.staff_cookie("erbil-desk").await;
    // Without a staff session: nothing.
    expect_problem(
        demo.staff(
            "POST",
            "/staff/licence-devices",
            None,
            Some(json!({ "national_id": KARWAN })),
        )
        .await,
        401,
        "staff_unauthenticated",
    )
    .await;
    expect_problem(
        demo.staff(
            "POST",
            "/staff/licence-devices",
            Some(&desk),
            Some(json!({ "national_id": "12345" })),
        )
        .await,
        422,
        "invalid_national_id",
    )
    .await;
    let listed = json_of(
        demo.staff(
            "POST",
            "/staff/licence-devices",
            Some(&desk),
            Some(json!({ "national_id": KARWAN })),
        )
        .await,
        200,
    )
    .await;
    let device = listed[0]["id"].as_i64().expect("an id");
    assert_eq!(listed[0]["label"], "Lost phone");
    let withdrawn = json_of(
        demo.staff(
            "POST",
            "/staff/licence-devices/withdraw",
            Some(&desk),
            Some(json!({ "national_id": KARWAN, "device": device })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(withdrawn["withdrawn_at"], THURSDAY_9AM);
    // A phone of another citizen is not found under this one's ID card.
    expect_problem(
        demo.staff(
            "POST",
            "/staff/licence-devices/withdraw",
            Some(&desk),
            Some(json!({ "national_id": "100000000002", "device": device })),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    expect_problem(
        ask(&demo, &cookie, &lost, "Lost phone").await,
        403,
        "device_withdrawn",
    )
    .await;
    let records = demo.state.store.audit_records(50).await.expect("audit");
    assert!(
        records
            .iter()
            .any(|r| r.action == "licence.device_withdrawn" && r.actor.starts_with("staff:"))
    );
}

both!(a_desk_withdraws_a_lost_phone_after_checking_the_id_card);

async fn hostile_keys_and_licences_without_a_card_get_nothing(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(KARWAN).await;
    let phone = generate_key().expect("a key");
    let point = phone.verifying_key().to_encoded_point(false);
    let compressed = phone.verifying_key().to_encoded_point(true);
    let mut off_curve = point.as_bytes().to_vec();
    off_curve[64] ^= 1;
    for key in [
        "not base64!".to_owned(),
        URL_SAFE_NO_PAD.encode(&point.as_bytes()[1..]),
        URL_SAFE_NO_PAD.encode(compressed.as_bytes()),
        URL_SAFE_NO_PAD.encode(&off_curve),
        String::new(),
    ] {
        expect_problem(
            demo.post_with_cookie(
                CREDENTIAL,
                json!({ "public_key": key, "label": "x" }),
                &cookie,
            )
            .await,
            400,
            "bad_request",
        )
        .await;
    }
    for label in ["", " \u{202e}\u{200f} \n"] {
        expect_problem(ask(&demo, &cookie, &phone, label).await, 400, "bad_request").await;
    }
    // A label is kept plain.
    let answer = json_of(
        ask(&demo, &cookie, &phone, "  My\u{202e} phone\t ").await,
        200,
    )
    .await;
    assert!(answer["device"].is_i64());
    let devices = json_of(demo.get_with_cookie(DEVICES, &cookie).await, 200).await;
    assert_eq!(
        devices.as_array().map(Vec::len),
        Some(1),
        "only the good key"
    );
    assert_eq!(devices[0]["label"], "My phone");
    // Without a session; a suspended licence; no licence.
    expect_problem(
        demo.post(
            CREDENTIAL,
            json!({ "public_key": exported(&phone), "label": "x" }),
        )
        .await,
        401,
        "unauthenticated",
    )
    .await;
    for (citizen, status, code) in [
        (SUSPENDED, 403, "licence_suspended"),
        (NO_LICENCE, 404, "no_licence"),
    ] {
        demo.clock.advance(61);
        let cookie = demo.sign_in(citizen).await;
        expect_problem(ask(&demo, &cookie, &phone, "x").await, status, code).await;
        let devices = json_of(demo.get_with_cookie(DEVICES, &cookie).await, 200).await;
        assert_eq!(devices, json!([]), "{citizen}: nothing recorded");
    }
}

both!(hostile_keys_and_licences_without_a_card_get_nothing);

async fn a_shared_phone_session_is_issued_nothing(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let sent = demo
        .post("/api/v1/auth/code", json!({ "national_id": KARWAN }))
        .await;
    assert_eq!(sent.status(), 202);
    let code = demo.code_for(KARWAN).await.expect("a code");
    let verified = demo
        .post(
            "/api/v1/auth/verify",
            json!({ "national_id": KARWAN, "code": code, "shared_device": true }),
        )
        .await;
    let cookie = cookie_of(&verified);
    let info = json_of(verified, 200).await;
    assert_eq!(info["shared_device"], true);
    let session = json_of(
        demo.get_with_cookie("/api/v1/auth/session", &cookie).await,
        200,
    )
    .await;
    assert_eq!(session["shared_device"], true);
    let phone = generate_key().expect("a key");
    expect_problem(ask(&demo, &cookie, &phone, "x").await, 403, "shared_phone").await;
    let devices = json_of(demo.get_with_cookie(DEVICES, &cookie).await, 200).await;
    assert_eq!(devices, json!([]));
    // The licence itself still shows, online, with its short-lived code.
    json_of(
        demo.get_with_cookie("/api/v1/licence/token", &cookie).await,
        200,
    )
    .await;
    // An ordinary sign-in is not shared.
    demo.clock.advance(61);
    let cookie = demo.sign_in(KARWAN).await;
    let session = json_of(
        demo.get_with_cookie("/api/v1/auth/session", &cookie).await,
        200,
    )
    .await;
    assert_eq!(session["shared_device"], false);
}

both!(a_shared_phone_session_is_issued_nothing);
