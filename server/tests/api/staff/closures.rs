//! Closures over HTTP: the preview, closing part of a day (each citizen told once), lifting it,
//! and a closure racing bookings and cancellations.

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

async fn a_supervisor_closes_part_of_a_day_and_every_citizen_is_told(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    let desk = demo.staff_cookie("erbil-desk").await;
    let duhok = demo.staff_cookie("duhok-desk").await;
    let sunday = "2026-11-29";
    let ids = |n| rega_server::demo::practice_id(n);
    let medical = demo.slot_ids("erbil", "medical_check", sunday).await; // 08:00, 08:15, …
    let theory = demo.slot_ids("erbil", "theory_test", sunday).await; // 08:00, 08:30, …

    // A books and moves three times (the limit of four changes in 30 days), ending at 09:00;
    // B has the theory test at 10:30; C the medical check at 12:00; D is at Duhok at 09:00.
    let a = demo.sign_in(&ids(1)).await;
    let a_ref = demo.book_slot(&a, "medical_check", medical[0]).await;
    for slot in [medical[1], medical[2], medical[4]] {
        let moved = demo
            .change(
                &a,
                &format!("closure-move-{slot:08}"),
                &a_ref,
                "reschedule",
                json!({ "slot_id": slot }),
            )
            .await;
        assert_eq!(moved.status(), 200);
    }
    let b = demo.sign_in(&ids(2)).await;
    let b_ref = demo.book_slot(&b, "theory_test", theory[5]).await;
    let c = demo.sign_in(&ids(3)).await;
    let c_ref = demo.book_slot(&c, "medical_check", medical[16]).await;
    let d = demo.sign_in(&ids(4)).await;
    let duhok_slot = demo.slot_ids("duhok", "medical_check", sunday).await[4];
    let d_ref = demo.book_slot(&d, "medical_check", duhok_slot).await;
    let duhok_before = demo.places("duhok", "medical_check", sunday).await;

    // Only a supervisor closes, with a reason and a quarter-hour period still to come.
    let close = json!({ "date": sunday, "from": "09:00", "to": "11:00", "note": "Burst water pipe in the hall" });
    expect_problem(
        demo.staff("POST", "/staff/closures", Some(&desk), Some(close.clone()))
            .await,
        403,
        "staff_forbidden",
    )
    .await;
    for (bad, status, code) in [
        (
            json!({ "date": sunday, "from": "11:00", "to": "09:00", "note": "x" }),
            422,
            "staff_invalid_period",
        ),
        (
            json!({ "date": sunday, "from": "09:07", "to": "11:00", "note": "x" }),
            422,
            "staff_invalid_period",
        ),
        (
            json!({ "date": sunday, "from": "09:00", "note": "x" }),
            422,
            "staff_invalid_period",
        ),
        (
            json!({ "date": "2026-11-26", "from": "08:00", "to": "08:45", "note": "over" }),
            422,
            "staff_invalid_period",
        ),
        (
            json!({ "date": "2026-11-20", "note": "x" }),
            422,
            "outside_booking_window",
        ),
        (json!({ "date": sunday, "note": "  " }), 400, "bad_request"),
    ] {
        expect_problem(
            demo.staff("POST", "/staff/closures", Some(&supervisor), Some(bad))
                .await,
            status,
            code,
        )
        .await;
    }
    assert!(
        demo.closure_messages(&ids(1)).await.is_empty(),
        "bad input changes nothing"
    );

    // The preview counts what the closure will cancel (A and B), changes nothing, and is a
    // supervisor's only.
    let preview = format!("/staff/closures/preview?date={sunday}&from=09:00&to=11:00");
    expect_problem(
        demo.staff("GET", &preview, Some(&desk), None).await,
        403,
        "staff_forbidden",
    )
    .await;
    for (bad, code) in [
        (
            format!("/staff/closures/preview?date={sunday}&from=11:00&to=09:00"),
            "staff_invalid_period",
        ),
        (
            format!("/staff/closures/preview?date={sunday}&from=09:00"),
            "staff_invalid_period",
        ),
        (
            "/staff/closures/preview?date=2026-11-20".to_owned(),
            "outside_booking_window",
        ),
        (
            "/staff/closures/preview?date=tomorrow".to_owned(),
            "invalid_date",
        ),
    ] {
        expect_problem(
            demo.staff("GET", &bad, Some(&supervisor), None).await,
            422,
            code,
        )
        .await;
    }
    let counted: Value = demo
        .staff("GET", &preview, Some(&supervisor), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(counted, json!({ "cancels": 2 }));
    let whole: Value = demo
        .staff(
            "GET",
            &format!("/staff/closures/preview?date={sunday}"),
            Some(&supervisor),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        whole,
        json!({ "cancels": 3 }),
        "A, B and C on the whole day; not Duhok's D"
    );

    // Sent twice with one key (a retried request): one closure, the same answer.
    let send = || {
        demo.app
            .client
            .post(format!("{}/api/v1/staff/closures", demo.app.url))
            .header("cookie", &supervisor)
            .header("idempotency-key", "closure-key-0001")
            .json(&close)
            .send()
    };
    let first = send().await.expect("answered");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("JSON");
    let again: Value = send().await.expect("answered").json().await.expect("JSON");
    assert_eq!(first, again);
    assert_eq!(first["cancelled"], 2);
    assert_eq!(first["whole_day"], false);
    assert_eq!(
        (first["from"].as_str(), first["to"].as_str()),
        (Some("09:00"), Some("11:00"))
    );

    // A and B: cancelled, told once by SMS in their language, asked to book again.
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("the outbox is sent");
    for (n, cookie, reference, time) in [
        (1, &a, &a_ref, "٩:٠٠\u{a0}ب.ن"),
        (2, &b, &b_ref, "١٠:٣٠\u{a0}ب.ن"),
    ] {
        let messages = demo.closure_messages(&ids(n)).await;
        assert_eq!(messages.len(), 1, "one SMS for {reference}");
        let text = &messages[0];
        assert!(
            text.contains(reference.as_str()) && text.contains(&format!("٢٩/١١، {time}")),
            "{text}"
        );
        assert!(
            text.contains("بەڕێوەبەرایەتیی هاتووچۆی هەولێر")
                && !text.contains("أربيل")
                && !text.contains("Erbil"),
            "{text}"
        );
        assert!(
            !text.contains("Burst"),
            "the staff's note is not sent: {text}"
        );
        let one: Value = demo
            .get_with_cookie(&format!("/api/v1/appointments/{reference}"), cookie)
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(
            (one["status"].as_str(), one["closed"].as_bool()),
            (Some("cancelled"), Some(true))
        );
        let list: Value = demo
            .get_with_cookie("/api/v1/appointments", cookie)
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(list["upcoming"], json!([]));
        assert_eq!(list["past"][0]["reference"], reference.as_str());
        assert_eq!(list["past"][0]["rebook"], true);
    }
    // C (outside the period) and D (another directorate): untouched and not told.
    for (n, cookie, reference) in [(3, &c, &c_ref), (4, &d, &d_ref)] {
        assert!(demo.closure_messages(&ids(n)).await.is_empty());
        let one: Value = demo
            .get_with_cookie(&format!("/api/v1/appointments/{reference}"), cookie)
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(one["status"], "booked");
        assert!(one.get("closed").is_none());
    }
    assert_eq!(
        rega_server::sender::deliver_due(&demo.state)
            .await
            .expect("store"),
        0,
        "every citizen was told once"
    );

    // The period's slots take no bookings; the rest of the day and Duhok are as they were.
    let erbil = demo.places("erbil", "medical_check", sunday).await;
    for (time, places) in &erbil {
        let closed = time.as_str() >= "09:00" && time.as_str() < "11:00";
        let expected = if closed {
            0
        } else if time == "12:00" {
            3
        } else {
            4
        };
        assert_eq!(*places, expected, "{time}");
    }
    assert_eq!(
        demo.places("duhok", "medical_check", sunday).await,
        duhok_before
    );
    let days: Value = demo
        .app
        .get("/api/v1/availability/days?directorate=erbil&service=medical_check")
        .await
        .json()
        .await
        .expect("JSON");
    let day = |date: &str| {
        days["days"]
            .as_array()
            .expect("days")
            .iter()
            .find(|d| d["date"] == date)
            .cloned()
            .expect("in the window")
    };
    assert!(
        day(sunday).get("closed").is_none(),
        "part of the day is still open"
    );

    // Planning cannot reopen the closed period.
    let planned: Value = demo
        .staff(
            "POST",
            "/staff/capacity",
            Some(&supervisor),
            Some(json!({ "date": sunday, "service": "medical_check", "capacity": 2 })),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        planned["kept"], 8,
        "the eight closed quarter hours stay closed"
    );
    assert!(
        demo.places("erbil", "medical_check", sunday)
            .await
            .iter()
            .filter(|(t, _)| t.as_str() >= "09:00" && t.as_str() < "11:00")
            .all(|(_, p)| *p == 0)
    );
    expect_problem(
        demo.staff("POST", "/staff/slots", Some(&supervisor), Some(json!({ "date": sunday, "time": "10:00", "service": "practical_test", "capacity": 2 }))).await,
        422,
        "day_closed",
    )
    .await;

    // The booking the closure cancelled does not count: A (at the limit before) books again,
    // and is no longer asked to.
    let monday = demo.slot_ids("erbil", "medical_check", "2026-11-30").await;
    demo.book_slot(&a, "medical_check", monday[0]).await;
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &a)
        .await
        .json()
        .await
        .expect("JSON");
    assert!(list["past"][0].get("rebook").is_none(), "{list}");

    // A whole day: closed on the calendar, its slots refused.
    let tuesday = "2026-12-01";
    let tuesday_slot = demo.slot_ids("erbil", "medical_check", tuesday).await[0];
    let whole = demo
        .staff(
            "POST",
            "/staff/closures",
            Some(&supervisor),
            Some(json!({ "date": tuesday, "note": "Official occasion" })),
        )
        .await;
    assert_eq!(whole.status(), 201);
    let whole: Value = whole.json().await.expect("JSON");
    assert_eq!(
        (whole["whole_day"].as_bool(), whole["cancelled"].as_i64()),
        (Some(true), Some(0))
    );
    let days: Value = demo
        .app
        .get("/api/v1/availability/days?directorate=erbil&service=medical_check")
        .await
        .json()
        .await
        .expect("JSON");
    let tuesday_entry = days["days"]
        .as_array()
        .expect("days")
        .iter()
        .find(|d| d["date"] == tuesday)
        .cloned()
        .expect("in the window");
    assert_eq!(tuesday_entry["closed"], "closure");
    assert_eq!(tuesday_entry["places_left"], 0);
    expect_problem(
        demo.app
            .get(&format!(
                "/api/v1/availability/slots?directorate=erbil&service=medical_check&date={tuesday}"
            ))
            .await,
        422,
        "day_closed",
    )
    .await;
    let e = demo.sign_in(&ids(5)).await;
    expect_problem(
        demo.book(
            &e,
            "closure-late-0001",
            json!({ "slot_id": tuesday_slot, "service": "medical_check" }),
        )
        .await,
        409,
        "slot_full",
    )
    .await;

    // Every desk of Erbil sees both closures; Duhok's sees none of them.
    let list: Value = demo
        .staff("GET", "/staff/closures", Some(&desk), None)
        .await
        .json()
        .await
        .expect("JSON");
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 2);
    assert_eq!(
        (
            list[0]["date"].as_str(),
            list[0]["cancelled"].as_i64(),
            list[0]["staff"].as_str(),
            list[0]["note"].as_str()
        ),
        (
            Some(sunday),
            Some(2),
            Some("erbil-supervisor"),
            Some("Burst water pipe in the hall")
        )
    );
    assert_eq!(list[1]["whole_day"], true);
    let duhok_list: Value = demo
        .staff("GET", "/staff/closures", Some(&duhok), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(duhok_list, json!([]));

    // Lifting: a supervisor's, of their own directorate, once. The day takes bookings again; the
    // appointments the closure cancelled stay cancelled.
    let whole_id = whole["id"].as_i64().expect("an id");
    let sunday_id = list[0]["id"].as_i64().expect("an id");
    expect_problem(
        demo.staff(
            "POST",
            &format!("/staff/closures/{whole_id}/lift"),
            Some(&desk),
            None,
        )
        .await,
        403,
        "staff_forbidden",
    )
    .await;
    let lifted = demo
        .staff(
            "POST",
            &format!("/staff/closures/{whole_id}/lift"),
            Some(&supervisor),
            None,
        )
        .await;
    assert_eq!(lifted.status(), 204);
    expect_problem(
        demo.staff(
            "POST",
            &format!("/staff/closures/{whole_id}/lift"),
            Some(&supervisor),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        demo.places("erbil", "medical_check", tuesday)
            .await
            .first()
            .map(|(_, p)| *p),
        Some(4),
        "Tuesday takes bookings again"
    );
    demo.book_slot(&e, "medical_check", tuesday_slot).await;
    let lifted = demo
        .staff(
            "POST",
            &format!("/staff/closures/{sunday_id}/lift"),
            Some(&supervisor),
            None,
        )
        .await;
    assert_eq!(lifted.status(), 204);
    assert!(
        demo.places("erbil", "medical_check", sunday)
            .await
            .iter()
            .filter(|(t, _)| t.as_str() >= "09:00" && t.as_str() < "11:00")
            .all(|(_, p)| *p == 4),
        "the closed quarter hours have the counters' places again"
    );
    let one: Value = demo
        .get_with_cookie(&format!("/api/v1/appointments/{b_ref}"), &b)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (one["status"].as_str(), one["closed"].as_bool()),
        (Some("cancelled"), Some(true))
    );
    let left: Value = demo
        .staff("GET", "/staff/closures", Some(&desk), None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(left, json!([]));

    // Audited: the closure and each notice.
    let audit = demo.state.store.audit_records(200).await.expect("store");
    let actions: Vec<&str> = audit.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "sms.closure").count(), 2);
    assert!(
        audit
            .iter()
            .any(|r| r.action == "desk.closed" && r.result == "ok:2")
    );
    assert_eq!(
        audit
            .iter()
            .filter(|r| r.action == "desk.closure_lifted")
            .map(|r| r.result.as_str())
            .collect::<Vec<_>>(),
        ["ok", "not_found", "ok"],
        "newest first"
    );
    // A desk's attempt is refused before it reaches the closure: audited with the route it tried.
    assert!(audit.iter().any(|r| r.action == "staff.forbidden"
        && r.object == "POST /api/v1/staff/closures/{id}/lift"
        && r.result == "forbidden"));
}

both!(a_supervisor_closes_part_of_a_day_and_every_citizen_is_told);

/// A closure racing bookings and cancellations of its period: whatever the order, no place is
/// lost or counted twice, nothing stays booked in the closed period, and each cancelled
/// appointment is the closure's or the citizen's, never both.
async fn a_closure_racing_bookings_and_cancellations(db: Db) {
    use rega_server::store::{BookError, BookRequest, NewClosure};
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let store = demo.state.store.clone();
    let sunday = rega_api::time::Date::parse("2026-11-29").expect("a date");
    let at = move |hour| {
        rega_api::time::LocalDateTime {
            date: sunday,
            hour,
            minute: 0,
        }
        .to_unix()
    };
    let slots = store
        .slots_between(
            "erbil",
            rega_api::service::ServiceKind::MedicalCheck,
            at(9),
            at(11),
        )
        .await
        .expect("slots");
    assert_eq!(slots.len(), 8);
    let mut citizens = Vec::new();
    for n in 1..=40 {
        let id = store
            .citizen_by_national_id(
                &rega_api::ids::NationalId::parse(&rega_server::demo::practice_id(n))
                    .expect("an id"),
            )
            .await
            .expect("store")
            .expect("a citizen")
            .id;
        citizens.push(id);
    }
    let request = |citizen_id, n: usize| BookRequest {
        citizen_id,
        slot_id: slots[n % slots.len()].id,
        service: rega_api::service::ServiceKind::MedicalCheck,
        now: THURSDAY_9AM,
        offers: Default::default(),
        limit: rega_server::domain::limits::ChangeLimit { max: 4, since: 0 },
    };
    // Twenty booked before.
    let mut booked = Vec::new();
    for (n, citizen) in citizens[..20].iter().enumerate() {
        let a = store.book(&request(*citizen, n)).await.expect("booked");
        booked.push((*citizen, a.reference));
    }
    let supervisor = store
        .staff_by_username("erbil-supervisor")
        .await
        .expect("store")
        .expect("the demo supervisor");
    // Then at once: twenty more book, ten of the first cancel, and the supervisor closes.
    let mut tasks = tokio::task::JoinSet::new();
    for (n, citizen) in citizens[20..].iter().enumerate() {
        let (store, request) = (store.clone(), request(*citizen, n));
        tasks.spawn(async move { ("book", store.book(&request).await.map(|_| ())) });
    }
    for (citizen, reference) in booked[..10].iter().cloned() {
        let store = store.clone();
        tasks.spawn(async move {
            (
                "cancel",
                store
                    .cancel(citizen, &reference, THURSDAY_9AM)
                    .await
                    .map(|_| ()),
            )
        });
    }
    let closer = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .close(&NewClosure {
                    directorate_id: "erbil",
                    day: "2026-11-29",
                    starts_at: at(9),
                    ends_at: at(11),
                    note: "race",
                    staff_id: supervisor.id,
                    now: THURSDAY_9AM,
                })
                .await
                .expect("closed")
        })
    };
    let mut outcomes = Vec::new();
    while let Some(done) = tasks.join_next().await {
        outcomes.push(done.expect("a task"));
    }
    let (_, closed_count) = closer.await.expect("the closure");
    for (what, outcome) in &outcomes {
        match outcome {
            Ok(()) | Err(BookError::SlotFull) | Err(BookError::NotChangeable) => {}
            Err(other) => panic!("{what}: {other:?}"),
        }
    }
    // Nothing active in the closed period, and every slot's count agrees.
    for slot in store
        .slots_between(
            "erbil",
            rega_api::service::ServiceKind::MedicalCheck,
            at(9),
            at(11),
        )
        .await
        .expect("slots")
    {
        assert_eq!((slot.capacity, slot.booked), (0, 0), "{slot:?}");
    }
    let mut by_closure = 0;
    let mut by_citizen = 0;
    for citizen in &citizens {
        for a in store.appointments_of(*citizen).await.expect("store") {
            assert!(!a.status.is_active(), "{a:?} is still active");
            if a.closed_at.is_some() {
                by_closure += 1;
            } else {
                by_citizen += 1;
            }
        }
    }
    let cancels_done = outcomes
        .iter()
        .filter(|(what, o)| *what == "cancel" && o.is_ok())
        .count();
    assert_eq!(by_citizen, cancels_done, "the citizens' own cancellations");
    assert_eq!(by_closure, closed_count as usize, "the closure's");
    let notices = store
        .claim_messages(THURSDAY_9AM, THURSDAY_9AM + 300, 1000)
        .await
        .expect("store");
    let told = notices
        .iter()
        .filter(|m| m.kind == rega_server::domain::messages::MessageKind::Closure)
        .count();
    assert_eq!(told, by_closure, "each cancelled citizen told once");
}

both!(a_closure_racing_bookings_and_cancellations);
