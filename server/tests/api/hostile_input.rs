//! Input no Rega text holds, sent anyway: a NUL character in a JSON string or in an address is
//! refused with a problem, on both engines (PostgreSQL cannot store one, and once answered 500),
//! and the audit trail still records what was refused.

use serde_json::json;

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

async fn a_nul_character_is_refused_and_changes_nothing(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let sign_in = demo
        .post(
            "/api/v1/staff/sign-in",
            json!({ "username": "erbil\u{0}desk", "password": "x" }),
        )
        .await;
    expect_problem(sign_in, 400, "invalid_json").await;
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let kiosk = demo
        .staff(
            "POST",
            "/staff/kiosks",
            Some(&supervisor),
            Some(json!({ "label": "Hall\u{0}" })),
        )
        .await;
    expect_problem(kiosk, 400, "invalid_json").await;
    let closure = demo
        .staff(
            "POST",
            "/staff/closures",
            Some(&supervisor),
            Some(json!({ "date": "2026-12-06", "note": "a\u{0}b" })),
        )
        .await;
    expect_problem(closure, 400, "invalid_json").await;
    assert!(
        demo.state
            .store
            .closures_of("erbil", 0, i64::MAX)
            .await
            .expect("store")
            .is_empty(),
        "{db:?}: nothing closed"
    );
    let citizen = demo.sign_in("100000000002").await;
    for path in [
        "/api/v1/appointments/RG-%00",
        "/api/v1/availability/days?directorate=%00&service=theory_test",
    ] {
        let r = demo.get_with_cookie(path, &citizen).await;
        expect_problem(r, 400, "bad_request").await;
    }
    // An escaped backslash before `u0000` is text, not a NUL: an ordinary wrong name.
    let text = demo
        .post(
            "/api/v1/staff/sign-in",
            json!({ "username": "erbil\\u0000desk", "password": "x" }),
        )
        .await;
    expect_problem(text, 401, "staff_sign_in_failed").await;
}
both!(a_nul_character_is_refused_and_changes_nothing);

async fn an_audit_record_keeps_what_a_control_character_would_have_lost(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    demo.state
        .store
        .audit(&rega_server::store::AuditRecord {
            at: THURSDAY_9AM,
            actor: "anonymous".into(),
            action: "test.control".into(),
            object: "path:/a\u{0}b\u{1b}".into(),
            result: "ok".into(),
        })
        .await
        .expect("written, not lost");
    let records = demo.state.store.audit_records(5).await.expect("records");
    let record = records
        .iter()
        .find(|r| r.action == "test.control")
        .expect("the record");
    assert_eq!(record.object, "path:/a\\u{0}b\\u{1b}", "{db:?}");
}
both!(an_audit_record_keeps_what_a_control_character_would_have_lost);

async fn the_wrong_shape_of_input_gets_a_problem_and_changes_nothing(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    // An unknown field is refused as the docs say, on every request type.
    let extra = demo
        .post(
            "/api/v1/staff/sign-in",
            json!({ "username": "erbil-desk", "password": "x", "admin": true }),
        )
        .await;
    expect_problem(extra, 400, "invalid_json").await;
    let (_, kiosk) = demo.enrol_kiosk("erbil").await;
    let check_in = demo
        .app
        .client
        .post(format!("{}/api/v1/kiosk/check-in", demo.app.url))
        .header("authorization", format!("Kiosk {kiosk}"))
        .json(&json!({ "reference": "RG-7K3M-Q9P2", "again": true }))
        .send()
        .await
        .expect("answered");
    expect_problem(check_in, 400, "invalid_json").await;
    // A JSON array where the booking object belongs.
    let citizen = demo.sign_in("100000000002").await;
    let slot = demo.slot_ids("erbil", "theory_test", "2026-12-01").await[0];
    let array = demo
        .app
        .client
        .post(format!("{}/api/v1/appointments", demo.app.url))
        .header("cookie", &citizen)
        .header("idempotency-key", "array-instead-of-object")
        .json(&json!([slot, "theory_test"]))
        .send()
        .await
        .expect("answered");
    expect_problem(array, 400, "invalid_json").await;
    let list: serde_json::Value = demo
        .get_with_cookie("/api/v1/appointments", &citizen)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["upcoming"].as_array().map(Vec::len), Some(0), "{db:?}");
    // A malformed path parameter is a problem document, not plain text.
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    for path in [
        "/staff/closures/not-a-number/lift",
        "/staff/kiosks/1.5/revoke",
    ] {
        let r = demo.staff("POST", path, Some(&supervisor), None).await;
        expect_problem(r, 400, "bad_request").await;
    }
}
both!(the_wrong_shape_of_input_gets_a_problem_and_changes_nothing);
