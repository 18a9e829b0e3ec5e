//! Booking over HTTP: create, list, get, reschedule, cancel, .ics; idempotency; the rules;
//! and one citizen trying every endpoint on another's appointment.

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

/// No licence, 20 years old: new licence, theory test and medical check are open.
const LEARNER: &str = "100000000006";

const LICENSED: &str = "100000000001";

async fn a_citizen_books_and_sees_the_appointment(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let slot = demo.slot_ids("erbil", "theory_test", "2026-12-01").await[2]; // 09:00
    let response = demo
        .book(
            &cookie,
            "key-0000-0001",
            json!({ "slot_id": slot, "service": "theory_test" }),
        )
        .await;
    assert_eq!(response.status(), 201, "{db:?}");
    let booked: Value = response.json().await.expect("JSON");
    let reference = booked["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    assert!(
        rega_api::ids::Reference::parse(&reference).is_ok(),
        "{reference}"
    );
    assert_eq!(booked["status"], "booked");
    assert_eq!(booked["starts_at"], "2026-12-01T09:00:00+03:00");
    assert_eq!(booked["place"]["name"]["en"], "Erbil Traffic Directorate");
    assert_eq!(booked["change_until"], "2026-11-30T09:00:00+03:00");
    assert_eq!(booked["can_change"], true);

    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["upcoming"].as_array().expect("upcoming").len(), 1);
    assert_eq!(list["upcoming"][0]["reference"], reference.as_str());
    let one: Value = demo
        .get_with_cookie(&format!("/api/v1/appointments/{reference}"), &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(one["reference"], reference.as_str());
    assert!(
        one.get("bring").is_none(),
        "the demo configures no text for the theory test: the app shows its own"
    );
    // The slot has one place fewer.
    let slots: Value = demo
        .app
        .get("/api/v1/availability/slots?directorate=erbil&service=theory_test&date=2026-12-01")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(slots["slots"][2]["places_left"], 4);
}

both!(a_citizen_books_and_sees_the_appointment);

/// What to bring is the network's configuration where it says it: the demo's for the practical
/// test, in the three languages.
async fn the_confirmation_says_what_to_bring_as_configured(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    // An even practice citizen has passed the theory test.
    let cookie = demo.sign_in(&rega_server::demo::practice_id(2)).await;
    let slot = demo.slot_ids("erbil", "practical_test", "2026-12-01").await[0];
    let response = demo
        .book(
            &cookie,
            "key-bring-0001",
            json!({ "slot_id": slot, "service": "practical_test" }),
        )
        .await;
    assert_eq!(response.status(), 201, "{db:?}");
    let booked: Value = response.json().await.expect("JSON");
    let config = rega_server::network::file::parse(rega_server::demo::DEMO_CONFIGURATION)
        .expect("the demo configuration");
    let bring = config.services["practical_test"]
        .bring
        .clone()
        .expect("the demo says what to bring to the practical test");
    assert_eq!(booked["bring"]["en"], bring.en.as_str(), "{booked}");
    assert_eq!(booked["bring"]["ckb"], bring.ckb.as_str());
    assert_eq!(booked["bring"]["ar"], bring.ar.as_str());
}
both!(the_confirmation_says_what_to_bring_as_configured);

#[tokio::test]
async fn the_calendar_file_has_the_right_time_in_utc() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let slot = demo.slot_ids("duhok", "medical_check", "2026-12-02").await[5]; // 09:15
    let booked: Value = demo
        .book(
            &cookie,
            "key-ics-00001",
            json!({ "slot_id": slot, "service": "medical_check" }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let reference = booked["reference"].as_str().expect("a reference");
    let ics = demo
        .get_with_cookie(
            &format!("/api/v1/appointments/{reference}/calendar.ics?lang=ckb"),
            &cookie,
        )
        .await;
    assert_eq!(ics.status(), 200);
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .expect("ASCII")
            .starts_with("text/calendar")
    );
    let text = ics.text().await.expect("text");
    assert!(
        text.contains("\r\nDTSTART:20261202T061500Z\r\n"),
        "09:15 in Baghdad is 06:15 UTC:\n{text}"
    );
    assert!(text.contains("\r\nDTEND:20261202T063000Z\r\n"), "{text}");
    assert!(
        text.contains("SUMMARY:پشکنینی پزیشکی – بەڕێوەبەرایەتیی هاتووچۆی دهۆک"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "DESCRIPTION:ژمارەی مامەڵە: \u{2066}{reference}\u{2069}. تکایە ١٠ خولەک پێشتر بگە."
        )),
        "the description in the citizen's language: {text}"
    );
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
}

async fn a_retried_booking_is_booked_once(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let slot = demo.slot_ids("erbil", "theory_test", "2026-12-01").await[0];
    let body = json!({ "slot_id": slot, "service": "theory_test" });
    let first: Value = demo
        .book(&cookie, "retry-key-0001", body.clone())
        .await
        .json()
        .await
        .expect("JSON");
    let again = demo.book(&cookie, "retry-key-0001", body.clone()).await;
    assert_eq!(again.status(), 201, "{db:?}: the first response again");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.expect("JSON");
    assert_eq!(again["reference"], first["reference"]);
    let other_body = demo
        .book(
            &cookie,
            "retry-key-0001",
            json!({ "slot_id": slot + 1, "service": "theory_test" }),
        )
        .await;
    expect_problem(other_body, 422, "idempotency_key_reused").await;
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        list["upcoming"].as_array().expect("upcoming").len(),
        1,
        "{db:?}: one appointment"
    );
}

both!(a_retried_booking_is_booked_once);

async fn twenty_parallel_requests_with_one_key_book_once(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let slot = demo.slot_ids("erbil", "theory_test", "2026-12-01").await[0];
    let demo = std::sync::Arc::new(demo);
    let requests: Vec<_> = (0..20)
        .map(|_| {
            let (demo, cookie) = (demo.clone(), cookie.clone());
            tokio::spawn(async move {
                let r = demo
                    .book(
                        &cookie,
                        "parallel-key-01",
                        json!({ "slot_id": slot, "service": "theory_test" }),
                    )
                    .await;
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.expect("JSON"))
            })
        })
        .collect();
    let mut references = std::collections::BTreeSet::new();
    for request in requests {
        let (status, body) = request.await.expect("ran");
        match status {
            201 => {
                references.insert(body["reference"].as_str().expect("a reference").to_owned());
            }
            409 => assert_eq!(body["code"], "idempotency_in_progress", "{db:?}"),
            other => panic!("{db:?}: {other} {body}"),
        }
    }
    assert_eq!(
        references.len(),
        1,
        "{db:?}: every success is the same booking"
    );
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        list["upcoming"].as_array().expect("upcoming").len(),
        1,
        "{db:?}"
    );
}

both!(
    twenty_parallel_requests_with_one_key_book_once,
    multi_thread
);

#[tokio::test]
async fn a_booking_without_a_usable_key_is_refused() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let slot = demo.slot_ids("erbil", "theory_test", "2026-12-01").await[0];
    let no_key = demo
        .app
        .client
        .post(format!("{}/api/v1/appointments", demo.app.url))
        .header("cookie", &cookie)
        .json(&json!({ "slot_id": slot, "service": "theory_test" }))
        .send()
        .await
        .expect("answered");
    expect_problem(no_key, 400, "idempotency_key_invalid").await;
    expect_problem(
        demo.book(
            &cookie,
            "short",
            json!({ "slot_id": slot, "service": "theory_test" }),
        )
        .await,
        400,
        "idempotency_key_invalid",
    )
    .await;
}

#[tokio::test]
async fn each_ineligible_service_is_refused_with_its_reason() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cases = [
        (
            "100000000001",
            "new_licence",
            "not_eligible_already_licensed",
        ),
        ("100000000001", "renewal", "not_eligible_renewal_not_due"),
        ("100000000006", "replacement", "not_eligible_no_licence"),
        (
            "100000000006",
            "practical_test",
            "not_eligible_theory_test_not_passed",
        ),
        ("100000000007", "theory_test", "not_eligible_too_young"),
        (
            "100000000004",
            "replacement",
            "not_eligible_licence_suspended",
        ),
    ];
    for (n, (citizen, service, code)) in cases.into_iter().enumerate() {
        demo.clock.advance(61); // codes are one a minute per citizen
        let cookie = demo.sign_in(citizen).await;
        let slot = demo.slot_ids("erbil", service, "2026-12-01").await[0];
        let refused = demo
            .book(
                &cookie,
                &format!("eligibility-{n:04}"),
                json!({ "slot_id": slot, "service": service }),
            )
            .await;
        expect_problem(refused, 403, code).await;
    }
    // Renewal opens for the licence expiring in 60 days; the medical check for anyone.
    demo.clock.advance(61);
    let cookie = demo.sign_in("100000000002").await;
    let slot = demo.slot_ids("erbil", "renewal", "2026-12-01").await[0];
    assert_eq!(
        demo.book(
            &cookie,
            "renewal-0001",
            json!({ "slot_id": slot, "service": "renewal" })
        )
        .await
        .status(),
        201
    );
    demo.clock.advance(61);
    let cookie = demo.sign_in("100000000004").await;
    let slot = demo.slot_ids("erbil", "medical_check", "2026-12-01").await[0];
    assert_eq!(
        demo.book(
            &cookie,
            "medical-0001",
            json!({ "slot_id": slot, "service": "medical_check" })
        )
        .await
        .status(),
        201
    );
}

#[tokio::test]
async fn slots_outside_the_window_or_of_another_service_are_refused() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let theory = demo.slot_ids("erbil", "theory_test", "2026-12-01").await[0];
    let other = demo
        .book(
            &cookie,
            "wrong-service-1",
            json!({ "slot_id": theory, "service": "medical_check" }),
        )
        .await;
    expect_problem(other, 404, "slot_not_found").await;
    let missing = demo
        .book(
            &cookie,
            "missing-slot-01",
            json!({ "slot_id": 999_999_999, "service": "theory_test" }),
        )
        .await;
    expect_problem(missing, 404, "slot_not_found").await;
    // A week later the slot is in the past (and the session long over: sign in again).
    demo.clock.advance(7 * 86_400);
    let cookie = demo.sign_in(LEARNER).await;
    let past = demo
        .book(
            &cookie,
            "past-slot-0001",
            json!({ "slot_id": theory, "service": "theory_test" }),
        )
        .await;
    expect_problem(past, 422, "outside_booking_window").await;
    let unknown = demo
        .book(
            &cookie,
            "unknown-svc-01",
            json!({ "slot_id": theory, "service": "driving_lesson" }),
        )
        .await;
    expect_problem(unknown, 422, "unknown_service").await;
    let bad = demo
        .book(&cookie, "bad-body-00001", json!({ "slot": theory }))
        .await;
    expect_problem(bad, 400, "invalid_json").await;
}

async fn the_service_page_says_why_each_refused_service_is_refused(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let reasons = |list: &Value| -> Vec<(String, Option<String>)> {
        list["services"]
            .as_array()
            .expect("services")
            .iter()
            .map(|s| {
                (
                    s["service"].as_str().expect("a service").to_owned(),
                    s["reason"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let get = |cookie: String| {
        let demo = &demo;
        async move {
            demo.app
                .client
                .get(format!("{}/api/v1/eligibility", demo.app.url))
                .header("cookie", cookie)
                .send()
                .await
                .expect("answered")
        }
    };
    let expect = |pairs: &[(&str, Option<&str>)]| -> Vec<(String, Option<String>)> {
        pairs
            .iter()
            .map(|(s, r)| ((*s).to_owned(), r.map(str::to_owned)))
            .collect()
    };

    // A 20-year-old without a licence: may learn and test, may not renew or replace.
    let learner = demo.sign_in(LEARNER).await;
    let answer = get(learner.clone()).await;
    assert_eq!(answer.status(), 200);
    let list: Value = answer.json().await.expect("JSON");
    assert_eq!(
        reasons(&list),
        expect(&[
            ("new_licence", None),
            ("renewal", Some("not_eligible_no_licence")),
            ("replacement", Some("not_eligible_no_licence")),
            ("theory_test", None),
            (
                "practical_test",
                Some("not_eligible_theory_test_not_passed")
            ),
            ("medical_check", None),
        ])
    );
    assert!(list.get("blocked_until").is_none());

    // Once a theory test is booked, that service says so.
    let slot = demo.slot_ids("erbil", "theory_test", "2026-12-01").await[0];
    let booked = demo
        .book(
            &learner,
            "key-elig-0001",
            json!({ "slot_id": slot, "service": "theory_test" }),
        )
        .await;
    assert_eq!(booked.status(), 201);
    let list: Value = get(learner).await.json().await.expect("JSON");
    assert_eq!(reasons(&list)[3].1.as_deref(), Some("already_booked"));

    // A suspended licence leaves only the medical check.
    demo.clock.advance(61);
    let suspended = demo.sign_in("100000000004").await;
    let list: Value = get(suspended).await.json().await.expect("JSON");
    let open: Vec<String> = reasons(&list)
        .into_iter()
        .filter(|(_, r)| r.is_none())
        .map(|(s, _)| s)
        .collect();
    assert_eq!(open, vec!["medical_check".to_owned()]);

    // Signed out: no answer about anyone.
    expect_problem(get(String::new()).await, 401, "unauthenticated").await;
}

both!(the_service_page_says_why_each_refused_service_is_refused);

#[tokio::test]
async fn the_demo_has_an_appointment_past_the_cutoff_and_practice_citizens() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LICENSED).await;
    let list: Value = demo
        .app
        .client
        .get(format!("{}/api/v1/appointments", demo.app.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    let soon = &list["upcoming"][0];
    assert_eq!(soon["service"], "replacement");
    assert_eq!(soon["place"]["id"], "erbil");
    assert_eq!(soon["can_change"], false);
    // 09:00 now: the next quarter hour plus 30 minutes.
    assert_eq!(soon["time"], "09:45");
    // Practice citizens sign in like anyone else.
    let practice = demo.sign_in("200000000040").await;
    assert!(!practice.is_empty());
}
