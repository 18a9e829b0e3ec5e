//! The desk's day over HTTP: sign-in, the day's list, calling the next ticket (once, also from
//! eight counters at once, and when retried), attendance, the public board; and that a desk of one
//! directorate can do nothing at another's.

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, json_of, spawn_demo};

async fn a_day_at_the_desk(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let (first, ticket) = demo.kiosk_check_in("300000000001").await;
    let (second, _) = demo.kiosk_check_in("300000000002").await;
    let desk = demo.staff_cookie("erbil-desk").await;

    let me: Value = demo
        .staff("GET", "/staff/me", Some(&desk), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        me,
        json!({
            "username": "erbil-desk", "role": "desk", "directorate": "erbil",
            "must_change_password": false, "second_factor": false,
            "must_set_up_second_factor": false
        })
    );
    let day: Value = demo
        .staff("GET", "/staff/day", Some(&desk), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(day["date"], "2026-11-26");
    let listed: Vec<&Value> = day["appointments"]
        .as_array()
        .expect("a list")
        .iter()
        .collect();
    let row = listed
        .iter()
        .find(|a| a["reference"] == first.as_str())
        .expect("listed");
    assert_eq!(
        (
            row["status"].as_str(),
            row["ticket"].as_str(),
            row["ticket_status"].as_str()
        ),
        (Some("checked_in"), Some(ticket.as_str()), Some("waiting"))
    );
    let times: Vec<&str> = listed
        .iter()
        .map(|a| a["time"].as_str().expect("a time"))
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted, "in time order");

    // Call next: the lowest waiting number of the area, to this counter; the board shows it.
    let called: Value = demo
        .staff(
            "POST",
            "/staff/call-next",
            Some(&desk),
            Some(json!({ "area": "M", "counter": "3" })),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        called["called"],
        json!({ "ticket": ticket, "counter": "3", "reference": first, "called_at": THURSDAY_9AM })
    );
    let board: Value = demo
        .app
        .get("/api/v1/board?directorate=erbil")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        board["called"][0],
        json!({ "ticket": ticket, "counter": "3", "called_at": THURSDAY_9AM }),
        "no reference on the board"
    );

    let done = demo
        .staff(
            "POST",
            &format!("/staff/appointments/{first}/attended"),
            Some(&desk),
            None,
        )
        .await;
    assert_eq!(done.status(), 204);
    let again = demo
        .staff(
            "POST",
            &format!("/staff/appointments/{first}/no-show"),
            Some(&desk),
            None,
        )
        .await;
    expect_problem(again, 409, "not_changeable").await;
    let row = demo.day_row(&desk, &first).await;
    assert_eq!(
        (row["status"].as_str(), row["ticket_status"].as_str()),
        (Some("attended"), Some("done"))
    );

    // The next call takes the second ticket; then nobody is waiting.
    let next: Value = demo
        .staff(
            "POST",
            "/staff/call-next",
            Some(&desk),
            Some(json!({ "area": "M", "counter": "3" })),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(next["called"]["reference"], second.as_str());
    let none: Value = demo
        .staff(
            "POST",
            "/staff/call-next",
            Some(&desk),
            Some(json!({ "area": "M", "counter": "3" })),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(none, json!({}));

    // A booked appointment whose citizen never came: a no-show.
    let (soon, _) = {
        let citizen = demo
            .state
            .store
            .citizen_by_national_id(
                &rega_api::ids::NationalId::parse("300000000003").expect("an ID"),
            )
            .await
            .expect("store")
            .expect("a citizen");
        (
            demo.state
                .store
                .appointments_of(citizen.id)
                .await
                .expect("store")[0]
                .reference
                .to_string(),
            (),
        )
    };
    let missed = demo
        .staff(
            "POST",
            &format!("/staff/appointments/{soon}/no-show"),
            Some(&desk),
            None,
        )
        .await;
    assert_eq!(missed.status(), 204);

    let signed_out = demo
        .staff("POST", "/staff/sign-out", Some(&desk), None)
        .await;
    assert_eq!(signed_out.status(), 204);
    expect_problem(
        demo.staff("GET", "/staff/me", Some(&desk), None).await,
        401,
        "staff_unauthenticated",
    )
    .await;
}

both!(a_day_at_the_desk);

#[tokio::test]
async fn a_desk_can_do_nothing_at_another_directorate() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let (erbil_reference, _) = demo.kiosk_check_in("300000000001").await;
    let duhok = demo.staff_cookie("duhok-desk").await;
    let day: Value = demo
        .staff("GET", "/staff/day", Some(&duhok), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert!(
        !day.to_string().contains(&erbil_reference),
        "Duhok's list holds nothing of Erbil's"
    );
    let none: Value = demo
        .staff(
            "POST",
            "/staff/call-next",
            Some(&duhok),
            Some(json!({ "area": "M", "counter": "1" })),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        none,
        json!({}),
        "Erbil's waiting ticket is not Duhok's to call"
    );
    for action in ["attended", "no-show"] {
        let response = demo
            .staff(
                "POST",
                &format!("/staff/appointments/{erbil_reference}/{action}"),
                Some(&duhok),
                None,
            )
            .await;
        expect_problem(response, 404, "not_found").await;
    }
    // Nothing changed for Erbil.
    let erbil = demo.staff_cookie("erbil-desk").await;
    let row = demo.day_row(&erbil, &erbil_reference).await;
    assert_eq!(
        (row["status"].as_str(), row["ticket_status"].as_str()),
        (Some("checked_in"), Some("waiting"))
    );

    // Without a session, every staff endpoint answers 401 and nothing else.
    for (method, path) in [
        ("GET", "/staff/me".to_owned()),
        ("GET", "/staff/day".to_owned()),
        ("POST", "/staff/call-next".to_owned()),
        (
            "POST",
            format!("/staff/appointments/{erbil_reference}/attended"),
        ),
        (
            "POST",
            format!("/staff/appointments/{erbil_reference}/no-show"),
        ),
    ] {
        let body = (method == "POST").then(|| json!({ "area": "M", "counter": "1" }));
        expect_problem(
            demo.staff(method, &path, None, body).await,
            401,
            "staff_unauthenticated",
        )
        .await;
    }
    expect_problem(
        demo.staff(
            "POST",
            "/staff/call-next",
            Some(&erbil),
            Some(json!({ "area": "X", "counter": "1" })),
        )
        .await,
        422,
        "staff_invalid_counter",
    )
    .await;
    expect_problem(
        demo.app.get("/api/v1/board?directorate=mosul").await,
        404,
        "unknown_directorate",
    )
    .await;
}

#[tokio::test]
async fn counters_calling_at_once_never_get_the_same_ticket() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
            continue;
        };
        let mut waiting = Vec::new();
        for n in 1..=4 {
            waiting.push(demo.kiosk_check_in(&format!("30000000000{n}")).await.1);
        }
        let desk = demo.staff_cookie("erbil-desk").await;
        let mut tasks = Vec::new();
        for counter in 1..=8 {
            let (client, url, desk) = (
                demo.app.client.clone(),
                format!("{}/api/v1/staff/call-next", demo.app.url),
                desk.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let answer: Value = client
                    .post(url)
                    .header("cookie", desk)
                    .header("idempotency-key", format!("counter-{counter}-call"))
                    .json(&json!({ "area": "M", "counter": counter.to_string() }))
                    .send()
                    .await
                    .expect("answered")
                    .json()
                    .await
                    .expect("JSON");
                answer["called"]["ticket"].as_str().map(str::to_owned)
            }));
        }
        let mut called = Vec::new();
        for task in tasks {
            if let Some(ticket) = task.await.expect("joined") {
                called.push(ticket);
            }
        }
        called.sort();
        waiting.sort();
        assert_eq!(called, waiting, "each waiting ticket called exactly once");
    }
}

#[tokio::test]
async fn a_retried_call_next_calls_one_ticket() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let (_, first) = demo.kiosk_check_in("300000000001").await;
    let (_, second) = demo.kiosk_check_in("300000000002").await;
    let desk = demo.staff_cookie("erbil-desk").await;
    let call = |key: Option<&'static str>| {
        let mut request = demo
            .app
            .client
            .post(format!("{}/api/v1/staff/call-next", demo.app.url))
            .header("cookie", desk.clone())
            .json(&json!({ "area": "M", "counter": "2" }));
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send()
    };
    expect_problem(
        call(None).await.expect("answered"),
        400,
        "idempotency_key_invalid",
    )
    .await;
    let once: Value = call(Some("call-2-at-0930"))
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    let again = call(Some("call-2-at-0930")).await.expect("answered");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.expect("JSON");
    assert_eq!(once, again, "the retry gets the first answer");
    assert_eq!(once["called"]["ticket"], first.as_str());
    // The second ticket is still waiting: the retry called nobody else.
    let next: Value = call(Some("call-2-at-0931"))
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(next["called"]["ticket"], second.as_str());
}

/// A called ticket is called again (the board shows it as the latest call once more), once per
/// key; a citizen who checked in is recorded as absent only after a call and a call again.
async fn a_ticket_is_called_again_before_its_citizen_is_absent(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let (first, ticket) = demo.kiosk_check_in("300000000001").await;
    let (second, _) = demo.kiosk_check_in("300000000002").await;
    let desk = demo.staff_cookie("erbil-desk").await;
    let demo = &demo;
    let post = |action: &'static str, reference: String| {
        let path = format!("/staff/appointments/{reference}/{action}");
        let desk = desk.clone();
        async move { demo.staff("POST", &path, Some(&desk), None).await }
    };
    // Waiting: neither absent nor called again.
    expect_problem(
        post("no-show", first.clone()).await,
        409,
        "staff_ticket_not_called",
    )
    .await;
    expect_problem(
        post("recall", first.clone()).await,
        409,
        "staff_ticket_not_called",
    )
    .await;
    // Called once: not absent yet.
    demo.call_next(&desk, "M", "3").await;
    expect_problem(
        post("no-show", first.clone()).await,
        409,
        "staff_recall_first",
    )
    .await;
    demo.call_next(&desk, "M", "4").await;
    assert_eq!(demo.board("erbil").await["called"][0]["counter"], "4");

    // A moment later, called again, with one key sent twice: once, to the counter that called
    // it, and first on the board again.
    demo.clock.advance(20);
    let recall = |key: &'static str| {
        let url = format!("{}/api/v1/staff/appointments/{first}/recall", demo.app.url);
        let desk = desk.clone();
        async move {
            demo.app
                .client
                .post(url)
                .header("cookie", desk)
                .header("idempotency-key", key)
                .send()
                .await
                .expect("answered")
        }
    };
    let answer = json_of(recall("recall-key-0001").await, 200).await;
    assert_eq!(
        answer,
        json!({ "called": { "ticket": ticket, "counter": "3", "reference": first,
                            "called_at": THURSDAY_9AM + 20 } })
    );
    assert_eq!(json_of(recall("recall-key-0001").await, 200).await, answer);
    let board = demo.board("erbil").await;
    assert_eq!(
        (
            &board["called"][0]["ticket"],
            &board["called"][0]["counter"]
        ),
        (&json!(ticket), &json!("3"))
    );
    assert_eq!(demo.day_row(&desk, &first).await["recalls"], 1);
    assert_eq!(demo.day_row(&desk, &second).await["recalls"], 0);

    // Now absent; and a done ticket is not called again.
    assert_eq!(post("no-show", first.clone()).await.status(), 204);
    expect_problem(
        post("recall", first.clone()).await,
        409,
        "staff_ticket_not_called",
    )
    .await;
    // Another directorate's desk cannot call it again.
    let duhok = demo.staff_cookie("duhok-desk").await;
    expect_problem(
        demo.staff(
            "POST",
            &format!("/staff/appointments/{second}/recall"),
            Some(&duhok),
            None,
        )
        .await,
        409,
        "staff_ticket_not_called",
    )
    .await;
    // Audited.
    let trail = demo
        .state
        .store
        .audit_search(&rega_server::store::AuditQuery {
            to: THURSDAY_9AM + 86_400,
            action: "desk.recalled".to_owned(),
            before: i64::MAX,
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("store");
    let results: Vec<&str> = trail.iter().map(|e| e.record.result.as_str()).collect();
    assert_eq!(
        results.iter().filter(|r| **r == "ok").count(),
        1,
        "one call again, however often its key is sent: {results:?}"
    );
    assert_eq!(
        results.len(),
        4,
        "and each refusal is audited too: {results:?}"
    );
}
both!(a_ticket_is_called_again_before_its_citizen_is_absent);
