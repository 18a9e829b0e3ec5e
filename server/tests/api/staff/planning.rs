//! A supervisor's planning over HTTP: the places of a day's slots and extra slots.

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

async fn a_supervisor_plans_capacity_and_extra_slots(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let desk = demo.staff_cookie("erbil-desk").await;
    let slots = |directorate: &'static str| {
        let demo = &demo;
        async move {
            let answer: Value = demo
                .app
                .get(&format!("/api/v1/availability/slots?directorate={directorate}&service=medical_check&date=2026-11-29"))
                .await
                .json()
                .await
                .expect("JSON");
            answer["slots"].as_array().expect("slots").clone()
        }
    };
    let before = slots("erbil").await;
    assert!(
        before.iter().all(|s| s["places_left"] == 4),
        "four medical counters at Erbil"
    );
    let duhok_before = slots("duhok").await;

    // A desk may not; the supervisor may, for their own directorate only.
    let body = json!({ "date": "2026-11-29", "service": "medical_check", "capacity": 1 });
    expect_problem(
        demo.staff("POST", "/staff/capacity", Some(&desk), Some(body.clone()))
            .await,
        403,
        "staff_forbidden",
    )
    .await;
    let changed: Value = demo
        .staff("POST", "/staff/capacity", Some(&supervisor), Some(body))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(changed, json!({ "changed": before.len(), "kept": 0 }));
    assert!(slots("erbil").await.iter().all(|s| s["places_left"] == 1));
    assert_eq!(
        slots("duhok").await,
        duhok_before,
        "Duhok's slots are not Erbil's supervisor's"
    );

    // An extra slot outside the usual hours shows in the day's slots.
    let opened = demo
        .staff("POST", "/staff/slots", Some(&supervisor), Some(json!({ "date": "2026-11-29", "time": "15:00", "service": "medical_check", "capacity": 2 })))
        .await;
    assert_eq!(opened.status(), 200);
    let after = slots("erbil").await;
    let extra = after
        .iter()
        .find(|s| s["time"] == "15:00")
        .expect("the extra slot");
    assert_eq!(extra["places_left"], 2);

    // Bad input changes nothing.
    for bad in [
        json!({ "date": "2026-11-29", "service": "medical_check", "capacity": 51 }),
        json!({ "date": "2026-11-20", "service": "medical_check", "capacity": 2 }),
        json!({ "date": "2026-11-29", "service": "flying", "capacity": 2 }),
    ] {
        let status = demo
            .staff("POST", "/staff/capacity", Some(&supervisor), Some(bad))
            .await
            .status();
        assert!(status == 400 || status == 422, "{status}");
    }
    expect_problem(
        demo.staff("POST", "/staff/slots", Some(&supervisor), Some(json!({ "date": "2026-11-29", "time": "15:07", "service": "medical_check", "capacity": 2 }))).await,
        400,
        "bad_request",
    )
    .await;
    assert!(
        slots("erbil")
            .await
            .iter()
            .filter(|s| s["time"] != "15:00")
            .all(|s| s["places_left"] == 1)
    );
}

both!(a_supervisor_plans_capacity_and_extra_slots);
