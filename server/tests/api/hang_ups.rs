//! A client that hangs up before its answer (a dropped connection, a phone going into a tunnel)
//! and retries with the same Idempotency-Key, as the docs ask, gets the first answer or a fresh
//! run — never a key left "in progress" for good — for reschedules and cancellations as for
//! bookings, on both engines; and every change happened exactly once.

use std::time::Duration;

use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;
use rega_server::store::{AppointmentStatus, BookRequest, NewCitizen, SessionOwner};
use serde_json::{Value, json};

use crate::helpers::{Db, DemoApp, THURSDAY_9AM, spawn_demo};

const CITIZENS: usize = 24;

/// A citizen of the test's own, signed in, with a theory test booked in `slot`: the cookie and
/// the appointment's reference.
async fn booked_citizen(demo: &DemoApp, n: usize, slot: i64) -> (String, String) {
    let store = &demo.state.store;
    let id = store
        .insert_citizen(&NewCitizen {
            national_id: NationalId::parse(&format!("7{n:011}")).expect("an id"),
            phone: format!("+96477{n:08}"),
            birth_date: "1990-01-01".into(),
            tests: Vec::new(),
            licence: None,
        })
        .await
        .expect("a citizen");
    let token = format!("hang-up-session-token-{n:06}-0123456789abcdef");
    store
        .create_session(
            SessionOwner::Citizen(id),
            &rega_server::auth::token_hash(&token),
            THURSDAY_9AM,
        )
        .await
        .expect("a session");
    let booked = store
        .book(&BookRequest {
            citizen_id: id,
            slot_id: slot,
            service: ServiceKind::TheoryTest,
            now: THURSDAY_9AM,
            offers: Default::default(),
            limit: rega_server::domain::limits::ChangeLimit {
                max: u32::MAX,
                since: THURSDAY_9AM,
            },
        })
        .await
        .expect("booked");
    (
        format!("{}={token}", rega_server::auth::SESSION_COOKIE),
        booked.reference.to_string(),
    )
}

/// The appointments of the test's citizen `n`.
async fn appointments_of(demo: &DemoApp, n: usize) -> Vec<rega_server::store::Appointment> {
    let store = &demo.state.store;
    let citizen = store
        .citizen_by_national_id(&NationalId::parse(&format!("7{n:011}")).expect("an id"))
        .await
        .expect("store")
        .expect("the citizen");
    store.appointments_of(citizen.id).await.expect("store")
}

async fn a_change_whose_client_hung_up_answers_its_retry(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let slots = demo.slot_ids("erbil", "theory_test", "2026-12-01").await;
    assert!(slots.len() >= 2, "{db:?}: slots to move between");
    let places = |demo: &DemoApp| {
        let store = demo.state.store.clone();
        async move {
            store
                .slots_between("erbil", ServiceKind::TheoryTest, 0, i64::MAX)
                .await
                .expect("slots")
                .into_iter()
                .map(|s| (s.id, s.booked))
                .collect::<std::collections::HashMap<_, _>>()
        }
    };
    let before = places(&demo).await;
    let mut cases = Vec::new();
    for n in 0..CITIZENS {
        let from = slots[n % slots.len()];
        let (cookie, reference) = booked_citizen(&demo, n, from).await;
        cases.push((n, cookie, reference, slots[(n + 1) % slots.len()]));
    }
    let send = |cookie: &str, reference: &str, action: &str, body: &Value, key: &str| {
        demo.app
            .client
            .post(format!(
                "{}/api/v1/appointments/{reference}/{action}",
                demo.app.url
            ))
            .header("cookie", cookie)
            .header("idempotency-key", key)
            .json(body)
    };
    for (n, cookie, reference, to) in &cases {
        let (action, body) = if n % 2 == 0 {
            ("reschedule", json!({ "slot_id": to }))
        } else {
            ("cancel", json!({}))
        };
        let key = format!("hang-up-{n:04}");
        // Hang up after 0.1 to 4.7 ms: before, during or after the change.
        let hung_up = send(cookie, reference, action, &body, &key)
            .timeout(Duration::from_micros(100 + *n as u64 * 200))
            .send()
            .await;
        let retry = send(cookie, reference, action, &body, &key)
            .send()
            .await
            .expect("answered");
        let status = retry.status().as_u16();
        let text = retry.text().await.expect("a body");
        assert_eq!(
            status,
            200,
            "{db:?}: the retry of {action} #{n} (first try {}) answered {text}",
            if hung_up.is_ok() {
                "answered"
            } else {
                "hung up"
            }
        );
        let again = send(cookie, reference, action, &body, &key)
            .send()
            .await
            .expect("answered");
        assert_eq!(again.headers()["idempotent-replayed"], "true", "{db:?}");
    }
    // Each change happened once: the moved appointments are in their new slot, the cancelled
    // ones cancelled, and every slot's count is its booked appointments.
    for (n, _, reference, to) in &cases {
        let mine = appointments_of(&demo, *n).await;
        assert_eq!(mine.len(), 1, "{db:?}");
        assert_eq!(mine[0].reference.to_string(), *reference);
        if n % 2 == 0 {
            assert_eq!(
                (mine[0].status, mine[0].slot_id),
                (AppointmentStatus::Booked, *to),
                "{db:?}"
            );
        } else {
            assert_eq!(mine[0].status, AppointmentStatus::Cancelled, "{db:?}");
        }
    }
    let after = places(&demo).await;
    for slot in &slots {
        let moved_in = cases
            .iter()
            .filter(|(n, _, _, to)| n % 2 == 0 && to == slot)
            .count() as i64;
        assert_eq!(after[slot], before[slot] + moved_in, "{db:?}: slot {slot}");
    }
}
both!(a_change_whose_client_hung_up_answers_its_retry);

/// Forty copies of one reschedule sent at once with one key: one runs, the others answer its
/// answer (replayed) or `409 idempotency_in_progress` while it runs — never a 5xx, never a
/// second move — and the server stays ready meanwhile; every request leaves its audit record.
async fn forty_copies_of_one_change_at_once_make_one_change(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let slots = demo.slot_ids("erbil", "theory_test", "2026-12-01").await;
    let (cookie, reference) = booked_citizen(&demo, 900, slots[0]).await;
    let audited_before = demo
        .state
        .store
        .audit_records(10_000)
        .await
        .expect("audit")
        .len();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(40));
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let request = demo
                .app
                .client
                .post(format!(
                    "{}/api/v1/appointments/{reference}/reschedule",
                    demo.app.url
                ))
                .header("cookie", &cookie)
                .header("idempotency-key", "one-key-forty-times")
                .json(&json!({ "slot_id": slots[1] }));
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let r = request.send().await.expect("answered");
                (r.status().as_u16(), r.text().await.expect("a body"))
            })
        })
        .collect();
    let ready = demo.app.get("/readyz").await;
    assert_eq!(ready.status(), 200, "{db:?}: ready meanwhile");
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("ran"));
    }
    let moved: Vec<&String> = answers
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, b)| b)
        .collect();
    assert!(!moved.is_empty(), "{db:?}: {answers:?}");
    assert!(moved.iter().all(|b| *b == moved[0]), "{db:?}: one answer");
    assert!(
        answers
            .iter()
            .all(|(s, b)| *s == 200 || (*s == 409 && b.contains("idempotency_in_progress"))),
        "{db:?}: {answers:?}"
    );
    let mine = appointments_of(&demo, 900).await;
    assert_eq!((mine.len(), mine[0].slot_id), (1, slots[1]), "{db:?}");
    // The audit trail is written after the answer for replays: wait for it briefly.
    let mut audited = 0;
    for _ in 0..40 {
        audited = demo
            .state
            .store
            .audit_records(10_000)
            .await
            .expect("audit")
            .len()
            - audited_before;
        if audited >= 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(audited, 40, "{db:?}: one audit record per request");
}
both!(
    forty_copies_of_one_change_at_once_make_one_change,
    multi_thread
);
