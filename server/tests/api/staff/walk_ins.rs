//! The desk's real day (issue 18 item 5) over HTTP: a walk-in's ticket, also given at once from
//! many desks; priority tickets called first but never starving a regular one
//! (`domain::queue_order`); a transfer that keeps the place by arrival; and the ticket actions by
//! label — call again, served, no-show only after a call again — audited, idempotent, and closed
//! to another directorate's desk.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::helpers::{Db, DemoApp, THURSDAY_9AM, expect_problem, json_of, spawn_demo};

/// A walk-in's ticket for `body`: the answer.
async fn walk_in(demo: &DemoApp, desk: &str, body: Value) -> Value {
    json_of(
        demo.staff("POST", "/staff/walk-ins", Some(desk), Some(body))
            .await,
        201,
    )
    .await
}

/// `POST /staff/tickets/{ticket}/{action}`.
async fn on_ticket(
    demo: &DemoApp,
    desk: &str,
    ticket: &str,
    action: &str,
    body: Option<Value>,
) -> reqwest::Response {
    demo.staff(
        "POST",
        &format!("/staff/tickets/{ticket}/{action}"),
        Some(desk),
        body,
    )
    .await
}

/// The desk's list of today's walk-ins.
async fn walk_ins(demo: &DemoApp, desk: &str) -> Vec<Value> {
    let day = json_of(demo.staff("GET", "/staff/day", Some(desk), None).await, 200).await;
    day["walk_ins"].as_array().expect("a list").clone()
}

async fn a_walk_in_is_issued_called_and_finished_like_any_ticket(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let desk = demo.staff_cookie("erbil-desk").await;
    // The national ID as typed, in Eastern Arabic digits.
    let issued = walk_in(
        &demo,
        &desk,
        json!({ "service": "renewal", "national_id": "٣٠٠ ٠٠٠ ٠٠٠ ٠٩٩" }),
    )
    .await;
    assert_eq!(
        (&issued["ticket"], &issued["ahead"]),
        (&json!("A-001"), &json!(0))
    );
    let second = walk_in(&demo, &desk, json!({ "service": "new_licence" })).await;
    assert_eq!(
        (&second["ticket"], &second["ahead"]),
        (&json!("A-002"), &json!(1))
    );

    // Refused input changes nothing.
    for (body, status, code) in [
        (
            json!({ "service": "renewal", "national_id": "12" }),
            422,
            "invalid_national_id",
        ),
        (json!({ "service": "flying" }), 400, "invalid_json"),
        (
            json!({ "service": "renewal", "priority": "tired" }),
            400,
            "invalid_json",
        ),
        (
            json!({ "service": "renewal", "extra": 1 }),
            400,
            "invalid_json",
        ),
    ] {
        expect_problem(
            demo.staff("POST", "/staff/walk-ins", Some(&desk), Some(body))
                .await,
            status,
            code,
        )
        .await;
    }
    let listed = walk_ins(&demo, &desk).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(
        listed[0],
        json!({ "ticket": "A-001", "service": "renewal", "time": "09:00", "ticket_status": "waiting",
                "recalls": 0, "national_id": "300000000099" })
    );

    // Its code opens it on the citizen's phone.
    let code = issued["code"].as_str().expect("a code");
    let held = json_of(demo.app.get(&format!("/api/v1/tickets/{code}")).await, 200).await;
    assert_eq!(
        held,
        json!({ "ticket": "A-001", "directorate": "erbil", "service": "renewal",
                "status": "waiting", "ahead": 0 })
    );

    // Called like any ticket: no reference; the board shows it.
    let called = demo.call_next(&desk, "A", "2").await;
    assert_eq!(
        called["called"],
        json!({ "ticket": "A-001", "counter": "2", "called_at": THURSDAY_9AM })
    );
    assert_eq!(demo.board("erbil").await["called"][0]["ticket"], "A-001");

    // Not come: only after a call again.
    expect_problem(
        on_ticket(&demo, &desk, "A-001", "no-show", None).await,
        409,
        "staff_recall_first",
    )
    .await;
    expect_problem(
        on_ticket(&demo, &desk, "A-002", "no-show", None).await,
        409,
        "staff_ticket_not_called",
    )
    .await;
    demo.clock.advance(30);
    let again = json_of(on_ticket(&demo, &desk, "a-1", "recall", None).await, 200).await;
    assert_eq!(
        again["called"],
        json!({ "ticket": "A-001", "counter": "2", "called_at": THURSDAY_9AM + 30 })
    );
    let no_show = on_ticket(&demo, &desk, "A-001", "no-show", None).await;
    assert_eq!(no_show.status(), 204);
    // Done: nothing more to do with it.
    for (action, body) in [
        ("served", None),
        ("no-show", None),
        ("transfer", Some(json!({ "area": "M" }))),
    ] {
        expect_problem(
            on_ticket(&demo, &desk, "A-001", action, body).await,
            409,
            "staff_ticket_done",
        )
        .await;
    }
    expect_problem(
        on_ticket(&demo, &desk, "A-001", "recall", None).await,
        409,
        "staff_ticket_not_called",
    )
    .await;
    // Served without a call: the desk saw the citizen at once.
    assert_eq!(
        on_ticket(&demo, &desk, "A-002", "served", None)
            .await
            .status(),
        204
    );
    let listed = walk_ins(&demo, &desk).await;
    assert_eq!(
        (
            &listed[0]["ticket_status"],
            &listed[0]["served"],
            &listed[0]["recalls"]
        ),
        (&json!("done"), &json!(false), &json!(1))
    );
    assert_eq!(
        (&listed[1]["ticket_status"], &listed[1]["served"]),
        (&json!("done"), &json!(true))
    );
    // The day's figures count both.
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let figures = json_of(
        demo.staff("GET", "/staff/figures", Some(&supervisor), None)
            .await,
        200,
    )
    .await;
    let area_a = figures["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| a["area"] == "A")
        .cloned()
        .expect("area A");
    assert_eq!(
        (&area_a["served"], &area_a["no_shows"]),
        (&json!(1), &json!(1)),
        "{area_a}"
    );

    // Labels that cannot be a ticket, and tickets that do not exist today.
    for bad in ["A-", "X-001", "A-0", "A-1x", "%E2%80%8FA-001"] {
        expect_problem(
            on_ticket(&demo, &desk, bad, "served", None).await,
            422,
            "staff_invalid_ticket",
        )
        .await;
    }
    expect_problem(
        on_ticket(&demo, &desk, "A-003", "served", None).await,
        404,
        "staff_ticket_not_found",
    )
    .await;
    // Another directorate's desk finds no such ticket, and changes nothing.
    let duhok = demo.staff_cookie("duhok-desk").await;
    let third = walk_in(&demo, &desk, json!({ "service": "renewal" })).await;
    let label = third["ticket"].as_str().expect("a label");
    for action in ["served", "recall", "priority"] {
        expect_problem(
            on_ticket(
                &demo,
                &duhok,
                label,
                action,
                Some(json!({ "priority": "elderly" })),
            )
            .await,
            404,
            "staff_ticket_not_found",
        )
        .await;
    }
    let listed = walk_ins(&demo, &desk).await;
    assert_eq!(
        (&listed[2]["ticket_status"], listed[2].get("priority")),
        (&json!("waiting"), None)
    );
    // Audited: who issued what.
    let trail = demo
        .state
        .store
        .audit_search(&rega_server::store::AuditQuery {
            to: THURSDAY_9AM + 86_400,
            action: "desk.walk_in".to_owned(),
            before: i64::MAX,
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("store");
    let objects: Vec<&str> = trail.iter().map(|e| e.record.object.as_str()).collect();
    assert_eq!(objects.len(), 3, "{objects:?}");
    assert!(objects.contains(&"ticket:A-001") && objects.contains(&"ticket:A-003"));
}
both!(a_walk_in_is_issued_called_and_finished_like_any_ticket);

async fn a_walk_in_sent_twice_is_one_ticket(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let desk = demo.staff_cookie("erbil-desk").await;
    let send = || {
        demo.app
            .client
            .post(format!("{}/api/v1/staff/walk-ins", demo.app.url))
            .header("cookie", &desk)
            .header("idempotency-key", "walk-in-key-0001")
            .json(&json!({ "service": "theory_test" }))
            .send()
    };
    let first = json_of(send().await.expect("answered"), 201).await;
    let again = json_of(send().await.expect("answered"), 201).await;
    assert_eq!(first, again, "the same ticket and code");
    assert_eq!(walk_ins(&demo, &desk).await.len(), 1);
}
both!(a_walk_in_sent_twice_is_one_ticket);

async fn desks_issuing_at_once_never_share_a_number(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let desk = demo.staff_cookie("erbil-desk").await;
    let demo = Arc::new(demo);
    let barrier = Arc::new(tokio::sync::Barrier::new(12));
    let tries: Vec<_> = (0..12)
        .map(|_| {
            let (demo, barrier, desk) = (demo.clone(), barrier.clone(), desk.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                walk_in(&demo, &desk, json!({ "service": "practical_test" })).await["ticket"]
                    .as_str()
                    .expect("a label")
                    .to_owned()
            })
        })
        .collect();
    let mut labels = Vec::new();
    for t in tries {
        labels.push(t.await.expect("a walk-in"));
    }
    labels.sort();
    let expected: Vec<String> = (1..=12).map(|n| format!("P-{n:03}")).collect();
    assert_eq!(labels, expected);
}
both!(desks_issuing_at_once_never_share_a_number, multi_thread);

async fn priority_goes_first_but_never_starves_a_regular_ticket(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let desk = demo.staff_cookie("erbil-desk").await;
    let regular_body = json!({ "service": "renewal" });
    // 9:00 a regular citizen, 9:10 a pregnant one: she goes first.
    let regular = walk_in(&demo, &desk, regular_body.clone()).await;
    demo.clock.advance(600);
    let pregnant = walk_in(
        &demo,
        &desk,
        json!({ "service": "renewal", "priority": "pregnant" }),
    )
    .await;
    assert_eq!(pregnant["ahead"], 0, "ahead of the regular ticket");
    // 9:20 another regular; 9:55 an elderly citizen, 35 minutes after them: behind both.
    demo.clock.advance(600);
    let later = walk_in(&demo, &desk, regular_body).await;
    demo.clock.advance(35 * 60);
    // (A desk idle for half an hour signs in again.)
    let desk = demo.staff_cookie("erbil-desk").await;
    let elderly = walk_in(
        &demo,
        &desk,
        json!({ "service": "renewal", "priority": "elderly" }),
    )
    .await;
    assert_eq!(
        elderly["ahead"], 3,
        "behind all three: each came more than 30 minutes before"
    );
    let order: Vec<Value> = {
        let mut order = Vec::new();
        for _ in 0..4 {
            order.push(demo.call_next(&desk, "A", "1").await["called"]["ticket"].clone());
        }
        order
    };
    assert_eq!(
        order,
        [&pregnant, &regular, &later, &elderly].map(|t| t["ticket"].clone())
    );

    // A priority given at the desk to a checked-in appointment's ticket moves it up; taken away,
    // it goes back to its place.
    let (_, first) = demo.kiosk_check_in("300000000001").await;
    demo.clock.advance(60);
    let (_, second) = demo.kiosk_check_in("300000000002").await;
    let given = on_ticket(
        &demo,
        &desk,
        &second,
        "priority",
        Some(json!({ "priority": "disabled" })),
    )
    .await;
    assert_eq!(given.status(), 204);
    let day = json_of(
        demo.staff("GET", "/staff/day", Some(&desk), None).await,
        200,
    )
    .await;
    let row = day["appointments"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|a| a["ticket"] == second.as_str())
        .cloned()
        .expect("listed");
    assert_eq!(row["priority"], "disabled");
    let called = demo.call_next(&desk, "M", "5").await;
    assert_eq!(called["called"]["ticket"], second.as_str());
    let taken = on_ticket(
        &demo,
        &desk,
        &first,
        "priority",
        Some(json!({ "priority": null })),
    )
    .await;
    assert_eq!(taken.status(), 204);
    let called = demo.call_next(&desk, "M", "5").await;
    assert_eq!(called["called"]["ticket"], first.as_str());
}
both!(priority_goes_first_but_never_starves_a_regular_ticket);

async fn a_transfer_keeps_the_place_by_arrival(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let desk = demo.staff_cookie("erbil-desk").await;
    // 9:00 a medical check's citizen checks in; 9:05 a walk-in for the licence counter.
    let (reference, medical) = demo.kiosk_check_in("300000000001").await;
    demo.clock.advance(300);
    let renewal = walk_in(&demo, &desk, json!({ "service": "renewal" })).await;
    // The medical counter calls and examines them, then sends them on to the licence counter.
    assert_eq!(
        demo.call_next(&desk, "M", "7").await["called"]["ticket"],
        medical.as_str()
    );
    let moved = on_ticket(
        &demo,
        &desk,
        &medical,
        "transfer",
        Some(json!({ "area": "A" })),
    )
    .await;
    assert_eq!(moved.status(), 204);
    let row = demo.day_row(&desk, &reference).await;
    assert_eq!(
        (
            &row["ticket"],
            &row["ticket_status"],
            &row["queue_area"],
            &row["status"]
        ),
        (
            &json!(medical),
            &json!("waiting"),
            &json!("A"),
            &json!("checked_in")
        )
    );
    // Arrived first, so called first at the licence counter, under its own number.
    let called = demo.call_next(&desk, "A", "1").await;
    assert_eq!(
        (&called["called"]["ticket"], &called["called"]["reference"]),
        (&json!(medical), &json!(reference))
    );
    assert_eq!(
        demo.call_next(&desk, "A", "1").await["called"]["ticket"],
        renewal["ticket"]
    );
    // Served at the licence counter: the appointment is attended.
    assert_eq!(
        on_ticket(&demo, &desk, &medical, "served", None)
            .await
            .status(),
        204
    );
    let row = demo.day_row(&desk, &reference).await;
    assert_eq!(
        (&row["status"], &row["ticket_status"]),
        (&json!("attended"), &json!("done"))
    );
    // A transfer to no area is refused and changes nothing.
    let label = renewal["ticket"].as_str().expect("a label");
    for area in ["X", "", "a"] {
        expect_problem(
            on_ticket(
                &demo,
                &desk,
                label,
                "transfer",
                Some(json!({ "area": area })),
            )
            .await,
            422,
            "staff_invalid_counter",
        )
        .await;
    }
    let listed = walk_ins(&demo, &desk).await;
    assert_eq!(
        (&listed[0]["ticket_status"], listed[0].get("queue_area")),
        (&json!("called"), None)
    );
}
both!(a_transfer_keeps_the_place_by_arrival);
