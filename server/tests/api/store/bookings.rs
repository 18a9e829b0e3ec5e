//! Slots and bookings: capacity under contention, one active appointment per service,
//! reschedule, cancel, the change limit, and bookings under an Idempotency-Key.

use rega_api::service::ServiceKind;
use rega_server::store::{AppointmentStatus, BookError, BookingChange};

use super::*;
use crate::helpers::{Db, store};
async fn five_hundred_attempts_on_five_places_book_exactly_five(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let slot = directorate(&store, 5, &[NOW + 3 * DAY]).await[0];
    let mut citizens = Vec::new();
    for n in 0..500 {
        citizens.push(citizen(&store, n).await);
    }
    let attempts: Vec<_> = citizens
        .into_iter()
        .map(|c| {
            let store = store.clone();
            tokio::spawn(async move { store.book(&request(c, slot)).await })
        })
        .collect();
    let (mut booked, mut full) = (0, 0);
    for attempt in attempts {
        match attempt.await.expect("the task ran") {
            Ok(a) => {
                assert_eq!(a.status, AppointmentStatus::Booked);
                booked += 1;
            }
            Err(BookError::SlotFull) => full += 1,
            Err(other) => panic!("{db:?}: an attempt failed otherwise: {other:?}"),
        }
    }
    assert_eq!((booked, full), (5, 495), "{db:?}");
    assert_eq!(booked_places(&store, slot).await, 5, "{db:?}");
}

both!(
    five_hundred_attempts_on_five_places_book_exactly_five,
    multi_thread
);

async fn one_citizen_firing_fifty_bookings_gets_exactly_one(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let starts: Vec<i64> = (0..50).map(|i| NOW + 3 * DAY + i * 1800).collect();
    let slots = directorate(&store, 3, &starts).await;
    let me = citizen(&store, 1).await;
    let attempts: Vec<_> = slots
        .into_iter()
        .map(|slot| {
            let store = store.clone();
            tokio::spawn(async move { store.book(&request(me, slot)).await })
        })
        .collect();
    let mut booked = 0;
    for attempt in attempts {
        match attempt.await.expect("the task ran") {
            Ok(_) => booked += 1,
            Err(BookError::AlreadyBooked) => {}
            Err(other) => panic!("{db:?}: {other:?}"),
        }
    }
    assert_eq!(booked, 1, "{db:?}");
    assert_eq!(store.appointments_of(me).await.expect("list").len(), 1);
    let taken: i64 = store
        .slots_between("erbil", ServiceKind::TheoryTest, 0, i64::MAX)
        .await
        .expect("slots")
        .iter()
        .map(|s| s.booked)
        .sum();
    assert_eq!(taken, 1, "{db:?}: refused attempts released their places");
}

both!(
    one_citizen_firing_fifty_bookings_gets_exactly_one,
    multi_thread
);

async fn a_reschedule_racing_a_booking_for_the_last_place_never_gives_it_twice(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let rounds = 20;
    let starts: Vec<i64> = (0..2 * rounds).map(|i| NOW + 3 * DAY + i * 1800).collect();
    let slots = directorate(&store, 1, &starts).await;
    for round in 0..rounds as usize {
        let (old, new) = (slots[2 * round], slots[2 * round + 1]);
        let (mover, booker) = (
            citizen(&store, 1000 + 2 * round as u32).await,
            citizen(&store, 1001 + 2 * round as u32).await,
        );
        let mine = store
            .book(&request(mover, old))
            .await
            .expect("the mover's booking");
        let (s1, s2) = (store.clone(), store.clone());
        let reference = mine.reference.clone();
        let moving = tokio::spawn(async move {
            s1.reschedule(mover, &reference, new, &request(mover, new))
                .await
        });
        let booking = tokio::spawn(async move { s2.book(&request(booker, new)).await });
        let (moved, booked) = (moving.await.expect("ran"), booking.await.expect("ran"));
        match (&moved, &booked) {
            (Ok(m), Err(BookError::SlotFull)) => {
                assert_eq!(m.slot_id, new);
                assert_eq!(
                    booked_places(&store, old).await,
                    0,
                    "{db:?}: the old place was released"
                );
            }
            (Err(BookError::SlotFull), Ok(_)) => {
                let kept = store.appointments_of(mover).await.expect("list");
                assert_eq!(
                    kept[0].slot_id, old,
                    "{db:?}: the mover keeps the old place"
                );
                assert_eq!(booked_places(&store, old).await, 1, "{db:?}");
            }
            other => panic!("{db:?}: the last place went twice or neither: {other:?}"),
        }
        assert_eq!(booked_places(&store, new).await, 1, "{db:?}");
    }
}

both!(
    a_reschedule_racing_a_booking_for_the_last_place_never_gives_it_twice,
    multi_thread
);

async fn cancelling_releases_the_place_once_and_only_for_its_owner(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let slot = directorate(&store, 2, &[NOW + 3 * DAY]).await[0];
    let (owner, stranger) = (citizen(&store, 1).await, citizen(&store, 2).await);
    let mine = store.book(&request(owner, slot)).await.expect("booked");
    assert_eq!(booked_places(&store, slot).await, 1);
    assert!(
        matches!(
            store.cancel(stranger, &mine.reference, NOW).await,
            Err(BookError::NotFound)
        ),
        "{db:?}"
    );
    assert_eq!(
        booked_places(&store, slot).await,
        1,
        "{db:?}: a stranger changes nothing"
    );
    let cancelled = store
        .cancel(owner, &mine.reference, NOW)
        .await
        .expect("cancelled");
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    assert_eq!(booked_places(&store, slot).await, 0);
    assert!(
        matches!(
            store.cancel(owner, &mine.reference, NOW).await,
            Err(BookError::NotChangeable)
        ),
        "{db:?}"
    );
    assert_eq!(
        booked_places(&store, slot).await,
        0,
        "{db:?}: a second cancel releases nothing"
    );
    // The service is free to book again.
    store
        .book(&request(owner, slot))
        .await
        .expect("booked again");
}

both!(cancelling_releases_the_place_once_and_only_for_its_owner);

async fn the_fifth_change_in_thirty_days_is_refused_and_changes_nothing(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let starts: Vec<i64> = (0..6).map(|i| NOW + 3 * DAY + i * 1800).collect();
    let slots = directorate(&store, 2, &starts).await;
    let me = citizen(&store, 1).await;
    let mine = store.book(&request(me, slots[0])).await.expect("booked"); // change 1
    for (i, slot) in slots[1..4].iter().enumerate() {
        store
            .reschedule(me, &mine.reference, *slot, &request(me, *slot))
            .await
            .unwrap_or_else(|e| panic!("{i}: {e:?}"));
    } // changes 2-4
    let refused = store
        .reschedule(me, &mine.reference, slots[4], &request(me, slots[4]))
        .await;
    assert!(
        matches!(refused, Err(BookError::TooManyChanges)),
        "{db:?}: {refused:?}"
    );
    assert_eq!(
        store.appointments_of(me).await.expect("list")[0].slot_id,
        slots[3],
        "{db:?}: still in its place"
    );
    assert_eq!(booked_places(&store, slots[4]).await, 0, "{db:?}");
    assert_eq!(booked_places(&store, slots[3]).await, 1, "{db:?}");
}

both!(the_fifth_change_in_thirty_days_is_refused_and_changes_nothing);

/// A booking under an Idempotency-Key is one transaction: the key, the booking, its answer and
/// the audit record together; a refusal is stored with the key and books nothing; the same key
/// again books nothing and says what it saw, with one key owned per citizen.
async fn a_booking_under_a_key_is_one_transaction(db: Db) {
    use rega_server::store::{IdempotencyOwner, IdempotencyState, OnceOutcome};
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let slots = directorate(&store, 1, &[NOW + 3 * DAY, NOW + 4 * DAY]).await;
    let (first, second) = (citizen(&store, 1).await, citizen(&store, 2).await);
    let audits = || async {
        store
            .audit_records(100)
            .await
            .expect("audit")
            .into_iter()
            .map(|r| (r.actor, r.result))
            .collect::<Vec<_>>()
    };

    // Booked: the answer is stored with the key, the audit record written.
    let booked = store
        .change_once(
            &BookingChange::Book(request(first, slots[0])),
            &once_write(first, "key-one-0001", "hash-a"),
            respond(),
        )
        .await
        .expect("store");
    let OnceOutcome::Answered { status: 201, body } = booked.clone() else {
        panic!("{db:?}: {booked:?}");
    };
    assert_eq!(booked_places(&store, slots[0]).await, 1);
    assert_eq!(
        store
            .idempotency_seen(IdempotencyOwner::Citizen(first), "key-one-0001", "hash-a")
            .await
            .expect("store"),
        Some(IdempotencyState::Done {
            status: 201,
            body: body.clone()
        })
    );
    assert_eq!(
        audits().await,
        vec![(format!("citizen:{first}"), "ok".to_owned())]
    );

    // The same key again books nothing; with another request under it, a mismatch.
    for (hash, seen) in [
        ("hash-a", IdempotencyState::Done { status: 201, body }),
        ("hash-b", IdempotencyState::Mismatch),
    ] {
        let again = store
            .change_once(
                &BookingChange::Book(request(first, slots[1])),
                &once_write(first, "key-one-0001", hash),
                respond(),
            )
            .await
            .expect("store");
        assert_eq!(again, OnceOutcome::Seen(seen), "{db:?}");
    }
    assert_eq!(booked_places(&store, slots[1]).await, 0);

    // Refused (the only place is taken): the refusal is stored and audited, nothing is booked,
    // and the same key string is the second citizen's own.
    let refused = store
        .change_once(
            &BookingChange::Book(request(second, slots[0])),
            &once_write(second, "key-one-0001", "hash-a"),
            respond(),
        )
        .await
        .expect("store");
    assert_eq!(
        refused,
        OnceOutcome::Answered {
            status: 409,
            body: "SlotFull".into()
        },
        "{db:?}"
    );
    assert_eq!(booked_places(&store, slots[0]).await, 1);
    assert!(
        store
            .appointments_of(second)
            .await
            .expect("store")
            .is_empty()
    );
    assert_eq!(
        audits().await[0],
        (format!("citizen:{second}"), "409".to_owned())
    );
    // A refusal undoes only the booking: the second citizen books the other slot under a new key.
    let other = store
        .change_once(
            &BookingChange::Book(request(second, slots[1])),
            &once_write(second, "key-two-0001", "hash-c"),
            respond(),
        )
        .await
        .expect("store");
    assert!(
        matches!(other, OnceOutcome::Answered { status: 201, .. }),
        "{db:?}: {other:?}"
    );
    assert_eq!(booked_places(&store, slots[1]).await, 1);
}

both!(a_booking_under_a_key_is_one_transaction);

/// Many bookings under keys at once (SQLite commits those waiting together): every one is
/// answered, its key and audit record stored, no place given twice; the same key sent twenty
/// times at once books once.
async fn bookings_under_keys_at_once_are_each_answered_once(db: Db) {
    use rega_server::store::OnceOutcome;
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let slot = directorate(&store, 50, &[NOW + 3 * DAY]).await[0];
    let mut citizens = Vec::new();
    for n in 0..200 {
        citizens.push(citizen(&store, n).await);
    }
    let attempt = |citizen: i64, key: String| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .change_once(
                    &BookingChange::Book(request(citizen, slot)),
                    &once_write(citizen, &key, "same-request"),
                    respond(),
                )
                .await
                .expect("answered")
        })
    };
    let tasks: Vec<_> = citizens
        .iter()
        .map(|c| attempt(*c, format!("key-{c:08}")))
        .collect();
    let (mut booked, mut full) = (0, 0);
    for task in tasks {
        match task.await.expect("a task") {
            OnceOutcome::Answered { status: 201, .. } => booked += 1,
            OnceOutcome::Answered { status: 409, body } if body == "SlotFull" => full += 1,
            other => panic!("{db:?}: {other:?}"),
        }
    }
    assert_eq!((booked, full), (50, 150), "{db:?}");
    assert_eq!(booked_places(&store, slot).await, 50);
    assert_eq!(store.audit_records(1000).await.expect("audit").len(), 200);

    // A citizen's double, triple … twentyfold tap with one key: one answer, replayed to every
    // other tap (also to one that lands in the same group commit). Ten citizens, at once.
    let late = directorate(&store, 50, &[NOW + 4 * DAY]).await[1];
    let mut tappers = Vec::new();
    for n in 0..10 {
        tappers.push(citizen(&store, 900 + n).await);
    }
    let taps: Vec<_> = (0..20)
        .flat_map(|_| tappers.clone())
        .map(|again| {
            let store = store.clone();
            tokio::spawn(async move {
                let outcome = store
                    .change_once(
                        &BookingChange::Book(request(again, late)),
                        &once_write(again, "the-one-key", "same-request"),
                        respond(),
                    )
                    .await
                    .expect("answered");
                (again, outcome)
            })
        })
        .collect();
    let mut fresh: std::collections::HashMap<i64, Vec<(u16, String)>> = Default::default();
    let mut replays = Vec::new();
    for tap in taps {
        match tap.await.expect("a task") {
            (who, OnceOutcome::Answered { status, body }) => {
                fresh.entry(who).or_default().push((status, body))
            }
            (
                who,
                OnceOutcome::Seen(rega_server::store::IdempotencyState::Done { status, body }),
            ) => replays.push((who, (status, body))),
            (_, OnceOutcome::Seen(other)) => panic!("{db:?}: {other:?}"),
        }
    }
    for who in &tappers {
        let first = &fresh[who];
        assert_eq!(first.len(), 1, "{db:?}");
        assert_eq!(first[0].0, 201);
        assert!(
            replays
                .iter()
                .filter(|(w, _)| w == who)
                .all(|(_, r)| *r == first[0]),
            "{db:?}"
        );
        assert_eq!(store.appointments_of(*who).await.expect("store").len(), 1);
    }
}

both!(
    bookings_under_keys_at_once_are_each_answered_once,
    multi_thread
);

/// A booking's key and audit record for `change_once`.
fn once_write<'a>(citizen: i64, key: &'a str, hash: &'a str) -> rega_server::store::OnceWrite<'a> {
    rega_server::store::OnceWrite {
        owner: rega_server::store::IdempotencyOwner::Citizen(citizen),
        key,
        request_hash: hash,
        audit: rega_server::store::AuditRecord {
            at: NOW,
            actor: format!("citizen:{citizen}"),
            action: "booking.created".into(),
            object: "appointment:new".into(),
            result: String::new(),
        },
    }
}

/// The answer these tests store: 201 and the reference, or 409 and the refusal's name.
fn respond() -> rega_server::store::Respond {
    Box::new(|outcome| match outcome {
        Ok(a) => (201, a.reference.to_string()),
        Err(e) => (409, format!("{e:?}")),
    })
}

async fn slots_are_created_once_and_read_by_id_and_period(db: Db) {
    let Some((store, _data)) = super::fresh(db).await else {
        return;
    };
    super::named_directorate(&store, "erbil", &[(ServiceKind::Renewal, 4)]).await;
    let starts = [NOW + DAY, NOW + DAY + 900, NOW + 2 * DAY];
    assert_eq!(
        store
            .ensure_slots("erbil", ServiceKind::Renewal, &starts)
            .await
            .expect("created"),
        3
    );
    assert_eq!(
        store
            .ensure_slots("erbil", ServiceKind::Renewal, &starts)
            .await
            .expect("created"),
        0,
        "{db:?}: existing slots are left as they are"
    );
    assert_eq!(
        store
            .ensure_slots("erbil", ServiceKind::TheoryTest, &starts)
            .await
            .expect("created"),
        0,
        "{db:?}: no counters for the service, no slots"
    );
    let day = store
        .slots_between("erbil", ServiceKind::Renewal, NOW + DAY, NOW + 2 * DAY)
        .await
        .expect("slots");
    let times: Vec<i64> = day.iter().map(|s| s.starts_at).collect();
    assert_eq!(
        times,
        [NOW + DAY, NOW + DAY + 900],
        "{db:?}: [from, to), in time order"
    );
    let slot = store.slot(day[1].id).await.expect("read").expect("found");
    assert_eq!(slot, day[1]);
    assert_eq!(
        (slot.capacity, slot.booked, slot.service),
        (4, 0, ServiceKind::Renewal)
    );
    assert_eq!(slot.directorate_id, "erbil");
    assert!(store.slot(day[1].id + 1000).await.expect("read").is_none());
}
both!(slots_are_created_once_and_read_by_id_and_period);

async fn a_citizens_appointments_list_the_latest_slot_first(db: Db) {
    let Some((store, _data)) = super::fresh(db).await else {
        return;
    };
    let service = ServiceKind::Renewal;
    super::named_directorate(
        &store,
        "erbil",
        &[(service, 4), (ServiceKind::TheoryTest, 4)],
    )
    .await;
    let early = super::slot_at(&store, "erbil", ServiceKind::TheoryTest, NOW + DAY).await;
    let late = super::slot_at(&store, "erbil", service, NOW + 5 * DAY).await;
    let me = citizen(&store, 1).await;
    let other = citizen(&store, 2).await;
    let a = super::booked(&store, me, early, ServiceKind::TheoryTest).await;
    let b = super::booked(&store, me, late, service).await;
    super::booked(&store, other, late, service).await;
    let mine = store.appointments_of(me).await.expect("listed");
    let references: Vec<_> = mine.iter().map(|x| x.reference.clone()).collect();
    assert_eq!(references, [b.reference.clone(), a.reference], "{db:?}");
    assert_eq!(mine[0], b, "{db:?}: the list says what the booking said");
    assert_eq!(
        (mine[0].starts_at, mine[0].created_at, mine[0].closed_at),
        (NOW + 5 * DAY, NOW, None)
    );
    assert!(
        store
            .appointments_of(other + 1000)
            .await
            .expect("listed")
            .is_empty()
    );
}
both!(a_citizens_appointments_list_the_latest_slot_first);

async fn an_active_appointment_of_a_day_that_is_over_lapses_and_frees_the_service(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    // Today 13:00 (NOW is a Saturday noon in Erbil), and two later days.
    let slots = directorate(&store, 2, &[NOW + 3600, NOW + 3 * DAY, NOW + 4 * DAY]).await;
    let (absent, came) = (citizen(&store, 1).await, citizen(&store, 2).await);
    let missed = booked(&store, absent, slots[0], ServiceKind::TheoryTest).await;
    let served = booked(&store, came, slots[0], ServiceKind::TheoryTest).await;
    store
        .check_in(
            "erbil",
            &served.reference,
            NOW + 3600,
            &Default::default(),
            &crate::store::fresh_link(),
        )
        .await
        .expect("checked in");
    let at = |now: i64, slot_id: i64| BookRequest {
        now,
        offers: Default::default(),
        ..request(absent, slot_id)
    };
    // The same evening the appointment still counts: one active appointment per service.
    assert!(
        matches!(
            store.book(&at(NOW + 8 * 3600, slots[1])).await,
            Err(BookError::AlreadyBooked)
        ),
        "{db:?}"
    );
    assert_eq!(store.close_lapsed(NOW + 8 * 3600).await.expect("swept"), 0);
    // The next day it has lapsed: the booking closes it as a no-show and goes through.
    let next_day = NOW + DAY;
    store
        .book(&at(next_day, slots[1]))
        .await
        .expect("booked again the next day");
    assert_eq!(
        status_of(&store, absent, &missed.reference).await,
        AppointmentStatus::NoShow,
        "{db:?}"
    );
    assert_eq!(
        store.no_shows_of(absent, next_day).await.expect("no-shows"),
        vec![NOW + 3600]
    );
    // The day-end sweep closes the checked-in one as attended, once.
    assert_eq!(
        store.close_lapsed(next_day).await.expect("swept"),
        1,
        "{db:?}"
    );
    assert_eq!(
        store.close_lapsed(next_day).await.expect("swept"),
        0,
        "{db:?}"
    );
    assert_eq!(
        status_of(&store, came, &served.reference).await,
        AppointmentStatus::Attended,
        "{db:?}"
    );
    // The new booking is today's-or-later, so it is left as it is.
    assert_eq!(
        store
            .appointments_of(absent)
            .await
            .expect("appointments")
            .iter()
            .filter(|a| a.status == AppointmentStatus::Booked)
            .count(),
        1
    );
}

both!(an_active_appointment_of_a_day_that_is_over_lapses_and_frees_the_service);
