//! The ticket goes with the citizen (issue 18): the code the kiosk shows opens the ticket on a
//! phone without signing in — its number, service, place and counter, nothing else — for its day
//! only; a check-in again replaces the code; the signed-in citizen opens their own from My
//! appointments and no one else's; the citizen with two left before them is told by SMS, once.

use serde_json::json;

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, json_of, spawn_demo};

/// `GET /api/v1/tickets/{code}`.
async fn ticket_by_code(demo: &crate::helpers::DemoApp, code: &str) -> reqwest::Response {
    demo.app.get(&format!("/api/v1/tickets/{code}")).await
}

async fn the_kiosk_code_opens_the_ticket_and_nothing_else(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let (_, first) = demo.kiosk_ticket("300000000001").await;
    let (reference, second) = demo.kiosk_ticket("300000000002").await;
    let code = second["link"].as_str().expect("a link code").to_owned();
    assert!(
        regex_like_code(&code),
        "XXXX-XXXX-XXXX-XXXX without look-alikes: {code}"
    );
    assert_ne!(first["link"], second["link"]);

    let response = ticket_by_code(&demo, &code).await;
    assert_eq!(
        response.headers()["cache-control"].to_str().ok(),
        Some("no-store")
    );
    let held = json_of(response, 200).await;
    assert_eq!(
        held,
        json!({ "ticket": second["ticket"], "directorate": "erbil", "service": "medical_check",
                "status": "waiting", "ahead": 1 })
    );
    // Nothing of the citizen or the appointment.
    let text = held.to_string();
    assert!(!text.contains(&reference) && !text.contains("300000000002"));
    // However it is typed.
    let typed = code.to_lowercase().replace('-', " ");
    json_of(ticket_by_code(&demo, &typed).await, 200).await;

    // Called: the counter, nothing ahead.
    let desk = demo.staff_cookie("erbil-desk").await;
    for _ in 0..2 {
        demo.call_next(&desk, "M", "4").await;
    }
    let held = json_of(ticket_by_code(&demo, &code).await, 200).await;
    assert_eq!(
        (&held["status"], &held["ahead"], &held["counter"]),
        (&json!("called"), &json!(0), &json!("4"))
    );

    // A check-in again gives a new code; the old one opens nothing.
    let (_, again) = demo.kiosk_ticket("300000000002").await;
    assert_eq!(again["again"], true);
    assert_eq!(again["ticket"], second["ticket"]);
    expect_problem(ticket_by_code(&demo, &code).await, 404, "ticket_not_found").await;
    let new_code = again["link"].as_str().expect("a link code");
    json_of(ticket_by_code(&demo, new_code).await, 200).await;

    // Unknown, malformed and hostile codes: the same answer.
    for bad in [
        "2222-2222-2222-2222",
        "nope",
        "K7M2-9QXD-4FHT-ABC1",
        "%27%20OR%201%3D1--",
        "%D9%A1%D9%A2",
    ] {
        expect_problem(ticket_by_code(&demo, bad).await, 404, "ticket_not_found").await;
    }

    // The next day the code opens nothing.
    demo.clock.advance(86_400);
    expect_problem(
        ticket_by_code(&demo, new_code).await,
        404,
        "ticket_not_found",
    )
    .await;
}
both!(the_kiosk_code_opens_the_ticket_and_nothing_else);

fn regex_like_code(code: &str) -> bool {
    let groups: Vec<&str> = code.split('-').collect();
    groups.len() == 4
        && groups.iter().all(|g| {
            g.len() == 4
                && g.bytes()
                    .all(|b| b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ".contains(&b))
        })
}

async fn a_signed_in_citizen_opens_their_own_ticket_only(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let (reference, checked_in) = demo.kiosk_ticket("300000000001").await;
    let (other, _) = demo.kiosk_ticket("300000000002").await;
    let cookie = demo.sign_in("300000000001").await;
    let path = |r: &str| format!("/api/v1/appointments/{r}/ticket");
    let own = json_of(demo.get_with_cookie(&path(&reference), &cookie).await, 200).await;
    assert_eq!(own["ticket"], checked_in["ticket"]);
    assert_eq!(own["status"], "waiting");
    // Another citizen's ticket is as unknown as a made-up one.
    expect_problem(
        demo.get_with_cookie(&path(&other), &cookie).await,
        404,
        "ticket_not_found",
    )
    .await;
    expect_problem(
        demo.get_with_cookie(&path("nope"), &cookie).await,
        422,
        "invalid_reference",
    )
    .await;
    // Without a session: asked to sign in.
    expect_problem(
        demo.app.get(&path(&reference)).await,
        401,
        "unauthenticated",
    )
    .await;
    // An appointment not checked in has no ticket.
    let (booked, _) = demo.kiosk_reference("300000000003").await;
    let cookie3 = demo.sign_in("300000000003").await;
    expect_problem(
        demo.get_with_cookie(&path(&booked), &cookie3).await,
        404,
        "ticket_not_found",
    )
    .await;
}
both!(a_signed_in_citizen_opens_their_own_ticket_only);

async fn the_citizen_two_places_from_the_counter_is_told_once(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    for n in 1..=4 {
        demo.kiosk_check_in(&format!("30000000000{n}")).await;
    }
    let desk = demo.staff_cookie("erbil-desk").await;
    let call = || demo.call_next(&desk, "M", "2");
    let near = |texts: Vec<String>| {
        texts
            .into_iter()
            .filter(|t| t.contains("two people are ahead") || t.contains("دوو کەس لە پێش تۆن"))
            .count()
    };
    // M-001 called: M-002 and M-003 are left before M-004.
    call().await;
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("delivered");
    assert_eq!(near(demo.outbox_texts("300000000004").await), 1);
    assert_eq!(near(demo.outbox_texts("300000000003").await), 0);
    // M-002 called: no one has two before them now; nobody is told twice.
    call().await;
    call().await;
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("delivered");
    for n in 1..=4 {
        let expected = usize::from(n == 4);
        assert_eq!(
            near(demo.outbox_texts(&format!("30000000000{n}")).await),
            expected,
            "citizen {n}"
        );
    }
}
both!(the_citizen_two_places_from_the_counter_is_told_once);
