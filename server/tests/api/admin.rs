//! The central administrator over HTTP, on both engines: accounts made with a one-time password
//! that must be changed first, roles kept to their rooms, an account deactivated or moved losing
//! its sessions at once, never the last administrator; the configuration previewed (its line
//! when refused, the appointments it strands) and applied only when confirmed and current.

use serde_json::{Value, json};

use crate::helpers::{Db, DemoApp, THURSDAY_9AM, expect_problem, json_of, spawn_demo};

const ADMIN: &str = "network-admin";

/// The audit trail's newest records, as `action result` lines.
async fn audit_lines(demo: &DemoApp) -> Vec<String> {
    demo.state
        .store
        .audit_records(200)
        .await
        .expect("the audit trail")
        .into_iter()
        .map(|r| format!("{} {} {}", r.action, r.object, r.result))
        .collect()
}

async fn an_account_made_by_the_administrator_chooses_its_password_first(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let admin = demo.staff_cookie(ADMIN).await;
    let me = json_of(
        demo.staff("GET", "/staff/me", Some(&admin), None).await,
        200,
    )
    .await;
    assert_eq!(me["role"], "admin");
    assert!(me.get("directorate").is_none(), "{me}");

    let created = demo
        .staff(
            "POST",
            "/admin/staff",
            Some(&admin),
            Some(json!({ "username": "erbil-desk-2", "role": "desk", "directorate": "erbil" })),
        )
        .await;
    assert_eq!(created.headers()["cache-control"], "no-store");
    let created = json_of(created, 201).await;
    let password = created["one_time_password"]
        .as_str()
        .expect("a password")
        .to_owned();
    assert_eq!(password.len(), 14, "{password}");
    assert_eq!(created["account"]["one_time_password"], true);

    // Signed in with it, the account can do nothing but choose its own password.
    let response = demo.staff_sign_in("erbil-desk-2", &password).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().expect("text");
    let cookie = cookie.split(';').next().expect("a pair").to_owned();
    let me = json_of(
        demo.staff("GET", "/staff/me", Some(&cookie), None).await,
        200,
    )
    .await;
    assert_eq!(me["must_change_password"], true);
    expect_problem(
        demo.staff("GET", "/staff/day", Some(&cookie), None).await,
        403,
        "staff_password_change_required",
    )
    .await;
    let change =
        |current: &str, new: &str| json!({ "current_password": current, "new_password": new });
    expect_problem(
        demo.staff(
            "POST",
            "/staff/password",
            Some(&cookie),
            Some(change("wrong-password-1", "a-good-new-password")),
        )
        .await,
        422,
        "staff_wrong_password",
    )
    .await;
    expect_problem(
        demo.staff(
            "POST",
            "/staff/password",
            Some(&cookie),
            Some(change(&password, "short")),
        )
        .await,
        422,
        "staff_weak_password",
    )
    .await;
    let me = json_of(
        demo.staff(
            "POST",
            "/staff/password",
            Some(&cookie),
            Some(change(&password, "a-good-new-password")),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(me["must_change_password"], false);
    // The same session goes on, at its desk.
    json_of(
        demo.staff("GET", "/staff/day", Some(&cookie), None).await,
        200,
    )
    .await;
    // The one-time password opens nothing any more; the new one does.
    assert_eq!(
        demo.staff_sign_in("erbil-desk-2", &password).await.status(),
        401
    );
    assert_eq!(
        demo.staff_sign_in("erbil-desk-2", "a-good-new-password")
            .await
            .status(),
        200
    );

    // A reset gives a new one-time password and signs the account out everywhere.
    let id = created["account"]["id"].as_i64().expect("an id");
    let reset = json_of(
        demo.staff(
            "POST",
            &format!("/admin/staff/{id}/reset-password"),
            Some(&admin),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_ne!(reset["one_time_password"], password.as_str());
    expect_problem(
        demo.staff("GET", "/staff/day", Some(&cookie), None).await,
        401,
        "staff_unauthenticated",
    )
    .await;
    // A one-time password lapses after three days.
    demo.clock.advance(72 * 3600 + 1);
    let lapsed = reset["one_time_password"].as_str().expect("a password");
    assert_eq!(
        demo.staff_sign_in("erbil-desk-2", lapsed).await.status(),
        401
    );

    let trail = audit_lines(&demo).await;
    for line in [
        format!("admin.staff_created staff:{id} ok:role=desk,directorate=erbil"),
        "staff.password_changed password wrong_password".to_owned(),
        "staff.password_changed password ok".to_owned(),
        format!("admin.staff_password_reset staff:{id} ok"),
    ] {
        assert!(trail.contains(&line), "{db:?}: {line} in {trail:?}");
    }
    assert!(
        trail
            .iter()
            .all(|l| !l.contains(&password) && !l.contains(lapsed)),
        "no password in the audit trail"
    );
}
both!(an_account_made_by_the_administrator_chooses_its_password_first);

async fn each_role_keeps_to_its_rooms(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let admin = demo.staff_cookie(ADMIN).await;
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let desk = demo.staff_cookie("erbil-desk").await;
    for path in ["/admin/staff", "/admin/configuration"] {
        expect_problem(
            demo.staff("GET", path, None, None).await,
            401,
            "staff_unauthenticated",
        )
        .await;
        for cookie in [&supervisor, &desk] {
            expect_problem(
                demo.staff("GET", path, Some(cookie), None).await,
                403,
                "staff_forbidden",
            )
            .await;
        }
        json_of(demo.staff("GET", path, Some(&admin), None).await, 200).await;
    }
    // The administrator works at no directorate's desk.
    for path in ["/staff/day", "/staff/kiosks", "/staff/closures"] {
        expect_problem(
            demo.staff("GET", path, Some(&admin), None).await,
            403,
            "staff_forbidden",
        )
        .await;
    }
    let accounts = json_of(
        demo.staff("GET", "/admin/staff", Some(&admin), None).await,
        200,
    )
    .await;
    let names: Vec<&str> = accounts
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| a["username"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        ["duhok-desk", "erbil-desk", "erbil-supervisor", ADMIN],
        "{db:?}"
    );
    assert!(
        accounts
            .as_array()
            .expect("a list")
            .iter()
            .all(|a| a.get("password_hash").is_none()),
        "{accounts}"
    );
}
both!(each_role_keeps_to_its_rooms);

async fn a_deactivated_or_moved_account_is_signed_out_and_the_last_administrator_stays(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let admin = demo.staff_cookie(ADMIN).await;
    let desk = demo.staff_cookie("erbil-desk").await;
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let accounts = json_of(
        demo.staff("GET", "/admin/staff", Some(&admin), None).await,
        200,
    )
    .await;
    let id_of = |name: &str| {
        accounts
            .as_array()
            .expect("a list")
            .iter()
            .find(|a| a["username"] == name)
            .and_then(|a| a["id"].as_i64())
            .expect("listed")
    };
    let set = |id: i64, body: Value| {
        let admin = admin.clone();
        let demo = &demo;
        async move {
            demo.staff(
                "POST",
                &format!("/admin/staff/{id}"),
                Some(&admin),
                Some(body),
            )
            .await
        }
    };
    // Refused with their own codes, changing nothing.
    let refusals = [
        (
            json!({ "role": "desk", "directorate": "atlantis", "active": true }),
            422,
            "staff_invalid_directorate",
        ),
        (
            json!({ "role": "desk", "active": true }),
            422,
            "staff_invalid_directorate",
        ),
        (
            json!({ "role": "admin", "directorate": "erbil", "active": true }),
            422,
            "staff_invalid_directorate",
        ),
    ];
    for (body, status, code) in refusals {
        expect_problem(set(id_of("erbil-desk"), body).await, status, code).await;
    }
    expect_problem(
        set(
            9999,
            json!({ "role": "desk", "directorate": "erbil", "active": true }),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    json_of(
        demo.staff("GET", "/staff/day", Some(&desk), None).await,
        200,
    )
    .await;

    // Deactivated: its session ends at once, and it cannot sign in.
    let changed = json_of(
        set(
            id_of("erbil-desk"),
            json!({ "role": "desk", "directorate": "erbil", "active": false }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["active"], false);
    expect_problem(
        demo.staff("GET", "/staff/day", Some(&desk), None).await,
        401,
        "staff_unauthenticated",
    )
    .await;
    assert_eq!(
        demo.staff_sign_in("erbil-desk", crate::helpers::staff::PASSWORD)
            .await
            .status(),
        401
    );
    // Moved to Duhok: signed out, and its next session is Duhok's.
    json_of(
        set(
            id_of("erbil-supervisor"),
            json!({ "role": "supervisor", "directorate": "duhok", "active": true }),
        )
        .await,
        200,
    )
    .await;
    expect_problem(
        demo.staff("GET", "/staff/day", Some(&supervisor), None)
            .await,
        401,
        "staff_unauthenticated",
    )
    .await;
    let again = demo.staff_cookie("erbil-supervisor").await;
    let me = json_of(
        demo.staff("GET", "/staff/me", Some(&again), None).await,
        200,
    )
    .await;
    assert_eq!(me["directorate"], "duhok");

    // The only administrator cannot deactivate or demote itself.
    let admin_id = id_of(ADMIN);
    expect_problem(
        set(admin_id, json!({ "role": "admin", "active": false })).await,
        409,
        "staff_last_admin",
    )
    .await;
    expect_problem(
        set(
            admin_id,
            json!({ "role": "supervisor", "directorate": "erbil", "active": true }),
        )
        .await,
        409,
        "staff_last_admin",
    )
    .await;
    // Usernames: checked and unique.
    for (username, status, code) in [
        ("Erbil Desk", 422, "staff_invalid_username"),
        ("ab", 422, "staff_invalid_username"),
        ("duhok-desk", 409, "staff_username_taken"),
    ] {
        expect_problem(
            demo.staff(
                "POST",
                "/admin/staff",
                Some(&admin),
                Some(json!({ "username": username, "role": "desk", "directorate": "duhok" })),
            )
            .await,
            status,
            code,
        )
        .await;
    }
}
both!(a_deactivated_or_moved_account_is_signed_out_and_the_last_administrator_stays);

async fn the_administrator_previews_and_applies_the_configuration(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let admin = demo.staff_cookie(ADMIN).await;
    let in_force = json_of(
        demo.staff("GET", "/admin/configuration", Some(&admin), None)
            .await,
        200,
    )
    .await;
    let version = in_force["version"].as_i64().expect("a version");
    let document = in_force["document"]
        .as_str()
        .expect("a document")
        .to_owned();
    assert!(version >= 1 && document.contains("[[directorates]]"));
    let preview = |document: String| {
        let admin = admin.clone();
        let demo = &demo;
        async move {
            json_of(
                demo.staff(
                    "POST",
                    "/admin/configuration/preview",
                    Some(&admin),
                    Some(json!({ "document": document })),
                )
                .await,
                200,
            )
            .await
        }
    };

    // A wrong value: refused with its line and field, nothing else said.
    let broken = document.replacen("booking_window_days = 30", "booking_window_days = -3", 1);
    let refused = preview(broken.clone()).await;
    let line = broken
        .lines()
        .position(|l| l.contains("= -3"))
        .expect("the line")
        + 1;
    assert_eq!(refused["error"]["line"], line, "{refused}");
    assert_eq!(refused["error"]["field"], "rules.booking_window_days");
    let problem = expect_problem(
        demo.staff(
            "POST",
            "/admin/configuration",
            Some(&admin),
            Some(json!({ "document": broken, "expected_version": version })),
        )
        .await,
        422,
        "staff_config_invalid",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .expect("a detail")
            .starts_with(&format!("line {line}:"))
    );

    // Erbil withdrawn: the preview lists its appointments to come.
    let withdrawn = document.replacen(
        "id = \"erbil\"\nactive = true",
        "id = \"erbil\"\nactive = false",
        1,
    );
    assert_ne!(withdrawn, document);
    let planned = preview(withdrawn.clone()).await;
    let stranded = planned["stranded"].as_array().expect("a list").clone();
    assert!(
        stranded.len() >= rega_server::demo::KIOSK_CITIZENS as usize,
        "{planned}"
    );
    assert!(stranded.iter().all(|a| a["directorate"] == "erbil"));
    assert_eq!(planned["version"], version);
    let apply = |cancel: bool, expected: i64| {
        let admin = admin.clone();
        let withdrawn = withdrawn.clone();
        let demo = &demo;
        async move {
            demo.staff(
                "POST",
                "/admin/configuration",
                Some(&admin),
                Some(json!({ "document": withdrawn, "expected_version": expected, "cancel_stranded": cancel })),
            )
            .await
        }
    };
    expect_problem(apply(false, version).await, 409, "staff_config_strands").await;
    expect_problem(apply(true, version - 1).await, 409, "staff_config_outdated").await;
    let in_force_still = json_of(
        demo.staff("GET", "/admin/configuration", Some(&admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(
        in_force_still["version"], version,
        "{db:?}: refused changes change nothing"
    );

    let applied = json_of(apply(true, version).await, 200).await;
    assert_eq!(applied["version"], version + 1);
    assert_eq!(applied["cancelled"], stranded.len());
    // Applying it again (a retry) changes nothing.
    let again = json_of(apply(true, version).await, 200).await;
    assert_eq!(
        (again["version"].clone(), again["cancelled"].clone()),
        (json!(version + 1), json!(0))
    );
    // In force for citizens at once: Erbil takes no bookings.
    expect_problem(
        demo.app
            .get("/api/v1/availability/days?directorate=erbil&service=medical_check")
            .await,
        404,
        "unknown_directorate",
    )
    .await;
    let trail = audit_lines(&demo).await;
    assert!(
        trail.contains(&format!(
            "admin.configuration_applied configuration:{} ok:cancelled={}",
            version + 1,
            stranded.len()
        )),
        "{trail:?}"
    );
    assert!(trail.contains(&"admin.configuration_applied configuration strands".to_owned()));
}
both!(the_administrator_previews_and_applies_the_configuration);
