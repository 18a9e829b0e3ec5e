//! A supervisor's kiosks over HTTP: enrolled and revoked at their own directorate only.

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

#[tokio::test]
async fn kiosks_are_enrolled_and_revoked_by_a_supervisor_of_their_directorate_only() {
    for db in [Db::Sqlite, Db::Postgres] {
        kiosks_of_a_directorate_only(db).await;
    }
}

async fn kiosks_of_a_directorate_only(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let desk = demo.staff_cookie("erbil-desk").await;
    let duhok = demo.staff_cookie("duhok-desk").await;

    // A desk cannot do a supervisor's action.
    for cookie in [&desk, &duhok] {
        expect_problem(
            demo.staff("GET", "/staff/kiosks", Some(cookie), None).await,
            403,
            "staff_forbidden",
        )
        .await;
        expect_problem(
            demo.staff(
                "POST",
                "/staff/kiosks",
                Some(cookie),
                Some(json!({ "label": "Hall 9" })),
            )
            .await,
            403,
            "staff_forbidden",
        )
        .await;
        expect_problem(
            demo.staff("POST", "/staff/kiosks/1/revoke", Some(cookie), None)
                .await,
            403,
            "staff_forbidden",
        )
        .await;
    }

    let enrolled = demo
        .staff(
            "POST",
            "/staff/kiosks",
            Some(&supervisor),
            Some(json!({ "label": "Hall 2" })),
        )
        .await;
    assert_eq!(enrolled.status(), 201);
    let enrolled: Value = enrolled.json().await.expect("JSON");
    let code = enrolled["code"]
        .as_str()
        .expect("the code, once")
        .to_owned();
    let id = enrolled["id"].as_i64().expect("an id");
    let works = demo.kiosk_info(code.as_str()).await;
    assert_eq!(works.status(), 200);
    let listed: Value = demo
        .staff("GET", "/staff/kiosks", Some(&supervisor), None)
        .await
        .json()
        .await
        .expect("JSON");
    let entry = listed
        .as_array()
        .expect("a list")
        .iter()
        .find(|k| k["id"] == id)
        .cloned()
        .expect("listed");
    assert_eq!(
        entry,
        json!({ "id": id, "label": "Hall 2", "revoked": false }),
        "the code is never shown again"
    );

    // Another directorate's kiosk is not this supervisor's to revoke.
    let (duhok_kiosk, duhok_code) = rega_server::routes::kiosk::enrol(
        demo.state.store.as_ref(),
        "duhok",
        "Duhok hall",
        THURSDAY_9AM,
    )
    .await
    .expect("a kiosk");
    expect_problem(
        demo.staff(
            "POST",
            &format!("/staff/kiosks/{duhok_kiosk}/revoke"),
            Some(&supervisor),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let still = demo.kiosk_info(duhok_code.as_str()).await;
    assert_eq!(still.status(), 200, "Duhok's kiosk still works");

    let revoked = demo
        .staff(
            "POST",
            &format!("/staff/kiosks/{id}/revoke"),
            Some(&supervisor),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    let stopped = demo.kiosk_info(code.as_str()).await;
    expect_problem(stopped, 401, "kiosk_not_enrolled").await;
    expect_problem(
        demo.staff(
            "POST",
            "/staff/kiosks",
            Some(&supervisor),
            Some(json!({ "label": " " })),
        )
        .await,
        400,
        "bad_request",
    )
    .await;
}
