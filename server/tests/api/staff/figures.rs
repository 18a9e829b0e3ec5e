//! The supervisor's day at a glance over HTTP, on both engines: tickets checked in, called and
//! served, and a no-show, counted per area as the desk made them; a desk is refused; the
//! network's `/metrics` carries the same figures.

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, json_of, spawn_demo};

fn area<'a>(figures: &'a Value, area: &str) -> &'a Value {
    figures["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| a["area"] == area)
        .expect("the area")
}

async fn the_supervisor_sees_the_day_as_the_desk_made_it(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let desk = demo.staff_cookie("erbil-desk").await;
    expect_problem(
        demo.staff("GET", "/staff/figures", Some(&desk), None).await,
        403,
        "staff_forbidden",
    )
    .await;
    let quiet = json_of(
        demo.staff("GET", "/staff/figures", Some(&supervisor), None)
            .await,
        200,
    )
    .await;
    assert_eq!(quiet["date"], "2026-11-26");
    let areas: Vec<&str> = quiet["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|a| a["area"].as_str().expect("a letter"))
        .collect();
    assert_eq!(areas, ["A", "T", "P", "M"]);
    assert_eq!(area(&quiet, "M")["waiting"], 0);

    // Three check in at the kiosk; the desk calls one, who is served five minutes later; another
    // is called and missed.
    let (served, _) = demo.kiosk_check_in("300000000001").await;
    let (missed, _) = demo.kiosk_check_in("300000000002").await;
    demo.kiosk_check_in("300000000003").await;
    demo.clock.advance(120);
    let call = || {
        demo.staff(
            "POST",
            "/staff/call-next",
            Some(&desk),
            Some(json!({ "area": "M", "counter": "1" })),
        )
    };
    assert_eq!(
        json_of(call().await, 200).await["called"]["reference"],
        served.as_str()
    );
    demo.clock.advance(300);
    let done = demo
        .staff(
            "POST",
            &format!("/staff/appointments/{served}/attended"),
            Some(&desk),
            None,
        )
        .await;
    assert_eq!(done.status(), 204);
    assert_eq!(
        json_of(call().await, 200).await["called"]["reference"],
        missed.as_str()
    );
    // Called again before a checked-in citizen is recorded as absent.
    let again = demo
        .staff(
            "POST",
            &format!("/staff/appointments/{missed}/recall"),
            Some(&desk),
            None,
        )
        .await;
    assert_eq!(again.status(), 200);
    let gone = demo
        .staff(
            "POST",
            &format!("/staff/appointments/{missed}/no-show"),
            Some(&desk),
            None,
        )
        .await;
    assert_eq!(gone.status(), 204);

    let day = json_of(
        demo.staff("GET", "/staff/figures", Some(&supervisor), None)
            .await,
        200,
    )
    .await;
    let m = area(&day, "M");
    assert_eq!(
        (
            &m["waiting"],
            &m["served"],
            &m["no_shows"],
            &m["average_service_seconds"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(300)),
        "{day}"
    );
    assert_eq!(
        m["longest_wait_seconds"], 420,
        "waiting since the check-in, 7 minutes ago"
    );
    assert_eq!(area(&day, "T")["served"], 0);

    // The network's metrics say the same, labelled by directorate and area.
    let metrics = demo.app.get("/metrics").await.text().await.expect("text");
    for line in [
        "rega_queue_waiting{directorate=\"erbil\",area=\"M\"} 1",
        "rega_queue_served_today{directorate=\"erbil\",area=\"M\"} 1",
        "rega_queue_no_shows_today{directorate=\"erbil\",area=\"M\"} 1",
        "rega_queue_service_seconds_average{directorate=\"erbil\",area=\"M\"} 300",
        "rega_queue_longest_wait_seconds{directorate=\"erbil\",area=\"M\"} 420",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in\n{metrics}");
    }
}
both!(the_supervisor_sees_the_day_as_the_desk_made_it);
