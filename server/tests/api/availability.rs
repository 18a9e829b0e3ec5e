//! Reference data and availability, over HTTP, on SQLite and PostgreSQL.

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

async fn reference_data_lists_directorates_services_and_holidays(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let app = &demo.app;
    let directorates: serde_json::Value = app
        .get("/api/v1/directorates")
        .await
        .json()
        .await
        .expect("JSON");
    let ids: Vec<&str> = directorates
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "erbil",
            "sulaymaniyah",
            "duhok",
            "halabja",
            "zakho",
            "soran",
            "ranya",
            "kalar"
        ],
        "{db:?}: in the configuration's order"
    );
    // In a reader's alphabetical order (the booking's directorate question asks for it).
    let names = |lang: &'static str| async move {
        let list: serde_json::Value = app
            .get(&format!("/api/v1/directorates?lang={lang}"))
            .await
            .json()
            .await
            .expect("JSON");
        list.as_array()
            .expect("a list")
            .iter()
            .map(|d| d["id"].as_str().expect("id").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names("ckb").await,
        [
            "duhok",
            "ranya",
            "zakho",
            "sulaymaniyah",
            "soran",
            "kalar",
            "halabja",
            "erbil"
        ],
        "دهۆک، ڕانیە، زاخۆ، سلێمانی، سۆران، کەلار، هەڵەبجە، هەولێر"
    );
    assert_eq!(
        names("en").await,
        [
            "duhok",
            "erbil",
            "halabja",
            "kalar",
            "ranya",
            "soran",
            "sulaymaniyah",
            "zakho"
        ]
    );
    assert_eq!(app.get("/api/v1/directorates?lang=fr").await.status(), 400);
    let erbil = &directorates[0];
    assert_eq!(erbil["name"]["ckb"], "بەڕێوەبەرایەتیی هاتووچۆی هەولێر");
    assert_eq!(
        erbil["opening_hours"],
        serde_json::json!([{
            "weekdays": ["sunday", "monday", "tuesday", "wednesday", "thursday"],
            "periods": [{ "opens": "08:00", "closes": "14:00" }]
        }]),
        "{db:?}: one run of days with the same hours"
    );
    assert!(
        erbil["phone"]
            .as_str()
            .expect("a phone")
            .starts_with("+964")
    );
    assert_eq!(erbil["services"].as_array().expect("services").len(), 6);

    let services: serde_json::Value = app
        .get("/api/v1/services")
        .await
        .json()
        .await
        .expect("JSON");
    let theory = services
        .as_array()
        .expect("a list")
        .iter()
        .find(|s| s["service"] == "theory_test")
        .expect("theory");
    assert_eq!(theory["slot_minutes"], 30);

    let closures: serde_json::Value = app
        .get("/api/v1/closures?from=2027-03-01&to=2027-03-31")
        .await
        .json()
        .await
        .expect("JSON");
    let nowruz: Vec<&serde_json::Value> = closures
        .as_array()
        .expect("a list")
        .iter()
        .filter(|c| c["name"]["en"] == "Nowruz")
        .collect();
    assert_eq!(nowruz.len(), 5);
    expect_problem(
        app.get("/api/v1/closures?from=2027-02-30").await,
        422,
        "invalid_date",
    )
    .await;
    expect_problem(
        app.get("/api/v1/closures?from=2027-03-01&to=2026-03-01")
            .await,
        422,
        "invalid_date",
    )
    .await;
}

both!(reference_data_lists_directorates_services_and_holidays);

async fn the_days_of_the_window_show_free_places_and_closed_days(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let response = demo
        .app
        .get("/api/v1/availability/days?directorate=erbil&service=theory_test")
        .await;
    assert_eq!(response.status(), 200);
    let days: serde_json::Value = response.json().await.expect("JSON");
    // On Thursday the next working day is Sunday; the window runs 30 days.
    assert_eq!(days["first"], "2026-11-29", "{db:?}");
    assert_eq!(days["last"], "2026-12-26");
    let list = days["days"].as_array().expect("days");
    assert_eq!(list.len(), 28);
    assert_eq!(
        list[0]["places_left"],
        12 * 5,
        "12 theory slots × 5 counters"
    );
    let friday = list
        .iter()
        .find(|d| d["date"] == "2026-12-04")
        .expect("a Friday");
    assert_eq!(
        (friday["closed"].as_str(), friday["places_left"].as_u64()),
        (Some("weekend"), Some(0))
    );
}

both!(the_days_of_the_window_show_free_places_and_closed_days);

#[tokio::test]
async fn a_holiday_is_closed_with_its_name_in_three_languages() {
    // Thursday 2027-03-11, the window covers Nowruz.
    let Some(demo) = spawn_demo(Db::Sqlite, 1_804_744_800).await else {
        return;
    };
    let days: serde_json::Value = demo
        .app
        .get("/api/v1/availability/days?directorate=duhok&service=medical_check")
        .await
        .json()
        .await
        .expect("JSON");
    let nowruz = days["days"]
        .as_array()
        .expect("days")
        .iter()
        .find(|d| d["date"] == "2027-03-22")
        .expect("22 March");
    assert_eq!(nowruz["closed"], "holiday");
    assert_eq!(nowruz["holiday"]["ckb"], "نەورۆز");
    assert_eq!(nowruz["holiday"]["ar"], "عيد نوروز");
}

async fn the_slots_of_a_day_show_places_left(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let response = demo
        .app
        .get(
            "/api/v1/availability/slots?directorate=halabja&service=practical_test&date=2026-12-01",
        )
        .await;
    assert_eq!(response.status(), 200);
    let slots: serde_json::Value = response.json().await.expect("JSON");
    let list = slots["slots"].as_array().expect("slots");
    assert_eq!(list.len(), 12, "{db:?}");
    assert_eq!(list[0]["time"], "08:00");
    assert_eq!(list[0]["starts_at"], "2026-12-01T08:00:00+03:00");
    assert_eq!(list[11]["time"], "13:30");
    assert!(
        list.iter().all(|s| s["places_left"] == 1),
        "Halabja has one practical-test counter"
    );
}

both!(the_slots_of_a_day_show_places_left);

#[tokio::test]
async fn bad_availability_requests_get_their_own_problem() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let app = &demo.app;
    let slots = |query: &str| format!("/api/v1/availability/slots?{query}");
    expect_problem(
        app.get(&slots(
            "directorate=erbil&service=theory_test&date=2026-11-27",
        ))
        .await,
        422,
        "outside_booking_window",
    )
    .await;
    expect_problem(
        app.get(&slots(
            "directorate=erbil&service=theory_test&date=2027-01-30",
        ))
        .await,
        422,
        "outside_booking_window",
    )
    .await;
    expect_problem(
        app.get(&slots(
            "directorate=erbil&service=theory_test&date=2026-12-05",
        ))
        .await,
        422,
        "day_closed",
    )
    .await;
    expect_problem(
        app.get(&slots(
            "directorate=erbil&service=theory_test&date=01-12-2026",
        ))
        .await,
        422,
        "invalid_date",
    )
    .await;
    expect_problem(
        app.get(&slots(
            "directorate=erbil&service=driving_lesson&date=2026-12-01",
        ))
        .await,
        422,
        "unknown_service",
    )
    .await;
    expect_problem(
        app.get(&slots(
            "directorate=mosul&service=theory_test&date=2026-12-01",
        ))
        .await,
        404,
        "unknown_directorate",
    )
    .await;
    expect_problem(
        app.get(&slots("directorate=erbil&service=theory_test"))
            .await,
        400,
        "bad_request",
    )
    .await;
    expect_problem(
        app.get(&slots(
            "directorate=erbil&service=theory_test&date=2026-12-01&extra=1",
        ))
        .await,
        400,
        "bad_request",
    )
    .await;
    expect_problem(
        app.get("/api/v1/availability/days?directorate=erbil").await,
        400,
        "bad_request",
    )
    .await;
}

#[tokio::test]
async fn the_window_moves_with_the_days_and_the_keeper_fills_the_new_last_day() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let days_url = "/api/v1/availability/days?directorate=erbil&service=medical_check";
    // Three days later (Sunday) the window ends on 29 December, a Tuesday with no slots yet.
    demo.clock.advance(3 * 86_400);
    let days: serde_json::Value = demo.app.get(days_url).await.json().await.expect("JSON");
    assert_eq!(days["first"], "2026-11-30");
    let last = days["days"]
        .as_array()
        .expect("days")
        .last()
        .cloned()
        .expect("a last day");
    assert_eq!(
        (last["date"].as_str(), last["places_left"].as_u64()),
        (Some("2026-12-29"), Some(0))
    );
    rega_server::jobs::ensure_window_slots(&demo.state)
        .await
        .expect("the keeper runs");
    let days: serde_json::Value = demo.app.get(days_url).await.json().await.expect("JSON");
    let last = days["days"]
        .as_array()
        .expect("days")
        .last()
        .cloned()
        .expect("a last day");
    assert_eq!(
        last["places_left"],
        24 * 4,
        "24 medical-check slots × 4 counters"
    );
}
