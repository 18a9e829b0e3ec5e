//! Changing an appointment over HTTP: reschedule and cancel until the cut-off, the place and the
//! service freed, another citizen's appointment not found on any endpoint, no session no answer,
//! the audit trail, bad input to every write, and an appointment that has passed.

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, expect_problem, spawn_demo};

/// No licence, 20 years old: new licence, theory test and medical check are open.
const LEARNER: &str = "100000000006";

const LICENSED: &str = "100000000001";

async fn reschedule_and_cancel_until_the_cutoff(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let sunday = demo.slot_ids("erbil", "theory_test", "2026-11-29").await;
    let booked: Value = demo
        .book(
            &cookie,
            "cutoff-book-01",
            json!({ "slot_id": sunday[0], "service": "theory_test" }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let reference = booked["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    let moved = demo
        .change(
            &cookie,
            "cutoff-move-01",
            &reference,
            "reschedule",
            json!({ "slot_id": sunday[4] }),
        )
        .await;
    assert_eq!(moved.status(), 200, "{db:?}");
    let moved: Value = moved.json().await.expect("JSON");
    assert_eq!(moved["time"], "10:00");
    assert_eq!(
        moved["reference"],
        reference.as_str(),
        "the reference stays"
    );
    // Saturday 10:30: less than 24 hours before Sunday 10:00 (a new session: the old one idled out).
    demo.clock.advance(2 * 86_400 + 5400);
    let cookie = demo.sign_in(LEARNER).await;
    let late = demo
        .change(
            &cookie,
            "cutoff-move-02",
            &reference,
            "reschedule",
            json!({ "slot_id": sunday[8] }),
        )
        .await;
    expect_problem(late, 409, "past_cutoff").await;
    expect_problem(
        demo.change(&cookie, "cutoff-cancel1", &reference, "cancel", json!({}))
            .await,
        409,
        "past_cutoff",
    )
    .await;
    let one: Value = demo
        .get_with_cookie(&format!("/api/v1/appointments/{reference}"), &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (one["can_change"].as_bool(), one["status"].as_str()),
        (Some(false), Some("booked"))
    );
}

both!(reschedule_and_cancel_until_the_cutoff);

#[tokio::test]
async fn cancelling_frees_the_place_and_the_service() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let slots = demo.slot_ids("erbil", "theory_test", "2026-12-01").await;
    let booked: Value = demo
        .book(
            &cookie,
            "cancel-book-01",
            json!({ "slot_id": slots[0], "service": "theory_test" }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let reference = booked["reference"].as_str().expect("a reference");
    let twice = demo
        .book(
            &cookie,
            "cancel-book-02",
            json!({ "slot_id": slots[1], "service": "theory_test" }),
        )
        .await;
    expect_problem(twice, 409, "already_booked").await;
    let cancelled = demo
        .change(&cookie, "cancel-0000001", reference, "cancel", json!({}))
        .await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(
        cancelled.json::<Value>().await.expect("JSON")["status"],
        "cancelled"
    );
    expect_problem(
        demo.change(&cookie, "cancel-0000002", reference, "cancel", json!({}))
            .await,
        409,
        "not_changeable",
    )
    .await;
    assert_eq!(
        demo.book(
            &cookie,
            "cancel-book-03",
            json!({ "slot_id": slots[1], "service": "theory_test" })
        )
        .await
        .status(),
        201
    );
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["past"][0]["status"], "cancelled");
}

#[tokio::test]
async fn another_citizens_appointment_is_not_found_on_every_endpoint() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let owner = demo.sign_in(LEARNER).await;
    let slot = demo.slot_ids("erbil", "theory_test", "2026-12-01").await[0];
    let booked: Value = demo
        .book(
            &owner,
            "authz-book-001",
            json!({ "slot_id": slot, "service": "theory_test" }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let reference = booked["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    let other = demo.sign_in(LICENSED).await;
    let probes = [
        demo.get_with_cookie(&format!("/api/v1/appointments/{reference}"), &other)
            .await,
        demo.get_with_cookie(
            &format!("/api/v1/appointments/{reference}/calendar.ics"),
            &other,
        )
        .await,
        demo.change(
            &other,
            "authz-move-001",
            &reference,
            "reschedule",
            json!({ "slot_id": slot + 1 }),
        )
        .await,
        demo.change(&other, "authz-cancel01", &reference, "cancel", json!({}))
            .await,
    ];
    for probe in probes {
        let text = expect_problem(probe, 404, "not_found").await.to_string();
        assert!(!text.contains(&reference), "{text}");
    }
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &other)
        .await
        .json()
        .await
        .expect("JSON");
    assert!(!list.to_string().contains(&reference));
    // The owner's appointment is untouched.
    let mine: Value = demo
        .get_with_cookie(&format!("/api/v1/appointments/{reference}"), &owner)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (mine["status"].as_str(), mine["time"].as_str()),
        (Some("booked"), Some("08:00"))
    );
}

#[tokio::test]
async fn without_a_session_every_appointment_endpoint_is_401() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let url = |p: &str| format!("{}{p}", demo.app.url);
    let client = &demo.app.client;
    for response in [
        client
            .get(url("/api/v1/appointments"))
            .send()
            .await
            .expect("answered"),
        client
            .get(url("/api/v1/appointments/RG-2345-6789"))
            .send()
            .await
            .expect("answered"),
        client
            .post(url("/api/v1/appointments"))
            .header("idempotency-key", "no-session-01")
            .json(&json!({}))
            .send()
            .await
            .expect("answered"),
    ] {
        expect_problem(response, 401, "unauthenticated").await;
    }
}

#[tokio::test]
async fn every_booking_change_is_audited_without_secrets() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let slots = demo.slot_ids("erbil", "theory_test", "2026-12-02").await;
    let booked: Value = demo
        .book(
            &cookie,
            "audit-book-001",
            json!({ "slot_id": slots[0], "service": "theory_test" }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let reference = booked["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    demo.book(
        &cookie,
        "audit-book-001",
        json!({ "slot_id": slots[0], "service": "theory_test" }),
    )
    .await;
    demo.change(
        &cookie,
        "audit-move-001",
        &reference,
        "reschedule",
        json!({ "slot_id": slots[1] }),
    )
    .await;
    demo.change(&cookie, "audit-cancel01", &reference, "cancel", json!({}))
        .await;
    let records = demo.state.store.audit_records(50).await.expect("records");
    let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
    for expected in [
        "booking.created",
        "booking.created.replayed",
        "booking.rescheduled",
        "booking.cancelled",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let token = cookie.split_once('=').expect("a cookie").1;
    assert!(
        records.iter().all(|r| !format!("{r:?}").contains(token)),
        "no session token in the audit log"
    );
    let cancelled = records
        .iter()
        .find(|r| r.action == "booking.cancelled")
        .expect("a record");
    assert_eq!(
        (cancelled.object.as_str(), cancelled.result.as_str()),
        (format!("appointment:{reference}").as_str(), "ok")
    );
    assert!(cancelled.actor.starts_with("citizen:"));
}

#[tokio::test]
async fn bad_input_to_every_booking_write_is_a_problem_and_changes_nothing() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let slots = demo.slot_ids("erbil", "theory_test", "2026-12-01").await;
    let booked: Value = demo
        .book(
            &cookie,
            "bad-input-book",
            json!({ "slot_id": slots[0], "service": "theory_test" }),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let reference = booked["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    let before: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    let huge = format!(
        "{{\"slot_id\":{},\"service\":\"{}\"}}",
        slots[1],
        "x".repeat(100_000)
    );
    let paths = [
        "/api/v1/appointments".to_owned(),
        format!("/api/v1/appointments/{reference}/reschedule"),
        format!("/api/v1/appointments/{reference}/cancel"),
    ];
    let bodies: [(&str, &str, u16, &str); 4] = [
        ("application/json", "{\"slot_id\":", 400, "invalid_json"),
        (
            "application/json",
            "{\"slot_id\":\"seven\",\"service\":\"theory_test\"}",
            400,
            "invalid_json",
        ),
        (
            "application/json",
            "{\"slot_id\":1,\"service\":\"theory_test\",\"price\":0}",
            400,
            "invalid_json",
        ),
        ("text/plain", "slot_id=1", 415, "unsupported_media_type"),
    ];
    for (n, path) in paths.iter().enumerate() {
        let cancel = path.ends_with("/cancel");
        for (m, (content_type, body, status, code)) in bodies.iter().enumerate() {
            if cancel {
                continue; // cancel reads no body
            }
            let response = demo
                .app
                .client
                .post(format!("{}{path}", demo.app.url))
                .header("cookie", &cookie)
                .header("idempotency-key", format!("bad-input-{n}-{m}-key"))
                .header("content-type", *content_type)
                .body(body.to_string())
                .send()
                .await
                .expect("answered");
            expect_problem(response, *status, code).await;
        }
        let oversize = demo
            .app
            .client
            .post(format!("{}{path}", demo.app.url))
            .header("cookie", &cookie)
            .header("idempotency-key", format!("bad-input-{n}-huge"))
            .header("content-type", "application/json")
            .body(huge.clone())
            .send()
            .await
            .expect("answered");
        expect_problem(oversize, 413, "payload_too_large").await;
    }
    for (n, bad) in ["RG-0OIL-1234", "not-a-reference", "RG-2345-678"]
        .into_iter()
        .enumerate()
    {
        let r = demo
            .change(
                &cookie,
                &format!("bad-ref-{n:05}"),
                bad,
                "cancel",
                json!({}),
            )
            .await;
        expect_problem(r, 422, "invalid_reference").await;
        let r = demo
            .get_with_cookie(&format!("/api/v1/appointments/{bad}"), &cookie)
            .await;
        expect_problem(r, 422, "invalid_reference").await;
    }
    let after: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(before, after, "nothing changed");
}

#[tokio::test]
async fn an_appointment_moves_to_past_when_its_slot_has_ended() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let sunday = demo.slot_ids("erbil", "theory_test", "2026-11-29").await;
    demo.book(
        &cookie,
        "ends-book-0001",
        json!({ "slot_id": sunday[0], "service": "theory_test" }),
    )
    .await; // 08:00-08:30
    // Sunday 08:20: still upcoming (in progress); 08:31: past.
    demo.clock.set(THURSDAY_9AM + 3 * 86_400 - 40 * 60);
    let cookie = demo.sign_in(LEARNER).await;
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["upcoming"].as_array().expect("upcoming").len(), 1);
    demo.clock.advance(11 * 60);
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["upcoming"].as_array().expect("upcoming").len(), 0);
    assert_eq!(
        list["past"][0]["status"], "booked",
        "the status is shown as it is"
    );
}

/// Finding 5: an appointment nobody marked attended or no-show held the citizen's one active
/// appointment of its service for good. Once its day is over it lapses (never checked in: a
/// no-show), and the citizen can book that service again.
async fn a_past_unrecorded_appointment_does_not_block_booking_again(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let cookie = demo.sign_in(LEARNER).await;
    let sunday = demo.slot_ids("erbil", "theory_test", "2026-11-29").await;
    let first = demo
        .book(
            &cookie,
            "lapse-book-001",
            json!({ "slot_id": sunday[0], "service": "theory_test" }),
        )
        .await;
    assert_eq!(first.status(), 201, "{db:?}");
    let first: Value = first.json().await.expect("JSON");
    // Monday 09:00: Sunday's appointment is over; nobody recorded it.
    demo.clock.advance(4 * 86_400);
    let cookie = demo.sign_in(LEARNER).await;
    let wednesday = demo.slot_ids("erbil", "theory_test", "2026-12-02").await;
    let again = demo
        .book(
            &cookie,
            "lapse-book-002",
            json!({ "slot_id": wednesday[0], "service": "theory_test" }),
        )
        .await;
    assert_eq!(again.status(), 201, "{db:?}: booking the service again");
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &cookie)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["upcoming"].as_array().expect("upcoming").len(), 1);
    assert_eq!(list["past"][0]["reference"], first["reference"]);
    assert_eq!(list["past"][0]["status"], "no_show", "{db:?}");
    // It counts as a missed appointment even before a booking or the day-end job closes it.
    let other = demo.sign_in("200000000001").await;
    let booked = demo
        .book(
            &other,
            "lapse-book-003",
            json!({ "slot_id": wednesday[1], "service": "theory_test" }),
        )
        .await;
    assert_eq!(booked.status(), 201, "{db:?}");
    let reference = booked.json::<Value>().await.expect("JSON")["reference"].clone();
    demo.clock.advance(3 * 86_400);
    let other = demo.sign_in("200000000001").await;
    let eligibility: Value = demo
        .get_with_cookie("/api/v1/eligibility", &other)
        .await
        .json()
        .await
        .expect("JSON");
    let theory = eligibility["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["service"] == "theory_test")
        .expect("the theory test")
        .clone();
    assert_eq!(theory["reason"], Value::Null, "{db:?}: {theory}");
    let closed = rega_server::jobs::close_lapsed_days(&demo.state)
        .await
        .expect("closed");
    assert!(
        closed >= 2,
        "{db:?}: both citizens' Wednesday ones ({closed})"
    );
    assert_eq!(
        rega_server::jobs::close_lapsed_days(&demo.state)
            .await
            .expect("closed"),
        0,
        "{db:?}: once"
    );
    let list: Value = demo
        .get_with_cookie("/api/v1/appointments", &other)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["past"][0]["reference"], reference);
    assert_eq!(list["past"][0]["status"], "no_show", "{db:?}");
}

both!(a_past_unrecorded_appointment_does_not_block_booking_again);
