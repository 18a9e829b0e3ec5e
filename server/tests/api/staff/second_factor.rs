//! The second factor over HTTP, on both engines, with the codes computed here as an
//! authenticator app computes them (HMAC-SHA1 of the 30-second step, RFC 6238), not by the
//! server's own code: supervisors and administrators set one up before anything else, each code
//! and recovery code opens one sign-in (also when two are sent at once), and an administrator's
//! reset clears it.

use std::sync::Arc;

use rega_server::clock::Clock as _;

use serde_json::json;

use crate::helpers::citizen::cookie_of;
use crate::helpers::json_of;
use crate::helpers::staff::{PASSWORD, totp};
use crate::helpers::{Db, DemoApp, THURSDAY_9AM, expect_problem, spawn_demo_with_second_factor};

async fn sign_in(
    demo: &DemoApp,
    username: &str,
    password: &str,
    code: Option<&str>,
) -> reqwest::Response {
    demo.app
        .client
        .post(format!("{}/api/v1/staff/sign-in", demo.app.url))
        .json(&json!({ "username": username, "password": password, "code": code }))
        .send()
        .await
        .expect("answered")
}

/// Sets up the signed-in account's second factor: its secret and recovery codes.
async fn set_up(demo: &DemoApp, cookie: &str, username: &str) -> (String, Vec<String>) {
    let begun = demo
        .staff("POST", "/staff/second-factor", Some(cookie), None)
        .await;
    assert_eq!(begun.headers()["cache-control"], "no-store");
    let begun = json_of(begun, 200).await;
    let secret = begun["secret"].as_str().expect("a secret").to_owned();
    assert_eq!(secret.len(), 32, "160 bits");
    assert_eq!(
        begun["uri"],
        format!(
            "otpauth://totp/Rega:{username}?secret={secret}&issuer=Rega&algorithm=SHA1&digits=6&period=30"
        )
    );
    let now = demo.clock.now();
    let wrong = format!(
        "{:06}",
        (totp(&secret, now).parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    expect_problem(
        demo.staff(
            "POST",
            "/staff/second-factor/confirm",
            Some(cookie),
            Some(json!({ "code": wrong })),
        )
        .await,
        422,
        "staff_second_factor_not_confirmed",
    )
    .await;
    let confirmed = demo
        .staff(
            "POST",
            "/staff/second-factor/confirm",
            Some(cookie),
            Some(json!({ "code": totp(&secret, now) })),
        )
        .await;
    assert_eq!(confirmed.headers()["cache-control"], "no-store");
    let codes: Vec<String> =
        serde_json::from_value(json_of(confirmed, 200).await["codes"].clone()).expect("codes");
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

async fn a_supervisor_sets_up_a_second_factor_and_signs_in_with_it(db: Db) {
    let Some(demo) = spawn_demo_with_second_factor(db, THURSDAY_9AM).await else {
        return;
    };
    // The password alone opens only the way to set one up.
    let first = sign_in(&demo, "erbil-supervisor", PASSWORD, None).await;
    let supervisor = cookie_of(&first);
    let me = json_of(first, 200).await;
    assert_eq!(me["must_set_up_second_factor"], true, "{me}");
    assert_eq!(me["second_factor"], false);
    expect_problem(
        demo.staff("GET", "/staff/day", Some(&supervisor), None)
            .await,
        403,
        "staff_second_factor_setup_required",
    )
    .await;
    // A desk is not held to it.
    let desk = demo.staff_cookie("erbil-desk").await;
    assert_eq!(
        demo.staff("GET", "/staff/day", Some(&desk), None)
            .await
            .status(),
        200
    );

    // A second session of the supervisor ends when the setup is confirmed; this one goes on.
    let other = cookie_of(&sign_in(&demo, "erbil-supervisor", PASSWORD, None).await);
    let (secret, recovery) = set_up(&demo, &supervisor, "erbil-supervisor").await;
    assert_eq!(
        demo.staff("GET", "/staff/day", Some(&supervisor), None)
            .await
            .status(),
        200
    );
    expect_problem(
        demo.staff("GET", "/staff/me", Some(&other), None).await,
        401,
        "staff_unauthenticated",
    )
    .await;
    let me = json_of(
        demo.staff("GET", "/staff/me", Some(&supervisor), None)
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            me["second_factor"].clone(),
            me["must_set_up_second_factor"].clone()
        ),
        (json!(true), json!(false))
    );
    expect_problem(
        demo.staff("POST", "/staff/second-factor", Some(&supervisor), None)
            .await,
        409,
        "staff_second_factor_exists",
    )
    .await;

    // From now on the password alone is not enough; a wrong password with the right code
    // fails as any wrong password does.
    let now = demo.clock.now();
    expect_problem(
        sign_in(&demo, "erbil-supervisor", PASSWORD, None).await,
        401,
        "staff_second_factor_required",
    )
    .await;
    expect_problem(
        sign_in(
            &demo,
            "erbil-supervisor",
            "not the password",
            Some(&totp(&secret, now + 30)),
        )
        .await,
        401,
        "staff_sign_in_failed",
    )
    .await;
    // The code that confirmed the setup has been used.
    expect_problem(
        sign_in(
            &demo,
            "erbil-supervisor",
            PASSWORD,
            Some(&totp(&secret, now)),
        )
        .await,
        401,
        "staff_second_factor_wrong",
    )
    .await;
    // The next step's code: once, and spaces as the app shows it are fine.
    demo.clock.advance(30);
    let code = totp(&secret, demo.clock.now());
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    let signed_in = sign_in(&demo, "erbil-supervisor", PASSWORD, Some(&spaced)).await;
    let cookie = cookie_of(&signed_in);
    assert_eq!(signed_in.status(), 200);
    assert_eq!(
        demo.staff("GET", "/staff/day", Some(&cookie), None)
            .await
            .status(),
        200
    );
    expect_problem(
        sign_in(&demo, "erbil-supervisor", PASSWORD, Some(&code)).await,
        401,
        "staff_second_factor_wrong",
    )
    .await;
    // Two minutes off is too far.
    demo.clock.advance(30);
    expect_problem(
        sign_in(
            &demo,
            "erbil-supervisor",
            PASSWORD,
            Some(&totp(&secret, demo.clock.now() + 120)),
        )
        .await,
        401,
        "staff_second_factor_wrong",
    )
    .await;
    // A recovery code, once, typed in lower case.
    let lower = recovery[3].to_lowercase();
    assert_eq!(
        sign_in(&demo, "erbil-supervisor", PASSWORD, Some(&lower))
            .await
            .status(),
        200
    );
    expect_problem(
        sign_in(&demo, "erbil-supervisor", PASSWORD, Some(&recovery[3])).await,
        401,
        "staff_second_factor_wrong",
    )
    .await;
    let trail: Vec<String> = demo
        .state
        .store
        .audit_records(100)
        .await
        .expect("the trail")
        .into_iter()
        .map(|r| format!("{} {}", r.action, r.result))
        .collect();
    for line in [
        "staff.second_factor_set_up ok",
        "staff.sign_in second_factor_required",
        "staff.sign_in second_factor_wrong",
        "staff.sign_in recovery_code",
    ] {
        assert!(trail.contains(&line.to_owned()), "{line}: {trail:?}");
    }
}
both!(a_supervisor_sets_up_a_second_factor_and_signs_in_with_it);

async fn a_code_sent_twice_at_once_opens_one_session(db: Db) {
    let Some(demo) = spawn_demo_with_second_factor(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = cookie_of(&sign_in(&demo, "erbil-supervisor", PASSWORD, None).await);
    let (secret, recovery) = set_up(&demo, &cookie, "erbil-supervisor").await;
    demo.clock.advance(30);
    let demo = Arc::new(demo);
    for code in [totp(&secret, demo.clock.now()), recovery[0].clone()] {
        let barrier = Arc::new(tokio::sync::Barrier::new(6));
        let tries: Vec<_> = (0..6)
            .map(|_| {
                let (demo, barrier, code) = (demo.clone(), barrier.clone(), code.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    sign_in(&demo, "erbil-supervisor", PASSWORD, Some(&code))
                        .await
                        .status()
                        .as_u16()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for t in tries {
            statuses.push(t.await.expect("a try"));
        }
        // One opens a session; the others are refused (a wrong code counts towards the limit
        // of failed sign-ins like a wrong password, so the last may already be 429).
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{code}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| [200, 401, 429].contains(s)),
            "{statuses:?}"
        );
    }
}
both!(a_code_sent_twice_at_once_opens_one_session, multi_thread);

async fn an_administrators_reset_clears_the_second_factor(db: Db) {
    let Some(demo) = spawn_demo_with_second_factor(db, THURSDAY_9AM).await else {
        return;
    };
    let admin = cookie_of(&sign_in(&demo, "network-admin", PASSWORD, None).await);
    expect_problem(
        demo.staff("GET", "/admin/staff", Some(&admin), None).await,
        403,
        "staff_second_factor_setup_required",
    )
    .await;
    set_up(&demo, &admin, "network-admin").await;
    let supervisor = cookie_of(&sign_in(&demo, "erbil-supervisor", PASSWORD, None).await);
    let (secret, _) = set_up(&demo, &supervisor, "erbil-supervisor").await;
    let accounts = json_of(
        demo.staff("GET", "/admin/staff", Some(&admin), None).await,
        200,
    )
    .await;
    let account = accounts
        .as_array()
        .expect("a list")
        .iter()
        .find(|a| a["username"] == "erbil-supervisor")
        .cloned()
        .expect("listed");
    assert_eq!(account["second_factor"], true);

    // The supervisor lost the phone: the administrator resets the account in person.
    let reset = json_of(
        demo.staff(
            "POST",
            &format!("/admin/staff/{}/reset-password", account["id"]),
            Some(&admin),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(reset["account"]["second_factor"], false);
    let one_time = reset["one_time_password"].as_str().expect("a password");
    demo.clock.advance(60);
    let stale_code = totp(&secret, demo.clock.now());
    let signed_in = sign_in(&demo, "erbil-supervisor", one_time, Some(&stale_code)).await;
    let cookie = cookie_of(&signed_in);
    let me = json_of(signed_in, 200).await;
    assert_eq!(me["must_change_password"], true);
    expect_problem(
        demo.staff("POST", "/staff/second-factor", Some(&cookie), None)
            .await,
        403,
        "staff_password_change_required",
    )
    .await;
    let me = json_of(
        demo.staff(
            "POST",
            "/staff/password",
            Some(&cookie),
            Some(json!({ "current_password": one_time, "new_password": "a long new supervisor password" })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(me["must_set_up_second_factor"], true, "{me}");
    let (fresh, _) = set_up(&demo, &cookie, "erbil-supervisor").await;
    assert_ne!(fresh, secret);
}
both!(an_administrators_reset_clears_the_second_factor);
