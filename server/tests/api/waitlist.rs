//! The fair waitlist and the earlier place (issue 17): a place that frees up is held for the
//! first in line it matches, invisible to everyone else, told by SMS in the citizen's language,
//! and taken with an Idempotency-Key under the booking rules; declined or left to run out, it
//! goes to the next, and at the end back to everyone. No place is ever lost or given twice: with
//! many citizens waiting and places freeing at once, on SQLite and PostgreSQL, and with two
//! instances on one PostgreSQL database.

use std::sync::Arc;

use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;
use rega_server::AppState;
use rega_server::clock::Clock as _;
use rega_server::demo::practice_id;
use rega_server::store::{BookRequest, OfferTerms, Store};
use serde_json::{Value, json};

use crate::helpers::{
    Db, DemoApp, THURSDAY_9AM, expect_problem, fresh_postgres_database, json_of, postgres_store,
    postgres_url, spawn_configured, store,
};

/// Ranya has one counter for the medical check: one place per 15-minute slot.
const RANYA: &str = "ranya";
const MEDICAL: &str = "medical_check";
/// A Tuesday inside the booking window.
const TUESDAY: &str = "2026-12-01";
/// Its morning: 08:00 to 11:45, sixteen places.
const MORNING_PLACES: usize = 16;

/// The demo at Thursday 09:00, with sign-in codes enough for many citizens from one address.
async fn demo(db: Db) -> Option<DemoApp> {
    let data = tempfile::tempdir().expect("a temporary directory");
    let store = store(db, data.path()).await?;
    let keys = data.path().join("keys");
    Some(
        spawn_configured(store, data, THURSDAY_9AM, &keys, None, |state| {
            state.codes_per_address = 10_000;
        })
        .await,
    )
}

/// Tuesday's slots at Ranya: (id, places left), in time order.
async fn tuesday(demo: &DemoApp) -> Vec<(i64, i64)> {
    let answer = demo
        .app
        .get(&format!(
            "/api/v1/availability/slots?directorate={RANYA}&service={MEDICAL}&date={TUESDAY}"
        ))
        .await;
    let slots = json_of(answer, 200).await;
    slots["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .map(|s| {
            (
                s["slot_id"].as_i64().expect("an id"),
                s["places_left"].as_i64().expect("places"),
            )
        })
        .collect()
}

async fn citizen_id(store: &Arc<dyn Store>, national_id: &str) -> i64 {
    store
        .citizen_by_national_id(&NationalId::parse(national_id).expect("an id"))
        .await
        .expect("read")
        .expect("a demo citizen")
        .id
}

/// Books each of the first `n` slots for practice citizens `first..`, in the store (as if
/// booked earlier): their references, in slot order.
async fn fill(state: &AppState, slots: &[(i64, i64)], first: u32) -> Vec<String> {
    let mut references = Vec::new();
    for (i, (slot, _)) in slots.iter().enumerate() {
        let citizen = citizen_id(&state.store, &practice_id(first + i as u32)).await;
        let booked = state
            .store
            .book(&BookRequest {
                citizen_id: citizen,
                slot_id: *slot,
                service: ServiceKind::MedicalCheck,
                now: THURSDAY_9AM,
                offers: OfferTerms::default(),
                limit: rega_server::domain::limits::ChangeLimit { max: 4, since: 0 },
            })
            .await
            .expect("booked");
        references.push(booked.reference.to_string());
    }
    references
}

/// Joins the waitlist for Tuesday morning.
async fn join(demo: &DemoApp, cookie: &str) -> reqwest::Response {
    demo.post_with_cookie(
        "/api/v1/waitlist",
        json!({ "directorate": RANYA, "service": MEDICAL, "from": TUESDAY, "to": TUESDAY,
                "part": "morning" }),
        cookie,
    )
    .await
}

/// The citizen's entries.
async fn entries(demo: &DemoApp, cookie: &str) -> Vec<Value> {
    let list = json_of(demo.get_with_cookie("/api/v1/waitlist", cookie).await, 200).await;
    list["entries"].as_array().expect("entries").clone()
}

async fn accept(demo: &DemoApp, cookie: &str, id: i64, key: &str) -> reqwest::Response {
    demo.app
        .client
        .post(format!("{}/api/v1/waitlist/{id}/accept", demo.app.url))
        .header("cookie", cookie)
        .header("idempotency-key", key)
        .send()
        .await
        .expect("answered")
}

/// Every place of the slots is accounted for: taken by an active appointment or held by one
/// offer, never both and never lost.
async fn places_accounted(state: &AppState, citizens: &[i64]) {
    let from = rega_api::time::LocalDateTime {
        date: rega_api::time::Date::parse(TUESDAY).expect("a date"),
        hour: 0,
        minute: 0,
    }
    .to_unix();
    let slots = state
        .store
        .slots_between(RANYA, ServiceKind::MedicalCheck, from, from + 86_400)
        .await
        .expect("slots");
    let mut taken = std::collections::HashMap::<i64, i64>::new();
    for citizen in citizens {
        for a in state.store.appointments_of(*citizen).await.expect("read") {
            if a.status.is_active() {
                *taken.entry(a.slot_id).or_default() += 1;
            }
        }
        for e in state.store.waitlist_of(*citizen).await.expect("read") {
            if let (Some(slot), Some(_)) = (e.slot_id, e.offered_until) {
                *taken.entry(slot).or_default() += 1;
            }
        }
    }
    for slot in slots {
        assert_eq!(
            slot.booked,
            taken.get(&slot.id).copied().unwrap_or(0),
            "slot {} at {}: counted {} places, held or booked {:?}",
            slot.id,
            slot.starts_at,
            slot.booked,
            taken.get(&slot.id)
        );
        assert!(slot.booked <= slot.capacity);
    }
}

/// The holders cancel their bookings at one instant (a barrier), through the instances in turn:
/// each cancellation is answered 200.
async fn cancel_at_once(instances: &[Arc<DemoApp>], holders: &[String], references: &[String]) {
    let barrier = Arc::new(tokio::sync::Barrier::new(holders.len()));
    let cancels: Vec<_> = holders
        .iter()
        .zip(references)
        .enumerate()
        .map(|(i, (cookie, reference))| {
            let instance = instances[(i + 1) % instances.len()].clone();
            let (barrier, cookie, reference) = (barrier.clone(), cookie.clone(), reference.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let key = format!("waitlist-burst-{i:04}");
                instance
                    .change(&cookie, &key, &reference, "cancel", json!({}))
                    .await
                    .status()
            })
        })
        .collect();
    for cancel in cancels {
        assert_eq!(cancel.await.expect("ran"), 200);
    }
}

async fn a_freed_place_is_held_for_the_first_in_line_then_the_next_then_everyone(db: Db) {
    let Some(demo) = demo(db).await else { return };
    let slots = tuesday(&demo).await;
    let references = fill(&demo.state, &slots[..MORNING_PLACES], 1).await;
    let holder = demo.sign_in(&practice_id(1)).await;
    let (first, second, other) = (practice_id(21), practice_id(22), practice_id(23));
    let first_cookie = demo.sign_in_as(&first, Some("en")).await;
    let second_cookie = demo.sign_in_as(&second, Some("ar")).await;
    let other_cookie = demo.sign_in(&other).await;

    // Nothing free on Tuesday morning: both join the line and wait.
    let joined = json_of(join(&demo, &first_cookie).await, 201).await;
    assert_eq!(joined["part"], "morning");
    assert_eq!(joined["from"], TUESDAY);
    assert_eq!(joined["to"], TUESDAY);
    assert!(joined.get("offer").is_none(), "{joined}");
    json_of(join(&demo, &second_cookie).await, 201).await;
    expect_problem(join(&demo, &first_cookie).await, 409, "already_waiting").await;

    // The holder of 08:00 cancels: the place is held for the first in line, invisible to others.
    let cancelled = demo
        .change(
            &holder,
            "waitlist-cancel-1",
            &references[0],
            "cancel",
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(tuesday(&demo).await[0], (slots[0].0, 0), "held, not free");
    let taken = demo
        .book(
            &other_cookie,
            "waitlist-other-1",
            json!({ "slot_id": slots[0].0, "service": MEDICAL }),
        )
        .await;
    expect_problem(taken, 409, "slot_full").await;
    let offered = entries(&demo, &first_cookie).await;
    assert_eq!(offered[0]["offer"]["time"], "08:00", "{offered:?}");
    assert_eq!(offered[0]["offer"]["until_time"], "09:30");
    assert!(
        entries(&demo, &second_cookie).await[0]
            .get("offer")
            .is_none()
    );

    // Told by SMS, in English alone.
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("sent");
    assert_eq!(
        demo.outbox_texts(&first).await.remove(0),
        "Rega: a place you wait for is free: Medical check, Ranya Traffic Directorate, \
         Tuesday 1 December, 8:00 am. It is held for you until 9:30 am: take it in My \
         appointments."
    );

    // Declined: it goes to the second, told in Arabic.
    let first_id = offered[0]["id"].as_i64().expect("an id");
    let declined = demo
        .post_with_cookie(
            &format!("/api/v1/waitlist/{first_id}/decline"),
            json!({}),
            &first_cookie,
        )
        .await;
    assert_eq!(declined.status(), 204);
    assert!(entries(&demo, &first_cookie).await.is_empty());
    let second_entry = entries(&demo, &second_cookie).await.remove(0);
    assert_eq!(second_entry["offer"]["time"], "08:00");
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("sent");
    let arabic = demo.outbox_texts(&second).await.remove(0);
    assert_eq!(
        arabic,
        "ريگا: موعد محجوز لك حتى ٩:٣٠\u{a0}ص: الفحص الطبي، مديرية مرور رانية، الثلاثاء ١ كانون الأول، ٨:٠٠\u{a0}ص. اقبله من «مواعيدي»."
    );

    // Left to run out: nobody else waits, so the place is everyone's again.
    demo.clock.advance(30 * 60);
    let expired = demo
        .state
        .store
        .expire_offers(demo.clock.now(), OfferTerms::default())
        .await
        .expect("expired");
    assert_eq!(expired, 1);
    assert!(entries(&demo, &second_cookie).await.is_empty());
    demo.state.caches.availability.clear();
    assert_eq!(tuesday(&demo).await[0], (slots[0].0, 1), "free again");

    // Joining while a place is free: it is held at once; taken with a key, once.
    let joined = json_of(join(&demo, &first_cookie).await, 201).await;
    assert_eq!(joined["offer"]["time"], "08:00", "{joined}");
    let id = joined["id"].as_i64().expect("an id");
    let booked = json_of(
        accept(&demo, &first_cookie, id, "waitlist-accept-1").await,
        201,
    )
    .await;
    assert_eq!(booked["time"], "08:00");
    assert_eq!(booked["status"], "booked");
    let again = accept(&demo, &first_cookie, id, "waitlist-accept-1").await;
    assert_eq!(again.status(), 201, "the same key answers the same");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(json_of(again, 201).await["reference"], booked["reference"]);
    expect_problem(
        accept(&demo, &first_cookie, id, "waitlist-accept-2").await,
        409,
        "offer_gone",
    )
    .await;
    assert_eq!(tuesday(&demo).await[0], (slots[0].0, 0));
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("sent");
    assert!(
        demo.outbox_texts(&first)
            .await
            .remove(0)
            .starts_with("Rega: booked: Medical check, Ranya Traffic Directorate")
    );
    let mut citizens = Vec::new();
    for n in 1..=23 {
        citizens.push(citizen_id(&demo.state.store, &practice_id(n)).await);
    }
    places_accounted(&demo.state, &citizens).await;

    // The trail has each step.
    let trail: Vec<String> = demo
        .state
        .store
        .audit_records(200)
        .await
        .expect("the trail")
        .into_iter()
        .map(|r| format!("{} {}", r.action, r.result))
        .collect();
    for line in [
        "waitlist.joined ok",
        "waitlist.joined already_waiting",
        "waitlist.declined ok",
        "waitlist.accepted ok",
        "sms.offer ok",
    ] {
        assert!(trail.iter().any(|l| l == line), "{line}: {trail:?}");
    }
}
both!(a_freed_place_is_held_for_the_first_in_line_then_the_next_then_everyone);

async fn joining_is_refused_clearly_and_changes_nothing(db: Db) {
    let Some(demo) = demo(db).await else { return };
    let cookie = demo.sign_in(&practice_id(24)).await;
    let ask = |body: Value| demo.post_with_cookie("/api/v1/waitlist", body, &cookie);
    let body = |from: &str, to: &str| json!({ "directorate": RANYA, "service": MEDICAL, "from": from, "to": to, "part": "any" });
    expect_problem(
        ask(body("2026-12-03", "2026-12-02")).await,
        422,
        "invalid_day_range",
    )
    .await;
    expect_problem(
        ask(body("2026-11-26", "2026-12-02")).await,
        422,
        "outside_booking_window",
    )
    .await;
    expect_problem(
        ask(body("2026-12-01", "2027-02-01")).await,
        422,
        "outside_booking_window",
    )
    .await;
    let unknown = json!({ "directorate": "atlantis", "service": MEDICAL, "from": TUESDAY,
                          "to": TUESDAY, "part": "any" });
    expect_problem(ask(unknown).await, 404, "unknown_directorate").await;
    let bad_part = json!({ "directorate": RANYA, "service": MEDICAL, "from": TUESDAY,
                           "to": TUESDAY, "part": "evening" });
    assert_eq!(ask(bad_part).await.status(), 400);
    // Not eligible for a renewal (no licence to renew): no waiting for one either.
    let renewal = json!({ "directorate": RANYA, "service": "renewal", "from": TUESDAY,
                          "to": TUESDAY, "part": "any" });
    expect_problem(ask(renewal).await, 403, "not_eligible_no_licence").await;
    assert!(entries(&demo, &cookie).await.is_empty(), "nothing joined");
    // Another citizen's entry is not theirs to leave or take.
    let joined = json_of(ask(body(TUESDAY, TUESDAY)).await, 201).await;
    let id = joined["id"].as_i64().expect("an id");
    let stranger = demo.sign_in(&practice_id(25)).await;
    let left = demo
        .post_with_cookie(
            &format!("/api/v1/waitlist/{id}/leave"),
            json!({}),
            &stranger,
        )
        .await;
    expect_problem(left, 404, "not_found").await;
    expect_problem(
        accept(&demo, &stranger, id, "waitlist-stranger-1").await,
        409,
        "offer_gone",
    )
    .await;
    let left = demo
        .post_with_cookie(&format!("/api/v1/waitlist/{id}/leave"), json!({}), &cookie)
        .await;
    assert_eq!(left.status(), 204);
    assert!(entries(&demo, &cookie).await.is_empty());
}
both!(joining_is_refused_clearly_and_changes_nothing);

async fn an_earlier_place_moves_the_booking_and_frees_the_old_one(db: Db) {
    let Some(demo) = demo(db).await else { return };
    let slots = tuesday(&demo).await;
    let national_id = practice_id(26);
    let cookie = demo.sign_in(&national_id).await;
    // Booked at Tuesday 13:00.
    let late = slots[20].0;
    let reference = demo.book_slot(&cookie, MEDICAL, late).await;
    // The earliest place before it is free: Sunday 08:00 (Friday and Saturday are the weekend).
    let joined = demo
        .post_with_cookie(
            &format!("/api/v1/appointments/{reference}/earlier"),
            json!({ "part": "any" }),
            &cookie,
        )
        .await;
    let joined = json_of(joined, 201).await;
    assert_eq!(joined["reference"], reference.as_str());
    let offer = joined["offer"].clone();
    assert_eq!(offer["date"], "2026-11-29", "{joined}");
    assert_eq!(offer["time"], "08:00");
    let id = joined["id"].as_i64().expect("an id");
    let moved = json_of(accept(&demo, &cookie, id, "waitlist-earlier-1").await, 200).await;
    assert_eq!(moved["reference"], reference.as_str(), "the same booking");
    assert_eq!(moved["starts_at"], offer["starts_at"]);
    assert!(moved["starts_at"].as_str() < Some("2026-12-01T13:00"));
    // The old place is everyone's again.
    demo.state.caches.availability.clear();
    assert_eq!(tuesday(&demo).await[20], (late, 1));
    let list = json_of(
        demo.get_with_cookie("/api/v1/appointments", &cookie).await,
        200,
    )
    .await;
    assert_eq!(
        list["upcoming"].as_array().map(Vec::len),
        Some(1),
        "one booking"
    );
    rega_server::sender::deliver_due(&demo.state)
        .await
        .expect("sent");
    assert!(
        demo.outbox_texts(&national_id).await[0].starts_with("ڕێگا: نۆرەکەت گۆڕا بۆ"),
        "told of the move"
    );
    // A booking past its cut-off cannot wait for an earlier place.
    demo.clock.set(THURSDAY_9AM + 5 * 86_400);
    let cookie = demo.sign_in(&national_id).await;
    let late = demo
        .post_with_cookie(
            &format!("/api/v1/appointments/{reference}/earlier"),
            json!({ "part": "any" }),
            &cookie,
        )
        .await;
    assert_eq!(late.status(), 409);
}
both!(an_earlier_place_moves_the_booking_and_frees_the_old_one);

/// Sixteen holders, twelve citizens in line (joined in turn): eight holders cancel at one
/// instant. Each freed place goes to exactly one of the first eight in line, nobody else can
/// book it, and every place is accounted for; then offers are declined, accepted and left to
/// run out at one instant, and still nothing is lost or given twice.
async fn many_waiting_and_places_freeing_at_once_lose_nothing(db: Db) {
    let Some(demo) = demo(db).await else { return };
    let demo = Arc::new(demo);
    let slots = tuesday(&demo).await;
    let references = fill(&demo.state, &slots[..MORNING_PLACES], 1).await;
    let mut holders = Vec::new();
    for n in 1..=8 {
        holders.push(demo.sign_in(&practice_id(n)).await);
    }
    let mut waiting = Vec::new();
    for n in 21..=32 {
        let cookie = demo.sign_in(&practice_id(n)).await;
        json_of(join(&demo, &cookie).await, 201).await;
        waiting.push(cookie);
    }
    let instances = [demo.clone()];
    cancel_at_once(&instances, &holders, &references[..8]).await;
    let mut offered = Vec::new();
    for (i, cookie) in waiting.iter().enumerate() {
        let entry = entries(&demo, cookie).await.remove(0);
        if entry.get("offer").is_some() {
            offered.push(i);
        }
    }
    assert_eq!(
        offered,
        (0..8).collect::<Vec<_>>(),
        "the first eight in line, in turn"
    );
    demo.state.caches.availability.clear();
    assert!(
        tuesday(&demo).await[..MORNING_PLACES]
            .iter()
            .all(|(_, left)| *left == 0),
        "no freed place is visible"
    );
    let mut citizens = Vec::new();
    for n in (1..=16).chain(21..=32) {
        citizens.push(citizen_id(&demo.state.store, &practice_id(n)).await);
    }
    places_accounted(&demo.state, &citizens).await;

    // At one instant: the first four decline, the next four accept, and the clock has run past
    // their holds for the expiry job on top.
    let barrier = Arc::new(tokio::sync::Barrier::new(9));
    let mut runs = Vec::new();
    for (i, cookie) in waiting.iter().take(8).enumerate() {
        let (demo, barrier, cookie) = (demo.clone(), barrier.clone(), cookie.clone());
        runs.push(tokio::spawn(async move {
            let id = entries(&demo, &cookie).await[0]["id"]
                .as_i64()
                .expect("an id");
            barrier.wait().await;
            if i < 4 {
                demo.post_with_cookie(
                    &format!("/api/v1/waitlist/{id}/decline"),
                    json!({}),
                    &cookie,
                )
                .await
                .status()
                .as_u16()
            } else {
                accept(&demo, &cookie, id, &format!("waitlist-take-{i:04}"))
                    .await
                    .status()
                    .as_u16()
            }
        }));
    }
    let expiry = {
        let (demo, barrier) = (demo.clone(), barrier.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            demo.state
                .store
                .expire_offers(demo.clock.now(), OfferTerms::default())
                .await
                .expect("runs")
        })
    };
    let mut answers = Vec::new();
    for run in runs {
        answers.push(run.await.expect("ran"));
    }
    assert_eq!(expiry.await.expect("ran"), 0, "no hold has run out yet");
    assert_eq!(
        answers,
        [204, 204, 204, 204, 201, 201, 201, 201],
        "{answers:?}"
    );
    // The four declined places went to the next four in line.
    for cookie in &waiting[8..] {
        assert!(entries(&demo, cookie).await[0].get("offer").is_some());
    }
    places_accounted(&demo.state, &citizens).await;
    // Their holds run out: nobody is left in line, the places are everyone's.
    demo.clock.advance(31 * 60);
    let lapsed = demo
        .state
        .store
        .expire_offers(demo.clock.now(), OfferTerms::default())
        .await
        .expect("runs");
    assert_eq!(lapsed, 4);
    places_accounted(&demo.state, &citizens).await;
    demo.state.caches.availability.clear();
    let free: i64 = tuesday(&demo).await[..MORNING_PLACES]
        .iter()
        .map(|(_, left)| left)
        .sum();
    assert_eq!(free, 4);
}
both!(
    many_waiting_and_places_freeing_at_once_lose_nothing,
    multi_thread
);

/// Two instances on one PostgreSQL database: cancellations through both at once, then both
/// instances' expiry jobs and free-place offers at one instant. Each place is offered once and
/// accounted for.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_hold_and_give_on_each_place_once() {
    let Some(server) = postgres_url() else { return };
    let url = fresh_postgres_database(&server).await;
    let mut instances = Vec::new();
    for _ in 0..2 {
        let data = tempfile::tempdir().expect("a temporary directory");
        let keys = data.path().join("keys");
        let store = postgres_store(&url).await;
        instances.push(Arc::new(
            spawn_configured(store, data, THURSDAY_9AM, &keys, None, |state| {
                state.codes_per_address = 10_000;
            })
            .await,
        ));
    }
    let (one, two) = (instances[0].clone(), instances[1].clone());
    let slots = tuesday(&one).await;
    let references = fill(&one.state, &slots[..MORNING_PLACES], 1).await;
    let mut waiting = Vec::new();
    for n in 21..=30 {
        let instance = &instances[n as usize % 2];
        let cookie = instance.sign_in(&practice_id(n)).await;
        json_of(join(instance, &cookie).await, 201).await;
        waiting.push(cookie);
    }
    let mut holders = Vec::new();
    for n in 1..=10 {
        holders.push(instances[n as usize % 2].sign_in(&practice_id(n)).await);
    }
    cancel_at_once(&instances, &holders, &references[..10]).await;
    let mut citizens = Vec::new();
    for n in (1..=16).chain(21..=30) {
        citizens.push(citizen_id(&one.state.store, &practice_id(n)).await);
    }
    places_accounted(&one.state, &citizens).await;
    // Every one of the ten in line holds one place.
    for cookie in &waiting {
        assert!(entries(&one, cookie).await[0].get("offer").is_some());
    }
    // All holds run out; both instances' jobs run at one instant, twice each.
    one.clock.advance(31 * 60);
    two.clock.advance(31 * 60);
    let barrier = Arc::new(tokio::sync::Barrier::new(4));
    let jobs: Vec<_> = [one.clone(), two.clone(), one.clone(), two.clone()]
        .into_iter()
        .map(|instance| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let now = instance.clock.now();
                let lapsed = instance
                    .state
                    .store
                    .expire_offers(now, OfferTerms::default())
                    .await
                    .expect("runs");
                let offered = instance
                    .state
                    .store
                    .offer_free_places(now, OfferTerms::default())
                    .await
                    .expect("runs");
                (lapsed, offered)
            })
        })
        .collect();
    let mut lapsed = 0;
    for job in jobs {
        let (l, o) = job.await.expect("ran");
        lapsed += l;
        assert_eq!(o, 0, "nobody is left in line");
    }
    assert_eq!(lapsed, 10, "each hold ended once");
    places_accounted(&one.state, &citizens).await;
    one.state.caches.availability.clear();
    let free: i64 = tuesday(&one).await[..MORNING_PLACES]
        .iter()
        .map(|(_, left)| left)
        .sum();
    assert_eq!(free, 10);
}

/// A supervisor's closure takes back the places held in its period (the entries keep their
/// turn, nothing is lost); lifted, the keeper offers them again to the first in line.
async fn a_closure_takes_back_held_places_and_its_lifting_offers_them_again(db: Db) {
    let Some(demo) = demo(db).await else { return };
    let slots = tuesday(&demo).await;
    let references = fill(&demo.state, &slots[..MORNING_PLACES], 1).await;
    let holder = demo.sign_in(&practice_id(1)).await;
    let waiting = demo.sign_in(&practice_id(21)).await;
    json_of(join(&demo, &waiting).await, 201).await;
    let cancelled = demo
        .change(
            &holder,
            "waitlist-closure-1",
            &references[0],
            "cancel",
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(entries(&demo, &waiting).await[0]["offer"]["time"], "08:00");
    let mut citizens = Vec::new();
    for n in (1..=16).chain([21]) {
        citizens.push(citizen_id(&demo.state.store, &practice_id(n)).await);
    }
    let closure = demo.close_hours(RANYA, TUESDAY, 8, 1).await;
    let back = entries(&demo, &waiting).await;
    assert!(back[0].get("offer").is_none(), "waiting again: {back:?}");
    places_accounted(&demo.state, &citizens).await;
    // Nothing in a closed period is offered.
    assert_eq!(
        demo.state
            .store
            .offer_free_places(demo.clock.now(), OfferTerms::default())
            .await
            .expect("runs"),
        0
    );
    assert!(
        demo.state
            .store
            .lift_closure(RANYA, closure, supervisor(&demo).await, demo.clock.now())
            .await
            .expect("lifted")
    );
    let (lapsed, offered) = rega_server::jobs::keep_waitlist(&demo.state)
        .await
        .expect("kept");
    assert_eq!((lapsed, offered), (0, 1));
    assert_eq!(entries(&demo, &waiting).await[0]["offer"]["time"], "08:00");
    places_accounted(&demo.state, &citizens).await;
}
both!(a_closure_takes_back_held_places_and_its_lifting_offers_them_again);

/// The demo supervisor's id.
async fn supervisor(demo: &DemoApp) -> i64 {
    demo.state
        .store
        .staff_by_username("erbil-supervisor")
        .await
        .expect("read")
        .expect("the demo supervisor")
        .id
}
